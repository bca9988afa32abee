import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'unmount VOLUME',
  short: 'Unmount volume',
  long: 'Unmount a volume that was mounted with skiff volume mount; the last one unmounts it.',
  examples: ['skiff volume unmount myvol'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    engine.volumes.unmount(args[0]!);
    ctx.out(`${args[0]!}\n`);
  },
};
