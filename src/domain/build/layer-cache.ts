/**
 * The build cache (`--layers`): every step leaves an image, so a step can reuse an image
 * that was built from the same parent by the same step. A candidate matches when its
 * history is the parent's plus one entry with the step's created_by (which names RUN's
 * build args and COPY's content digest), its layers are the parent's plus the step's, and
 * its config is the one the step would produce.
 */
import { isDeepStrictEqual } from 'node:util';
import { MediaType } from '../../infra/image/types.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { parseImageConfig, type ImageConfig } from '../images/image-config.ts';

export interface CacheQuery {
  /** the config the step starts from */
  parent: ImageConfig;
  createdBy: string;
  /** the step adds no layer */
  emptyLayer: boolean;
  /** the config the step produces (history, rootfs and times are not compared) */
  result: ImageConfig;
  format: 'oci' | 'docker';
}

function comparable(c: ImageConfig): unknown {
  const { created: _c, history: _h, rootfs: _r, ...rest } = c;
  return rest;
}

/** The newest image the step can reuse, if any. */
export function findCachedStep(store: Store, q: CacheQuery): { image: ImageRecord; config: ImageConfig } | undefined {
  const parentHistory = q.parent.history ?? [];
  const parentDiffs = q.parent.rootfs?.diff_ids ?? [];
  const manifestType = q.format === 'docker' ? MediaType.dockerManifest : MediaType.ociManifest;
  const want = comparable(q.result);
  let best: { image: ImageRecord; config: ImageConfig } | undefined;
  for (const image of store.images.list()) {
    if (image.manifestType !== manifestType) continue;
    let cfg: ImageConfig;
    try {
      cfg = parseImageConfig(image.config);
    } catch {
      continue;
    }
    const history = cfg.history ?? [];
    if (history.length !== parentHistory.length + 1) continue;
    const last = history.at(-1)!;
    if (last.created_by !== q.createdBy || (last.empty_layer === true) !== q.emptyLayer) continue;
    const diffs = cfg.rootfs?.diff_ids ?? [];
    if (diffs.length !== parentDiffs.length + (q.emptyLayer ? 0 : 1) || !isDeepStrictEqual(diffs.slice(0, parentDiffs.length), parentDiffs)) continue;
    if (!isDeepStrictEqual(history.slice(0, -1), parentHistory) || !isDeepStrictEqual(comparable(cfg), want)) continue;
    if (!best || image.created > best.image.created) best = { image, config: cfg };
  }
  return best;
}
