import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'tag IMAGE TARGET_NAME [TARGET_NAME...]',
  short: 'Add an additional name to a local image',
  long: 'Adds one or more additional names to locally-stored image.',
  examples: ['skiff tag 0e3bbc2 fedora:latest', 'skiff tag imageID:latest myNewImage:newTag', 'skiff tag httpd myregistryhost:5000/fedora/httpd:v2'],
  minArgs: 2,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    await engine.images.tag(args[0]!, args.slice(1));
  },
};
