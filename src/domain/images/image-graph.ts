/**
 * How local images relate through their layers, as Podman's libimage sees it: an image's
 * children are the images on a layer directly above its top layer (or on the same top
 * layer) whose diff IDs and history extend its own by exactly one history entry. From that
 * follow Podman's notions of a dangling image (no names, no children) and an intermediate
 * one (no names, but children), which `images`, `image prune` and `rmi` go by.
 */
import type { LayerRecord, ImageRecord } from '../../infra/storage/records.ts';
import { parseImageConfig, type HistoryEntry } from './image-config.ts';

interface Node {
  layer: LayerRecord | undefined;
  parent: Node | undefined;
  children: Node[];
  images: ImageRecord[];
}

interface Lineage {
  diffIds: string[];
  history: HistoryEntry[];
}

export class ImageGraph {
  readonly #nodes = new Map<string, Node>();
  /** images without any layer: only related to each other */
  readonly #empty: ImageRecord[] = [];
  readonly #lineage = new Map<string, Lineage | undefined>();
  readonly #children = new Map<string, ImageRecord[]>();

  /** `images` as the store lists them; `layers` oldest first, so children keep that order. */
  constructor(images: readonly ImageRecord[], layers: readonly LayerRecord[]) {
    const ordered = [...layers].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    for (const layer of ordered) {
      const node = this.#node(layer.id);
      node.layer = layer;
      if (layer.parent === undefined) continue;
      const parent = this.#node(layer.parent);
      node.parent = parent;
      parent.children.push(node);
    }
    for (const img of images) {
      if (img.topLayer === undefined) this.#empty.push(img);
      else this.#nodes.get(img.topLayer)?.images.push(img);
    }
  }

  #node(layerId: string): Node {
    let node = this.#nodes.get(layerId);
    if (!node) {
      node = { layer: undefined, parent: undefined, children: [], images: [] };
      this.#nodes.set(layerId, node);
    }
    return node;
  }

  #lineageOf(img: ImageRecord): Lineage | undefined {
    if (!this.#lineage.has(img.id)) {
      let lineage: Lineage | undefined;
      try {
        const cfg = parseImageConfig(img.config);
        lineage = { diffIds: cfg.rootfs?.diff_ids ?? [], history: cfg.history ?? [] };
      } catch {
        lineage = undefined;
      }
      this.#lineage.set(img.id, lineage);
    }
    return this.#lineage.get(img.id);
  }

  /** Whether `child` is `parent` plus one more history entry on the same layers (libimage's test). */
  #isParentOf(parent: ImageRecord, child: ImageRecord): boolean {
    if (parent.id === child.id) return false;
    const p = this.#lineageOf(parent);
    const c = this.#lineageOf(child);
    if (!p || !c) return false;
    if (p.diffIds.length > c.diffIds.length) return false;
    if (p.diffIds.some((d, i) => c.diffIds[i] !== d)) return false;
    if (p.history.length + 1 !== c.history.length) return false;
    return p.history.every((h, i) => sameHistory(h, c.history[i]!));
  }

  /** The images built directly on `img`. */
  children(img: ImageRecord): ImageRecord[] {
    let found = this.#children.get(img.id);
    if (found) return found;
    found = [];
    if (img.topLayer === undefined) {
      found = this.#empty.filter((other) => this.#isParentOf(img, other));
    } else {
      const node = this.#nodes.get(img.topLayer);
      if (node) {
        for (const child of node.children) found.push(...child.images.filter((other) => this.#isParentOf(img, other)));
        found.push(...node.images.filter((other) => this.#isParentOf(img, other)));
      }
    }
    this.#children.set(img.id, found);
    return found;
  }

  /** The image `img` was built on, if it is still here. */
  parent(img: ImageRecord): ImageRecord | undefined {
    const candidates =
      img.topLayer === undefined
        ? this.#empty
        : [...(this.#nodes.get(img.topLayer)?.images ?? []), ...(this.#nodes.get(img.topLayer)?.parent?.images ?? [])];
    return candidates.find((other) => this.#isParentOf(other, img));
  }

  isDangling(img: ImageRecord): boolean {
    return img.names.length === 0 && this.children(img).length === 0;
  }

  isIntermediate(img: ImageRecord): boolean {
    return img.names.length === 0 && this.children(img).length > 0;
  }

  /** The images whose top layer is this layer. */
  imagesOnLayer(layerId: string): ImageRecord[] {
    return this.#nodes.get(layerId)?.images ?? [];
  }

  /** The layer and the layers stacked on it, for `image tree --whatrequires`. */
  layerNode(layerId: string): LayerNode | undefined {
    const node = this.#nodes.get(layerId);
    return node?.layer ? toLayerNode(node) : undefined;
  }
}

/** A read-only view of one layer of the graph. */
export interface LayerNode {
  layer: LayerRecord;
  images: readonly ImageRecord[];
  /** how many layers sit directly on this layer's parent (this one included) */
  siblings: number;
  children(): LayerNode[];
}

function toLayerNode(node: Node): LayerNode {
  return {
    layer: node.layer!,
    images: node.images,
    siblings: node.parent ? node.parent.children.length : 1,
    children: () => node.children.filter((c) => c.layer).map(toLayerNode),
  };
}

function sameHistory(a: HistoryEntry, b: HistoryEntry): boolean {
  if ((a.created === undefined) !== (b.created === undefined)) return false;
  if (a.created !== undefined && b.created !== undefined && Date.parse(a.created) !== Date.parse(b.created) && a.created !== b.created) {
    return false;
  }
  return (
    (a.created_by ?? '') === (b.created_by ?? '') &&
    (a.author ?? '') === (b.author ?? '') &&
    (a.comment ?? '') === (b.comment ?? '') &&
    Boolean(a.empty_layer) === Boolean(b.empty_layer)
  );
}
