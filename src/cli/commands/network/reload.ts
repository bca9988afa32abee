import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';

export const command: CommandSpec = {
  use: 'reload [options] [CONTAINER...]',
  short: 'Reload firewall rules for one or more containers',
  long: 'reload container networks, recreating firewall rules',
  examples: ['skiff network reload --latest', 'skiff network reload 3c13ef6dd843', 'skiff network reload test1 test2'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Reload network configuration of all containers' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if (!all && !latest && args.length === 0) throw new InvalidArgumentError('you must provide at least one name or id');
    const engine = await ctx.engine();
    const reports = await engine.networks.reload(args, { all, latest });
    printBatch(ctx, reports, () => 125, (r) => r.Id);
  },
};
