import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'untag IMAGE [IMAGE...]',
  short: 'Remove a name from a local image',
  long: 'Removes one or more names from a locally-stored image.',
  examples: ['skiff untag 0e3bbc2', 'skiff untag imageID:latest otherImageName:latest', 'skiff untag httpd myregistryhost:5000/fedora/httpd:v2'],
  minArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    await engine.images.untag(args[0]!, args.slice(1));
  },
};
