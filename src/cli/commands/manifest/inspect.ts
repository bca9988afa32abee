import type { CommandSpec } from '../../command.ts';
import { registryAccess, tlsFlags } from '../image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'inspect [options] IMAGE',
  short: 'Display the contents of a manifest list or image index',
  long: 'Display the contents of a manifest list or image index.',
  examples: ['skiff manifest inspect localhost/list'],
  minArgs: 1,
  maxArgs: 1,
  flags: [...tlsFlags],
  async run(ctx, flags, args) {
    const { inspectList } = await import('../../../engine/manifest-lists.ts');
    const access = await registryAccess(flags);
    const { store } = await ctx.engine();
    ctx.out(`${JSON.stringify(await inspectList(store, args[0]!, access), null, 4)}\n`);
  },
};
