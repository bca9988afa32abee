import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exists MANIFEST',
  short: 'Check if a manifest list exists in local storage',
  long: 'If the manifest list exists in local storage, podman manifest exists exits with 0, otherwise the exit code will be 1.',
  examples: ['skiff manifest exists mylist'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const { listExists } = await import('../../../engine/manifest-lists.ts');
    const { store } = await ctx.engine();
    return listExists(store, args[0]!) ? 0 : 1;
  },
};
