import { renameContainer } from '../../../engine/container-ops/settings.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'rename CONTAINER NAME',
  short: 'Rename an existing container',
  long: 'The podman rename command allows you to rename an existing container',
  examples: ['skiff rename containerA newName'],
  minArgs: 2,
  maxArgs: 2,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    await renameContainer(engine.containers, args[0]!, args[1]!);
  },
};
