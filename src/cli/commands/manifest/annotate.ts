import { annotationsFrom } from './annotations.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'annotate [options] LIST IMAGE',
  short: 'Add or update information about an entry in a manifest list or image index',
  long: 'Adds or updates information about an entry in a manifest list or image index.',
  examples: ['skiff manifest annotate --annotation left=right mylist:v1.11 sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736'],
  minArgs: 2,
  maxArgs: 2,
  flags: [
    { name: 'annotation', type: 'stringArray', description: 'set an annotation for the specified image' },
    { name: 'arch', type: 'string', description: 'override the architecture of the specified image' },
    { name: 'os', type: 'string', description: 'override the OS of the specified image' },
    { name: 'os-version', type: 'string', description: 'override the OS version of the specified image' },
    { name: 'variant', type: 'string', description: 'override the Variant of the specified image' },
  ],
  async run(ctx, flags, args) {
    const annotations = annotationsFrom(flags);
    const { annotateInstance } = await import('../../../engine/manifest-lists.ts');
    const { store } = await ctx.engine();
    const id = annotateInstance(store, args[0]!, args[1]!, {
      arch: flags.string('arch'),
      os: flags.string('os'),
      variant: flags.string('variant'),
      osVersion: flags.string('os-version'),
      annotations,
    });
    ctx.out(`${id}\n`);
  },
};
