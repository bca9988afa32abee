import { updateContainer } from '../../../engine/container-ops/settings.ts';
import type { CommandSpec } from '../../command.ts';
import { resourceFlags, resourceUpdates } from './resource-flags.ts';

export const command: CommandSpec = {
  use: 'update [options] CONTAINER',
  short: 'update an existing container',
  long: 'Updates the cgroup configuration of a given container',
  examples: ['skiff update --cpus=5 foobar_container'],
  flags: resourceFlags(true),
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, flags, args) {
    const opts = resourceUpdates(flags);
    const engine = await ctx.engine();
    ctx.out(`${await updateContainer(engine.containers, args[0]!, opts)}\n`);
  },
};
