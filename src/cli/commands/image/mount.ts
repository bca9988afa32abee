import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'mount [options] [IMAGE...]',
  short: "Mount an image's root filesystem",
  long: 'Mount the root filesystem of one or more images, read-only, and print where. Without arguments, list the mounted images.',
  examples: ['skiff image mount imgID', 'skiff image mount imgID1 imgID2 imgID3', 'skiff image mount', 'skiff image mount --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Mount all images' },
    { name: 'format', type: 'string', description: "Print the mounted images in specified format (json)" },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    if (flags.bool('all')) args = (await engine.images.list()).map((i) => i.Id);
    if (!args.length) {
      const mounted = await engine.images.mounted();
      if (flags.string('format') === 'json') {
        ctx.out(`${JSON.stringify(mounted.map((m) => ({ id: m.id, Names: m.names, Repositories: m.names, mountpoint: m.path })), null, 4)}\n`);
        return;
      }
      for (const m of mounted) ctx.out(`${m.id.slice(0, 12)} ${m.names[0] ?? ''} ${m.path}\n`);
      return;
    }
    let code = 0;
    for (const a of args) {
      try {
        const target = await engine.images.mount(a);
        ctx.out(args.length > 1 || flags.bool('all') ? `${a} ${target}\n` : `${target}\n`);
      } catch (err) {
        ctx.error((err as Error).message);
        code = 125;
      }
    }
    return code;
  },
};
