import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { copyProgress } from '../image/copy-progress.ts';
import { credsFlag, registryAccess, retryFlags, tlsFlags } from '../image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'push [options] LIST DESTINATION',
  short: 'Push a manifest list or image index to a registry',
  long: 'Pushes manifest lists and image indexes to registries.',
  examples: ['skiff manifest push mylist:v1.11 docker://quay.io/myuser/image:v1.11'],
  minArgs: 1,
  maxArgs: 2,
  flags: [
    { name: 'all', type: 'bool', default: true, description: 'also push the images in the list' },
    { name: 'compression-format', type: 'string', description: 'compression format to use (gzip, zstd)' },
    credsFlag,
    { name: 'digestfile', type: 'string', description: 'after copying the image, write the digest of the resulting digest to the file' },
    { name: 'format', short: 'f', type: 'string', description: 'manifest type (oci or v2s2) to attempt to use when pushing the manifest list (default is manifest type of source)' },
    { name: 'quiet', short: 'q', type: 'bool', description: "don't output progress information when pushing lists" },
    { name: 'remove-signatures', type: 'bool', description: "don't copy signatures when pushing images" },
    { name: 'rm', type: 'bool', description: 'remove the manifest list if push succeeds' },
    ...retryFlags,
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const format = flags.string('format');
    if (format !== undefined && format !== 'oci' && format !== 'v2s2') throw new InvalidArgumentError(`unknown format "${format}": use oci or v2s2`);
    const compression = flags.string('compression-format');
    if (compression !== undefined && compression !== 'gzip' && compression !== 'zstd') {
      throw new InvalidArgumentError(`unsupported compression format ${JSON.stringify(compression)}: use gzip or zstd`);
    }
    if (!flags.bool('all')) throw new InvalidArgumentError('--all=false is not supported: the images of the list are always pushed');
    const { pushList } = await import('../../../engine/manifest-lists.ts');
    const access = await registryAccess(flags);
    const { store } = await ctx.engine();
    const progress = copyProgress(ctx, flags.bool('quiet'));
    await pushList(store, args[0]!, args[1] ?? args[0]!, {
      ...access,
      format,
      compressionFormat: compression,
      removeAfter: flags.bool('rm'),
      digestfile: flags.string('digestfile'),
      onEvent: (e) => {
        if (e.kind === 'list') {
          if (!flags.bool('quiet')) ctx.err('Writing manifest list to image destination\nStoring list signatures\n');
        } else progress?.(e);
      },
    });
  },
};
