import { InvalidArgumentError } from '../../../define/errors.ts';
import type { ListContainer } from '../../../engine/container-reports.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { goHumanSize, goTimeString, humanDuration, parseRFC3339 } from '../../format/units.ts';
import { splitList } from '../split-list.ts';

const sortKeys = ['command', 'created', 'id', 'image', 'names', 'runningfor', 'size', 'status'];

/** Podman 4.3's psReporter.Status(): the state, then the health in parentheses: "Up 3 seconds ago (healthy)". */
function statusText(c: ListContainer, now: number): string {
  return c.Status ? `${stateText(c, now)} (${c.Status})` : stateText(c, now);
}

/** Podman 4.3's psReporter.State(): "Up 3 seconds ago", "Exited (0) 2 seconds ago", "Created". */
function stateText(c: ListContainer, now: number): string {
  switch (c.State) {
    case 'running':
      return `Up ${humanDuration(now - c.StartedAt * 1000)} ago`;
    case 'exited':
    case 'stopped':
      return `Exited (${c.ExitCode}) ${humanDuration(now - c.ExitedAt * 1000)} ago`;
    default:
      return c.State.charAt(0).toUpperCase() + c.State.slice(1);
  }
}

interface PortJson {
  host_ip: string;
  container_port: number;
  host_port: number;
  range: number;
  protocol: string;
}

function portsText(ports: unknown[] | null): string {
  return (ports as PortJson[] | null ?? [])
    .map((p) => {
      const span = (start: number) => (p.range > 1 ? `${start}-${start + p.range - 1}` : `${start}`);
      return `${p.host_ip || '0.0.0.0'}:${span(p.host_port)}->${span(p.container_port)}/${p.protocol}`;
    })
    .join(', ');
}

/** One row for templates: the fields and methods of Podman's psReporter. */
function row(c: ListContainer, noTrunc: boolean, size: boolean, now: number): Record<string, unknown> {
  const command = c.Command.join(' ');
  const created = goTimeString(...parseRFC3339(c.CreatedAt));
  const labels = new Map(Object.entries(c.Labels ?? {}));
  return {
    ID: noTrunc ? c.Id : c.Id.slice(0, 12),
    Image: c.Image,
    ImageID: c.ImageID,
    Command: !noTrunc && command.length > 17 ? `${command.slice(0, 17)}...` : command,
    CreatedAt: created,
    Created: created,
    CreatedHuman: `${humanDuration(now - c.createdMs)} ago`,
    RunningFor: `${humanDuration(now - c.createdMs)} ago`,
    Status: statusText(c, now),
    State: stateText(c, now),
    Labels: labels,
    Label: (name: string) => labels.get(name) ?? '',
    Mounts: c.Mounts,
    Networks: c.Networks.join(','),
    Ports: portsText(c.Ports),
    Names: c.Names[0] ?? '',
    Size: size && c.Size ? `${goHumanSize(c.Size.RwSize)} (virtual ${goHumanSize(c.Size.RootFsSize)})` : '',
    Pid: c.Pid,
    ExitCode: c.ExitCode,
    Exited: c.Exited,
    ExitedAt: c.ExitedAt,
    StartedAt: c.StartedAt,
    AutoRemove: c.AutoRemove,
    IsInfra: c.IsInfra,
    Pod: c.Pod,
    PodName: c.PodName,
    Namespaces: c.Namespaces,
    ...c.Namespaces,
  };
}

function sortList(list: ListContainer[], key: string, now: number): ListContainer[] {
  const by: Record<string, (c: ListContainer) => string | number> = {
    command: (c) => c.Command.join(' '),
    created: (c) => c.createdMs,
    id: (c) => c.Id,
    image: (c) => c.Image,
    names: (c) => c.Names[0] ?? '',
    runningfor: (c) => c.StartedAt,
    size: (c) => c.Size?.RootFsSize ?? 0,
    status: (c) => statusText(c, now),
  };
  const f = by[key]!;
  return [...list].sort((a, b) => {
    const x = f(a);
    const y = f(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** `--format json`: Podman's ListContainer with CreatedAt and Status as people read them. */
function jsonList(list: ListContainer[], now: number): object[] {
  return list.map(({ createdMs: _createdMs, ...c }) => ({
    ...c,
    CreatedAt: `${humanDuration(now - c.Created * 1000)} ago`,
    // A Go map: written with sorted keys.
    Labels: c.Labels ? new Map(Object.entries(c.Labels)) : null,
    Status: statusText({ ...c, createdMs: 0 }, now),
  }));
}

export const command: CommandSpec = {
  use: 'ps [options]',
  short: 'List containers',
  long: 'Prints out information about the containers',
  examples: ['skiff ps -a', 'skiff ps -a --format "{{.ID}}  {{.Image}}  {{.Labels}}  {{.Mounts}}"', 'skiff ps --size --sort names'],
  maxArgs: 0,
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all the containers, default is only running containers' },
    { name: 'external', type: 'bool', description: 'Show containers in storage not controlled by skiff' },
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions given' },
    { name: 'format', type: 'string', description: 'Pretty-print containers to JSON or using a Go template' },
    { name: 'last', short: 'n', type: 'int', default: -1, description: 'Print the n last created containers (all states)' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'namespace', type: 'bool', description: 'Display namespace information' },
    { name: 'ns', type: 'bool', description: 'Display namespace information', hidden: true },
    { name: 'no-trunc', type: 'bool', description: 'Display the extended information' },
    { name: 'noheading', type: 'bool', description: 'Do not print headers' },
    { name: 'pod', short: 'p', type: 'bool', description: 'Print the ID and name of the pod the containers are associated with' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Print the numeric IDs of the containers only' },
    { name: 'size', short: 's', type: 'bool', description: 'Display the total file sizes' },
    { name: 'sort', type: 'string', default: 'created', description: 'Sort output by: command, created, id, image, names, runningfor, size, status' },
    { name: 'sync', type: 'bool', description: "Sync container state with OCI runtime" },
    { name: 'watch', short: 'w', type: 'int', description: 'Watch the ps output on an interval in seconds' },
  ],
  async run(ctx, flags) {
    const sort = flags.string('sort') ?? 'created';
    if (!sortKeys.includes(sort)) {
      throw new InvalidArgumentError(`invalid argument "${sort}" for "--sort" flag: "${sort}" is not a valid value.  Choose from: "${sortKeys.join(', ')}"\nSee 'skiff ps --help'`);
    }
    if (flags.changed('watch')) throw new InvalidArgumentError('the watch option is not supported');
    const quiet = flags.bool('quiet');
    const format = flags.string('format');
    if (quiet && format !== undefined && format !== '') throw new InvalidArgumentError('quiet and format cannot be used together');
    const last = flags.int('last') ?? -1;
    const noTrunc = flags.bool('no-trunc');
    const size = flags.bool('size');
    const engine = await ctx.engine();
    const now = Date.now();
    const list = sortList(
      await engine.containers.ps({
        all: flags.bool('all'),
        latest: flags.bool('latest'),
        ...(last > 0 ? { last } : {}),
        size,
        namespace: flags.bool('namespace') || flags.bool('ns'),
        filters: splitList(flags.array('filter')),
      }),
      sort,
      now,
    );
    if (quiet) {
      ctx.out(list.map((c) => `${noTrunc ? c.Id : c.Id.slice(0, 12)}\n`).join(''));
      return;
    }
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(`${marshalJSON(jsonList(list, now), { indent: '  ', jsoniter: true })}\n`);
      return;
    }
    const ns = flags.bool('namespace') || flags.bool('ns');
    const columns = ns
      ? ['{{.ID}}', '{{.Names}}', '{{.Pid}}', '{{.Cgroup}}', '{{.IPC}}', '{{.MNT}}', '{{.NET}}', '{{.PIDNS}}', '{{.User}}', '{{.UTS}}']
      : ['{{.ID}}', '{{.Image}}', '{{.Command}}', '{{.CreatedHuman}}', '{{.Status}}', '{{.Ports}}', '{{.Names}}'];
    if (size) columns.push('{{.Size}}');
    ctx.out(
      formatReports(
        list.map((c) => row(c, noTrunc, size, now)),
        {
          format,
          defaultFormat: `table ${columns.join('\t')}`,
          headers: { ID: 'CONTAINER ID', CreatedHuman: 'CREATED', Cgroup: 'CGROUPNS', PIDNS: 'PIDNS', User: 'USERNS' },
          noHeading: flags.bool('noheading'),
          name: 'ps',
        },
      ),
    );
  },
};
