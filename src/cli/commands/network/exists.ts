import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exists NETWORK',
  short: 'network exists',
  long: 'If the named network exists, skiff network exists exits with 0, otherwise the exit code will be 1.',
  examples: ['skiff network exists net1'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    return (await engine.networks.exists(args[0]!)) ? 0 : 1;
  },
};
