import type { CommandSpec } from '../../command.ts';
import { registryAccess, tlsFlags } from '../image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'create [options] LIST [IMAGE...]',
  short: 'Create manifest list or image index',
  long: 'Creates manifest lists or image indexes.',
  examples: ['skiff manifest create mylist:v1.11', 'skiff manifest create mylist:v1.11 arch-specific-image-to-add'],
  minArgs: 1,
  flags: [
    { name: 'all', type: 'bool', description: 'add all of the lists\' images if the images to add are lists' },
    { name: 'amend', short: 'a', type: 'bool', description: 'modify an existing list if one with the desired name already exists' },
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const { addToList, createList } = await import('../../../engine/manifest-lists.ts');
    const access = await registryAccess(flags);
    const { store } = await ctx.engine();
    const list = createList(store, args[0]!, flags.bool('amend'));
    for (const image of args.slice(1)) await addToList(store, args[0]!, image, { ...access, all: flags.bool('all') });
    ctx.out(`${list.id}\n`);
  },
};
