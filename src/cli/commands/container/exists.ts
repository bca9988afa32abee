import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'exists [options] CONTAINER',
  short: 'Check if a container exists in local storage',
  long: 'If the named container exists in local storage, skiff container exists exits with 0, otherwise the exit code will be 1.',
  examples: ['skiff container exists --external containerID', 'skiff container exists myctr || skiff run --name myctr [etc...]'],
  flags: [{ name: 'external', type: 'bool', description: 'Check external storage containers as well as Podman containers' }],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    return engine.containers.exists(args[0]!) ? 0 : 1;
  },
};
