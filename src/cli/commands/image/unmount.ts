import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'unmount [options] IMAGE [IMAGE...]',
  short: "Unmount an image's root filesystem",
  long: 'Image storage increments a mount counter each time an image is mounted. When an image is unmounted, the mount counter is decremented, and the image\'s root filesystem is physically unmounted only when the mount counter reaches zero indicating no other processes are using the mount.',
  examples: ['skiff image unmount imageID', 'skiff image unmount --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Unmount all of the currently mounted images' },
    { name: 'force', short: 'f', type: 'bool', description: 'Force the complete unmount of the specified mounted images' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (!all && !args.length) throw new InvalidArgumentError('image name or ID must be specified');
    if (all && args.length) throw new InvalidArgumentError('when using the --all switch, you may not pass any image names or IDs');
    const engine = await ctx.engine();
    const targets = all ? (await engine.images.mounted()).map((m) => m.id) : args;
    let code = 0;
    for (const t of targets) {
      try {
        await engine.images.unmount(t, flags.bool('force') || all);
        ctx.out(`${all ? t : (await engine.images.lookup(t)).id}\n`);
      } catch (err) {
        ctx.error((err as Error).message);
        code = 125;
      }
    }
    return code;
  },
};
