import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';
import { confirm } from '../confirm.ts';
import { asBatch } from './network-rows.ts';

export const command: CommandSpec = {
  use: 'prune [options]',
  short: 'Prune unused networks',
  long: 'Prune unused networks',
  examples: ['skiff network prune'],
  maxArgs: 0,
  flags: [
    { name: 'filter', type: 'stringArray', description: 'Provide filter values (e.g. \'label=<key>=<value>\')' },
    { name: 'force', short: 'f', type: 'bool', description: 'do not prompt for confirmation' },
  ],
  async run(ctx, flags) {
    if (!flags.bool('force') && !confirm(ctx, 'WARNING! This will remove all networks not used by at least one container.\nAre you sure you want to continue? [y/N] ')) return 0;
    const engine = await ctx.engine();
    const reports = await engine.networks.prune();
    printBatch(ctx, asBatch(reports));
    return 0;
  },
};
