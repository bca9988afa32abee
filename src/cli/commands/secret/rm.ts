import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';

export const command: CommandSpec = {
  use: 'rm [options] SECRET [SECRET...]',
  short: 'Remove one or more secrets',
  long: 'Remove one or more secrets',
  examples: ['skiff secret rm mysecret1 mysecret2'],
  flags: [{ name: 'all', short: 'a', type: 'bool', description: 'Remove all secrets' }],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('when using the --all switch, you may not pass any secret names or IDs');
    if (!all && args.length === 0) throw new InvalidArgumentError('requires at least 1 arg(s), only received 0');
    const engine = await ctx.engine();
    printBatch(ctx, engine.secrets.remove(args, { all }));
  },
};
