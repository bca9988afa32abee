import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'cleanup [options] CONTAINER [CONTAINER...]',
  short: 'Clean up network and mountpoints of one or more containers',
  long: 'Cleans up mount points and network stacks on one or more containers from the host.\n\n  The container name or ID can be used. This command is used internally when running containers, but can also be used if container cleanup has failed when a container exits.',
  examples: ['skiff container cleanup --latest', 'skiff container cleanup ctrID1 ctrID2 ctrID3', 'skiff container cleanup --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Cleans up all containers' },
    { name: 'exec', type: 'string', description: 'Clean up the given exec session instead of the container' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'rm', type: 'bool', description: 'After cleanup, remove the container' },
    { name: 'rmi', type: 'bool', description: 'After cleanup, remove the image entirely' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if (!all && !latest && args.length === 0) throw new InvalidArgumentError('you must provide at least one name or id');
    const engine = await ctx.engine();
    const reports = await engine.containers.cleanup(args, { all, latest, rm: flags.bool('rm') });
    printBatch(ctx, reports);
  },
};
