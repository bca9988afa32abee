import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { copyProgress } from './copy-progress.ts';
import { credsFlag, registryAccess, retryFlags, tlsFlags } from './registry-flags.ts';

export const command: CommandSpec = {
  use: 'push [options] IMAGE [DESTINATION]',
  short: 'Push an image to a specified destination',
  long: 'Pushes a source image to a specified destination. The default transport is docker://',
  examples: ['skiff push imageID docker://registry.example.com/repository:tag', 'skiff push imageID oci-archive:/path/to/layout:image:tag'],
  minArgs: 1,
  maxArgs: 2,
  flags: [
    { name: 'compress', type: 'bool', description: 'Compress tarball image layers when pushing to a directory using the \'dir\' transport. (default is same compression type as source)' },
    { name: 'compression-format', type: 'string', description: 'compression format to use (gzip, zstd)' },
    credsFlag,
    { name: 'digestfile', type: 'string', description: 'Write the digest of the pushed image to the specified file' },
    { name: 'disable-content-trust', type: 'bool', description: 'This is a Docker specific option and is a NOOP', hidden: true },
    { name: 'format', short: 'f', type: 'string', description: 'Manifest type (oci, v2s2, or v2s1) to use in the destination (default is manifest type of source, with fallbacks)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress output information when pushing images' },
    { name: 'remove-signatures', type: 'bool', description: 'Discard any pre-existing signatures in the image' },
    { name: 'sign-by', type: 'string', description: 'Add a signature at the destination using the specified key', hidden: true },
    ...retryFlags,
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const format = flags.string('format');
    if (format !== undefined && format !== 'oci' && format !== 'v2s2') {
      throw new InvalidArgumentError(format === 'v2s1' ? 'the v2s1 manifest format is not supported' : `unknown format "${format}". Choose on of the supported formats: 'oci', 'v2s1', or 'v2s2'`);
    }
    const compression = flags.string('compression-format');
    if (compression !== undefined && compression !== 'gzip' && compression !== 'zstd') {
      throw new InvalidArgumentError(`unsupported compression format ${JSON.stringify(compression)}: use gzip or zstd`);
    }
    if (flags.string('sign-by')) throw new InvalidArgumentError('signing images is not supported');
    const access = await registryAccess(flags);
    const engine = await ctx.engine();
    const progress = copyProgress(ctx, flags.bool('quiet'));
    await engine.images.push(args[0]!, args[1], {
      ...access,
      format,
      compressionFormat: compression ?? (flags.bool('compress') ? 'gzip' : undefined),
      digestfile: flags.string('digestfile'),
      onEvent: progress,
    });
  },
};
