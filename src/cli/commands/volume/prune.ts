import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';
import { confirm } from '../confirm.ts';

export const command: CommandSpec = {
  use: 'prune [options]',
  short: 'Remove all unused volumes',
  long: 'Volumes that are not currently owned by a container will be removed.\n\n  The command prompts for confirmation which can be overridden with the --force flag.\n  Note all data will be destroyed.',
  examples: ['skiff volume prune'],
  maxArgs: 0,
  flags: [
    { name: 'filter', type: 'stringArray', description: 'Provide filter values (e.g. \'label=<key>=<value>\')' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  async run(ctx, flags) {
    if (!flags.bool('force') && !confirm(ctx, 'WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:\nAre you sure you want to continue? [y/N] ')) return 0;
    const engine = await ctx.engine();
    printBatch(ctx, await engine.volumes.prune(flags.array('filter')));
    return 0;
  },
};
