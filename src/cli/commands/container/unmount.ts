import { unmountContainers } from '../../../engine/container-ops/mount.ts';
import type { CommandSpec } from '../../command.ts';
import { checkTargets, printBatch } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'unmount [options] CONTAINER [CONTAINER...]',
  short: "Unmount working container's root filesystem",
  long: "Container storage increments a mount counter each time a container is mounted.\n\n  When a container is unmounted, the mount counter is decremented. The container's root filesystem is physically unmounted only when the mount counter reaches zero indicating no other processes are using the mount.\n\n  An unmount can be forced with the --force flag.",
  examples: ['skiff unmount ctrID', 'skiff unmount ctrID1 ctrID2 ctrID3', 'skiff unmount --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Unmount all of the currently mounted containers' },
    { name: 'force', short: 'f', type: 'bool', description: 'Force the complete unmount of the specified mounted containers' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    checkTargets(args, { all, latest });
    const engine = await ctx.engine();
    const ce = engine.containers;
    const targets = latest ? [ce.latest()?.config.id ?? 'latest'] : args;
    printBatch(ctx, await unmountContainers(ce, targets, { all, force: flags.bool('force') }), undefined, (r) => (all ? r.Id : r.RawInput));
  },
};
