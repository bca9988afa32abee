import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exists VOLUME',
  short: 'volume exists',
  long: 'If the given volume exists, skiff volume exists exits with 0, otherwise the exit code will be 1.',
  examples: ['skiff volume exists myvol'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    return engine.volumes.exists(args[0]!) ? 0 : 1;
  },
};
