import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { goDuration } from '../../../domain/containers/top/go-duration.ts';
import { statsSnapshot, type ContainerStats } from '../../../engine/container-ops/stats.ts';
import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { bytesSize, goHumanSize } from '../../format/units.ts';

const defaultFormat = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}';

const headers = {
  ID: 'ID', UpTime: 'CPU TIME', CPUPerc: 'CPU %', AVGCPU: 'Avg CPU %', MemUsage: 'MEM USAGE / LIMIT', MemUsageBytes: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET IO', BlockIO: 'BLOCK IO', PIDS: 'PIDS',
};

const percent = (f: number) => `${f.toFixed(2)}%`;
const pair = (a: number, b: number, size: (n: number) => string = goHumanSize) => `${size(a)} / ${size(b)}`;

/** What a --format template sees: Podman's containerStats (the raw numbers plus formatted columns). */
function row(s: ContainerStats, noTrunc: boolean): Record<string, unknown> {
  return {
    ...s,
    ContainerStats: s,
    ID: noTrunc ? s.ContainerID : s.ContainerID.slice(0, 12),
    CPUPerc: percent(s.CPU),
    AVGCPU: percent(s.AvgCPU),
    MemUsage: pair(s.MemUsage, s.MemLimit),
    MemUsageBytes: pair(s.MemUsage, s.MemLimit, bytesSize),
    MemPerc: percent(s.MemPerc),
    NetIO: pair(s.NetInput, s.NetOutput),
    BlockIO: pair(s.BlockInput, s.BlockOutput),
    PIDS: String(s.PIDs),
    UpTime: goDuration(s.UpTime),
    Up: goDuration(s.UpTime),
  };
}

/** `--format json`: Podman's own JSON shape for stats, not the template fields. */
function jsonRow(r: Record<string, unknown>): Record<string, unknown> {
  return {
    id: r.ID, name: r.Name, cpu_time: r.UpTime, cpu_percent: r.CPUPerc, avg_cpu: r.AVGCPU, mem_usage: r.MemUsage,
    mem_percent: r.MemPerc, net_io: r.NetIO, block_io: r.BlockIO, pids: r.PIDS,
  };
}

export const command: CommandSpec = {
  use: 'stats [options] [CONTAINER...]',
  short: 'Display a live stream of container resource usage statistics',
  long: 'Display percentage of CPU, memory, network I/O, block I/O and PIDs for one or more containers.',
  examples: ['skiff stats --all --no-stream', 'skiff stats ctrID', "skiff stats --no-stream --format \"table {{.ID}} {{.Name}} {{.MemUsage}}\" ctrID"],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers. Only running containers are shown by default. The default is false' },
    { name: 'format', type: 'string', description: 'Pretty-print container statistics to JSON or using a Go template' },
    { name: 'interval', short: 'i', type: 'int', default: 5, description: 'Time in seconds between stats reports' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'no-reset', type: 'bool', description: 'Disable resetting the screen between intervals' },
    { name: 'no-stream', type: 'bool', description: 'Disable streaming stats and only pull the first result, default setting is false' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate output' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if (all && latest) throw new InvalidArgumentError('--all and --latest cannot be used together');
    if ((all || latest) && args.length) throw new InvalidArgumentError('--all, --latest and containers cannot be used together');
    const interval = flags.int('interval')!;
    if (interval < 1) throw new InvalidArgumentError('invalid interval, must be a positive number greater zero');
    const engine = await ctx.engine();
    const noTrunc = flags.bool('no-trunc');
    const reset = process.stdout.isTTY === true && !flags.bool('no-reset');
    let previous = new Map<string, ContainerStats>();
    for (;;) {
      const stats = await statsSnapshot(engine.containers, args, { all, latest }, previous);
      const rows = stats.map((s) => row(s, noTrunc));
      const out = formatReports(rows, { format: flags.string('format'), defaultFormat, headers, jsonValue: rows.map(jsonRow), json: { indent: ' ' }, name: 'stats' });
      ctx.out(reset && !flags.bool('no-stream') ? `\x1b[2J\x1b[1;1H${out}` : out);
      if (flags.bool('no-stream')) return;
      previous = new Map(stats.map((s) => [s.ContainerID, s]));
      await sleep(interval * 1000);
    }
  },
};
