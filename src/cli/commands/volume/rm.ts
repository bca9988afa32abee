import { InvalidArgumentError, NoSuchVolumeError, SkiffError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';

export const command: CommandSpec = {
  use: 'rm [options] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  long: 'Remove one or more existing volumes.\n\n  By default only volumes that are not being used by any containers will be removed. To remove the volumes anyways, use the --force flag.',
  examples: ['skiff volume rm myvol1 myvol2', 'skiff volume rm --all', 'skiff volume rm --force myvol'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all volumes' },
    { name: 'force', short: 'f', type: 'bool', description: 'Remove a volume by force, even if it is being used by a container' },
    { name: 'time', short: 't', type: 'int', default: 10, description: 'Seconds to wait for running containers to stop before killing the container' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('when using the --all flag, no volume names may be given');
    if (!all && args.length === 0) throw new InvalidArgumentError('choose either one or more volumes or all');
    const engine = await ctx.engine();
    const reports = await engine.volumes.remove(args, { all, force: flags.bool('force'), timeout: flags.int('time') ?? 10 });
    // Podman: a missing volume is 1, one in use 2, anything else 125
    printBatch(ctx, reports, (errors) => {
      const last = errors.at(-1);
      return last instanceof NoSuchVolumeError ? 1 : last instanceof SkiffError ? last.exitCode : 125;
    });
  },
};
