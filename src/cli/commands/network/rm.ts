import { ExitStatusError, NoSuchNetworkError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'rm [options] NETWORK [NETWORK...]',
  short: 'Remove networks',
  long: 'Remove networks',
  examples: ['skiff network rm podman'],
  minArgs: 1,
  flags: [
    { name: 'force', short: 'f', type: 'bool', description: 'remove any containers using network' },
    { name: 'time', short: 't', type: 'int', default: 10, description: 'Seconds to wait for running containers to stop before killing the container' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const reports = await engine.networks.remove(args, { force: flags.bool('force'), timeout: flags.int('time') ?? 10 });
    let out = '';
    const errors: Error[] = [];
    for (const r of reports) {
      if (r.error) errors.push(r.error);
      else out += `${r.name}\n`;
    }
    ctx.out(out);
    if (errors.length > 0) {
      for (const e of errors.slice(0, -1)) ctx.error(e.message);
      const last = errors.at(-1)!;
      throw new ExitStatusError(last.message, last instanceof NoSuchNetworkError ? 1 : 125);
    }
  },
};
