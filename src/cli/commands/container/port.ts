import { InvalidArgumentError } from '../../../define/errors.ts';
import { containerPorts } from '../../../engine/container-ops/settings.ts';
import type { CommandSpec } from '../../command.ts';

/** `80` or `80/udp`, as Podman parses it (strconv.ParseUint into 16 bits). */
function parsePortArg(arg: string): { port: number; proto: string } {
  const [text, proto = 'tcp'] = arg.split('/', 2) as [string, string?];
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const port = Number(text);
  if (port > 65535) throw new InvalidArgumentError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return { port, proto };
}

export const command: CommandSpec = {
  use: 'port [options] CONTAINER [PORT]',
  short: 'List port mappings or a specific mapping for the container',
  long: 'List port mappings for the CONTAINER, or look up the public-facing port that is NAT-ed to the PRIVATE_PORT',
  examples: ['skiff port --all', 'skiff port ctrID 80/tcp', 'skiff port --latest 80'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Display port information for all containers' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  maxArgs: 2,
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if (all && args.length) throw new InvalidArgumentError('no arguments are needed with --all');
    if (!all && !latest && args.length === 0) throw new InvalidArgumentError('you must supply a running container name or id');
    if (latest && args.length > 1) throw new InvalidArgumentError('the port can only be specified once');
    const portArg = all ? undefined : latest ? args[0] : args[1];
    const wanted = portArg === undefined ? undefined : parsePortArg(portArg);
    const engine = await ctx.engine();
    const reports = await containerPorts(engine.containers, all || latest ? undefined : args[0], { all, latest });
    let out = '';
    for (const report of reports) {
      const prefix = all ? `${report.id.slice(0, 12)}\t` : '';
      let found = false;
      for (const p of report.ports) {
        const hostIp = p.hostIp || '0.0.0.0';
        const range = Math.max(1, p.range);
        if (!wanted) {
          for (let i = 0; i < range; i++) out += `${prefix}${p.containerPort + i}/${p.protocol} -> ${hostIp}:${p.hostPort + i}\n`;
          continue;
        }
        if (p.protocol === wanted.proto && p.containerPort <= wanted.port && wanted.port < p.containerPort + range) {
          out += `${prefix}${hostIp}:${p.hostPort + wanted.port - p.containerPort}\n`;
          found = true;
          break;
        }
      }
      if (wanted && !found) {
        ctx.out(out);
        throw new InvalidArgumentError(`failed to find published port ${JSON.stringify(portArg)}`);
      }
    }
    ctx.out(out);
  },
};
