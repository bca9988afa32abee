import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exists IMAGE',
  short: 'Check if an image exists in local storage',
  long: 'If the named image exists in local storage, skiff image exists exits with 0, otherwise the exit code will be 1.',
  examples: ['skiff image exists ID', 'skiff image exists IMAGE && skiff pull IMAGE'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    return engine.images.exists(args[0]!) ? 0 : 1;
  },
};
