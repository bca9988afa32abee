import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'remove LIST IMAGE',
  short: 'Remove an entry from a manifest list or image index',
  long: 'Removes an image from a manifest list or image index.',
  examples: ['skiff manifest remove mylist:v1.11 sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736'],
  minArgs: 2,
  maxArgs: 2,
  async run(ctx, _flags, args) {
    const { removeFromList } = await import('../../../engine/manifest-lists.ts');
    const { store } = await ctx.engine();
    ctx.out(`${removeFromList(store, args[0]!, args[1]!)}\n`);
  },
};
