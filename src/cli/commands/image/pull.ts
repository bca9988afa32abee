import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { copyProgress } from './copy-progress.ts';
import { credsFlag, platformFrom, registryAccess, retryFlags, tlsFlags } from './registry-flags.ts';
import { shortNamePrompt } from './short-name-prompt.ts';

export const command: CommandSpec = {
  use: 'pull [options] IMAGE [IMAGE...]',
  short: 'Pull an image from a registry',
  long: 'Pulls an image from a registry and stores it locally.',
  examples: ['skiff pull imageName', 'skiff pull fedora:latest', 'skiff pull --all-tags --tls-verify=false 127.0.0.1:5000/busybox'],
  minArgs: 1,
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', description: 'All tagged images in the repository will be pulled' },
    { name: 'arch', type: 'string', description: 'Use ARCH instead of the architecture of the machine for choosing images' },
    credsFlag,
    { name: 'disable-content-trust', type: 'bool', description: 'This is a Docker specific option and is a NOOP', hidden: true },
    { name: 'os', type: 'string', description: 'Use OS instead of the running OS for choosing images' },
    { name: 'platform', type: 'string', description: 'Specify the platform for selecting the image.  (Conflicts with arch and os)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress output information when pulling images' },
    { name: 'variant', type: 'string', description: 'Use VARIANT instead of the running architecture variant for choosing images' },
    ...retryFlags,
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const platform = platformFrom(flags);
    if (flags.bool('all-tags') && args.length > 1) throw new InvalidArgumentError('--all-tags/-a takes exactly one argument');
    const access = await registryAccess(flags);
    const quiet = flags.bool('quiet');
    const engine = await ctx.engine();
    for (const name of args) {
      const report = await engine.images.pull(name, {
        ...access,
        platform,
        allTags: flags.bool('all-tags'),
        onEvent: copyProgress(ctx, quiet),
        selectImage: shortNamePrompt(),
      });
      ctx.out(report.images.map((id) => `${id}\n`).join(''));
    }
  },
};
