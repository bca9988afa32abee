/**
 * The build cache (`--layers`): every step leaves an image, so a step can reuse an image
 * that was built from the same parent by the same step. A candidate matches when its
 * history is the parent's plus one entry with the step's created_by (which names RUN's
 * build args and COPY's content digest), its layers are the parent's plus the step's, and
 * its config is the one the step would produce.
 */
import { createHash } from 'node:crypto';
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
  /** `--timestamp`: only an image whose new entry has this created time will do */
  created?: string | undefined;
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
    if (q.created !== undefined && last.created !== q.created) continue;
    const diffs = cfg.rootfs?.diff_ids ?? [];
    if (diffs.length !== parentDiffs.length + (q.emptyLayer ? 0 : 1) || !isDeepStrictEqual(diffs.slice(0, parentDiffs.length), parentDiffs)) continue;
    if (!isDeepStrictEqual(history.slice(0, -1), parentHistory) || !isDeepStrictEqual(comparable(cfg), want)) continue;
    if (!best || image.created > best.image.created) best = { image, config: cfg };
  }
  return best;
}

/**
 * The tag a step's image gets in a `--cache-to`/`--cache-from` repository, as Buildah's
 * generateCacheKey: a digest of the parent's layers and history, the step's created_by,
 * whether it adds a layer, and the manifest format. A pulled candidate is still checked
 * with findCachedStep, so a collision can only cost a pull.
 */
export function remoteCacheKey(q: Omit<CacheQuery, 'result' | 'created'>): string {
  const h = createHash('sha256');
  for (const d of q.parent.rootfs?.diff_ids ?? []) h.update(`${d}\n`);
  h.update(`${!q.emptyLayer}${q.createdBy}\n${q.format === 'docker' ? MediaType.dockerManifest : MediaType.ociManifest}\n`);
  for (const e of q.parent.history ?? []) {
    h.update(`${e.created_by ?? ''}\n${e.author ?? ''}\n${e.comment ?? ''}\n${e.created ?? ''}\n${e.empty_layer === true}\n`);
  }
  return h.digest('hex');
}
