import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'init [options] CONTAINER [CONTAINER...]',
  short: 'Initialize one or more containers',
  long: 'Initialize one or more containers, creating the OCI spec and mounts for inspection. Container names or IDs can be used.',
  examples: ['skiff init --latest', 'skiff init 3c45ef19d893', 'skiff init test1'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Initialize all containers' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if (!all && !latest && args.length === 0) throw new InvalidArgumentError('specify one or more containers to initialize, or use --all or --latest');
    if ((all || latest) && args.length > 0) throw new InvalidArgumentError('--all, --latest, and containers cannot be used together');
    const engine = await ctx.engine();
    printBatch(ctx, await engine.containers.init(args, { all, latest }));
  },
};
