import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'import [options] PATH [REFERENCE]',
  short: 'Import a tarball to create a filesystem image',
  long: 'Create a container image from the contents of the specified tarball (.tar, .tar.gz, .tgz, .bzip, .tar.xz, .txz).\n\nNote remote tar balls can be specified, via web address.\nOptionally tag the image. You can specify the instructions using the --change option.',
  examples: [
    'skiff import http://example.com/ctr.tar url-image',
    'cat ctr.tar | skiff -q import --message "importing the ctr.tar tarball" - image-imported',
    'cat ctr.tar | skiff import -',
  ],
  minArgs: 1,
  maxArgs: 2,
  flags: [
    { name: 'change', short: 'c', type: 'stringArray', description: 'Apply the following possible instructions to the created image (default []): CMD | ENTRYPOINT | ENV | EXPOSE | LABEL | ONBUILD | STOPSIGNAL | USER | VOLUME | WORKDIR' },
    { name: 'message', short: 'm', type: 'string', description: 'Set commit message for imported image' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress output' },
    { name: 'os', type: 'string', description: 'Set the OS of the imported image' },
    { name: 'arch', type: 'string', description: 'Set the architecture of the imported image' },
    { name: 'variant', type: 'string', description: 'Set the variant of the imported image' },
    { name: 'signature-policy', type: 'string', description: 'Path to a signature-policy file', hidden: true },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const { hostPlatform } = await import('../../../infra/image/platform.ts');
    const host = hostPlatform();
    const id = await engine.images.import({
      source: args[0]!,
      reference: args[1],
      changes: flags.array('change'),
      message: flags.string('message'),
      stdin: process.stdin,
      platform: { os: flags.string('os') ?? host.os, architecture: flags.string('arch') ?? host.architecture, variant: flags.string('variant') },
    });
    ctx.out(`sha256:${id}\n`);
  },
};
