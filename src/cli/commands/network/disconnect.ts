import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'disconnect [options] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  long: 'Disconnect a container from a network',
  examples: ['skiff network disconnect web secondary'],
  minArgs: 2,
  maxArgs: 2,
  flags: [{ name: 'force', short: 'f', type: 'bool', description: 'force removal of container from network' }],
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    await engine.networks.disconnect(args[0]!, args[1]!);
  },
};
