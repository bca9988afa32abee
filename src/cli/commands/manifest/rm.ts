import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'rm LIST [LIST...]',
  short: 'Remove manifest list or image index from local storage',
  long: 'Remove manifest list or image index from local storage.',
  examples: ['skiff manifest rm mylist:v1.11'],
  minArgs: 1,
  async run(ctx, _flags, args) {
    const { removeLists } = await import('../../../engine/manifest-lists.ts');
    const { store } = await ctx.engine();
    for (const r of removeLists(store, args)) ctx.out(`Untagged: ${r.untagged}\nDeleted: ${r.deleted}\n`);
  },
};
