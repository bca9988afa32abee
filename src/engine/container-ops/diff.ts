/**
 * `diff`, `container diff`, `image diff`: a container's changes over its image (its upper
 * directory against the image's layers), an image's over its parent (its top layer against
 * the ones below), or, given a second container or image, everything that differs between
 * the two mounted trees. Paths every container mounts over are left out, as Podman does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NoSuchImageError, SkiffError } from '../../define/errors.ts';
import { withoutContainerMountPoints, type Change } from '../../domain/containers/changes/change.ts';
import { overlayChanges } from '../../domain/containers/changes/overlay-changes.ts';
import { treeChanges } from '../../domain/containers/changes/tree-changes.ts';
import type { ContainerRecord } from '../../domain/containers/container-repo.ts';
import { mountImage, unmountImage } from '../../domain/images/image-mount.ts';
import { findImage } from '../../domain/images/resolve.ts';
import { isRootless } from '../../infra/config/paths.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { ContainerEngine } from '../container-engine.ts';

export type DiffKind = 'container' | 'image' | 'any';

type Target = { kind: 'container'; rec: ContainerRecord } | { kind: 'image'; img: ImageRecord };

function notFound(name: string, kind: DiffKind): SkiffError {
  const what = kind === 'any' ? 'layer' : kind;
  return new SkiffError(`${name} not found: ${what} not known`);
}

function findTarget(ce: ContainerEngine, nameOrId: string, kind: DiffKind): Target {
  if (kind !== 'image') {
    const rec = ce.repo.find(nameOrId);
    if (rec) return { kind: 'container', rec };
  }
  if (kind !== 'container') {
    const img = findImage(ce.engine.store.images, nameOrId);
    if (img) return { kind: 'image', img };
  }
  throw notFound(nameOrId, kind);
}

function whiteoutFormat(): 'overlay-root' | 'overlay-user' {
  return isRootless() ? 'overlay-user' : 'overlay-root';
}

/** The layer directories of a chain, topmost first. */
function lowerDirs(ce: ContainerEngine, topLayer: string | undefined): string[] {
  const store = ce.engine.store;
  return store.layers.chain(topLayer).map((l) => store.paths.layerDiff(l.id)).reverse();
}

function ownChanges(ce: ContainerEngine, t: Target): Change[] {
  const store = ce.engine.store;
  if (t.kind === 'container') {
    const upper = path.join(ce.containerDir(t.rec.config.id), 'diff');
    if (!fs.existsSync(upper)) return [];
    const image = store.images.get(t.rec.config.imageId);
    return overlayChanges(upper, lowerDirs(ce, image?.topLayer), { whiteoutFormat: whiteoutFormat() });
  }
  if (t.img.topLayer === undefined) return [];
  const top = store.layers.get(t.img.topLayer);
  if (!top) throw new NoSuchImageError(t.img.id);
  return overlayChanges(store.paths.layerDiff(top.id), lowerDirs(ce, top.parent), { whiteoutFormat: whiteoutFormat() });
}

async function withMounted<T>(ce: ContainerEngine, t: Target, fn: (root: string) => Promise<T>): Promise<T> {
  if (t.kind === 'image') {
    const root = mountImage(ce.engine.store, t.img);
    try {
      return await fn(root);
    } finally {
      unmountImage(ce.engine.store, t.img);
    }
  }
  const id = t.rec.config.id;
  const root = ce.mountRootfs(id);
  try {
    return await fn(root);
  } finally {
    ce.unmountRootfs(id);
  }
}

/** The changes of `nameOrId` over its parent, or over `other` when given. */
export async function diffChanges(ce: ContainerEngine, nameOrId: string, opts: { other?: string | undefined; kind?: DiffKind } = {}): Promise<Change[]> {
  const kind = opts.kind ?? 'any';
  const first = findTarget(ce, nameOrId, kind);
  if (opts.other === undefined) return withoutContainerMountPoints(ownChanges(ce, first));
  const second = findTarget(ce, opts.other, 'any');
  const changes = await withMounted(ce, first, (a) => withMounted(ce, second, async (b) => treeChanges(a, b)));
  return withoutContainerMountPoints(changes);
}
