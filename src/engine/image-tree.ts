/**
 * `image tree`: an image's layers from the base up, each with the names of the images whose
 * top layer it is; with `whatRequires`, the layers stacked on the image's top layer instead.
 * The CLI draws it (libimage's Tree, drawn with gotree).
 */
import { ImageGraph, type LayerNode } from '../domain/images/image-graph.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';

export interface TreeLayer {
  /** chain ID (hex) */
  id: string;
  size: number;
  /** names of the images whose top layer this is */
  topLayerOf: string[];
}

/** A tree item: linear items share their parent's list, branches open a sub-list (as gotree). */
export interface TreeItem {
  layer: TreeLayer;
  items: TreeItem[];
}

export interface ImageTreeData {
  id: string;
  names: string[];
  size: number;
  hasLayers: boolean;
  items: TreeItem[];
}

function treeLayer(node: LayerNode): TreeLayer {
  const names = [...new Set(node.images.flatMap((img) => img.names))];
  return { id: node.layer.id, size: node.layer.uncompressedSize, topLayerOf: names };
}

/** libimage's imageTreeTraverseChildren: a layer with siblings starts its own sub-tree. */
function traverse(node: LayerNode, into: TreeItem[]): void {
  let target = into;
  if (node.siblings > 1) {
    const item: TreeItem = { layer: treeLayer(node), items: [] };
    into.push(item);
    target = item.items;
  } else {
    into.push({ layer: treeLayer(node), items: [] });
  }
  for (const child of node.children()) traverse(child, target);
}

export function imageTree(store: Store, img: ImageRecord, whatRequires: boolean): ImageTreeData {
  const data: ImageTreeData = { id: img.id, names: img.names, size: img.size, hasLayers: img.topLayer !== undefined, items: [] };
  if (img.topLayer === undefined) return data;
  const graph = new ImageGraph(store.images.list(), store.layers.all());
  if (whatRequires) {
    const top = graph.layerNode(img.topLayer);
    if (top) traverse(top, data.items);
    return data;
  }
  for (const layer of store.layers.chain(img.topLayer)) {
    const node = graph.layerNode(layer.id);
    if (node) data.items.push({ layer: treeLayer(node), items: [] });
  }
  return data;
}
