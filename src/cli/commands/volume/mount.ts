import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'mount VOLUME',
  short: 'Mount volume',
  long: 'Mount a volume and return the mountpoint',
  examples: ['skiff volume mount myvol'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    ctx.out(`${await engine.volumes.mount(args[0]!)}\n`);
  },
};
