import type { CommandSpec } from '../../command.ts';
import { confirm } from '../confirm.ts';

const warning = 'WARNING! This will remove:\n        - all containers\n        - all pods\n        - all images\n        - all networks\n        - all build cache\n        - all machines\n        - all volumes\nAre you sure you want to continue? [y/N] ';

export const command: CommandSpec = {
  use: 'reset [options]',
  short: 'Reset podman storage',
  long: 'Reset podman storage back to default state"\n\n  All containers will be stopped and removed, and all images, volumes, networks and container content will be removed.',
  examples: ['skiff system reset'],
  maxArgs: 0,
  flags: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' }],
  async run(ctx, flags) {
    if (!flags.bool('force') && !confirm(ctx, warning)) return 0;
    const engine = await ctx.engine();
    const { resetStore } = await import('../../../engine/system-engine.ts');
    const errors = await resetStore(engine);
    for (const err of errors.slice(0, -1)) ctx.error(err.message);
    if (errors.length > 0) throw errors.at(-1)!;
    return 0;
  },
};
