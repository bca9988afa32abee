import type { ImageTreeData, TreeItem } from '../../../engine/image-tree.ts';
import type { CommandSpec } from '../../command.ts';
import { goHumanSize } from '../../format/units.ts';

/** One layer line as libimage writes it: the size right-aligned in 7 columns. */
function layerText(item: TreeItem): string {
  const tags = item.layer.topLayerOf.length ? ` Top Layer of: [${item.layer.topLayerOf.join(' ')}]` : '';
  return `ID: ${item.layer.id.slice(0, 12)} Size: ${goHumanSize(item.layer.size).padStart(7)}${tags}`;
}

/** gotree's Print: "├── " / "└── " per item, "│   " / "    " under an item for its sub-items. */
function drawItems(items: TreeItem[], prefix: string): string {
  let out = '';
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    out += `${prefix}${last ? '└── ' : '├── '}${layerText(item)}\n`;
    if (item.items.length) out += drawItems(item.items, prefix + (last ? '    ' : '│   '));
  });
  return out;
}

function drawTree(tree: ImageTreeData): string {
  const header = [
    `Image ID: ${tree.id.slice(0, 12)}`,
    `Tags:     [${tree.names.join(' ')}]`,
    `Size:     ${goHumanSize(tree.size)}`,
    tree.hasLayers ? 'Image Layers' : 'No Image Layers',
  ].join('\n');
  return `${header}\n${drawItems(tree.items, '')}`;
}

export const command: CommandSpec = {
  use: 'tree [options] IMAGE',
  short: 'Prints layer hierarchy of an image in a tree format',
  long: 'Prints layer hierarchy of an image in a tree format',
  examples: ['skiff image tree alpine:latest'],
  minArgs: 1,
  maxArgs: 1,
  flags: [{ name: 'whatrequires', type: 'bool', description: 'Show all child images and layers of the specified image' }],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const tree = await engine.images.tree(args[0]!, flags.bool('whatrequires'));
    // Podman prints the drawn tree with Println: one blank line after it.
    ctx.out(`${drawTree(tree)}\n`);
  },
};
