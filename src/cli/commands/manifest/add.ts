import { annotationsFrom } from './annotations.ts';
import type { CommandSpec } from '../../command.ts';
import { credsFlag, registryAccess, tlsFlags } from '../image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'add [options] LIST IMAGE [IMAGE...]',
  short: 'Add images to a manifest list or image index',
  long: 'Adds an image to a manifest list or image index.',
  examples: ['skiff manifest add mylist:v1.11 image:v1.11-amd64', 'skiff manifest add mylist:v1.11 transport:imageName'],
  minArgs: 2,
  flags: [
    { name: 'all', type: 'bool', description: 'add all of the list\'s images if the image is a list' },
    { name: 'annotation', type: 'stringArray', description: 'set an annotation for the specified image' },
    { name: 'arch', type: 'string', description: 'override the architecture of the specified image' },
    credsFlag,
    { name: 'features', type: 'stringArray', description: 'override the features of the specified image' },
    { name: 'os', type: 'string', description: 'override the OS of the specified image' },
    { name: 'os-version', type: 'string', description: 'override the OS version of the specified image' },
    { name: 'variant', type: 'string', description: 'override the Variant of the specified image' },
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const annotations = annotationsFrom(flags);
    const { addToList } = await import('../../../engine/manifest-lists.ts');
    const access = await registryAccess(flags);
    const { store } = await ctx.engine();
    let id = '';
    for (const image of args.slice(1)) {
      id = await addToList(store, args[0]!, image, {
        ...access,
        all: flags.bool('all'),
        arch: flags.string('arch'),
        os: flags.string('os'),
        variant: flags.string('variant'),
        osVersion: flags.string('os-version'),
        annotations,
      });
    }
    ctx.out(`${id}\n`);
  },
};
