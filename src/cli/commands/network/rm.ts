import { NoSuchNetworkError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';
import { asBatch } from './network-rows.ts';

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
    printBatch(ctx, asBatch(reports), (errors) => (errors.at(-1) instanceof NoSuchNetworkError ? 1 : 125));
  },
};
