/**
 * The image a stage ends with, when it is more than its last step's image: the stage's new
 * layers squashed into one (`--squash`, `--layers=false`: on top of the base image's
 * layers; `--squash-all`: everything, the base included), `--label`s, `--omit-history`.
 *
 * Squashed history follows Buildah's single-layer commit: every step keeps its entry, all
 * but the last marked empty_layer, the last one carrying the squashed layer; squash-all
 * drops the base image's entries along with its layers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { timestampIso } from '../domain/build/build-args.ts';
import { clampTimes, mergeLayerDirs } from '../domain/build/build-squash.ts';
import { writeLocalImage } from '../domain/images/local-image.ts';
import type { HistoryEntry, ImageConfig } from '../domain/images/image-config.ts';
import { isRootless } from '../infra/config/paths.ts';
import { tarDirectory } from '../infra/storage/layer/tar-dir.ts';
import { removeTrash } from '../infra/storage/image-store.ts';
import type { ImageRecord, LayerRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';

export type SquashMode = 'none' | 'new' | 'all';

export interface StageCommitInput {
  /** the stage's FROM image; undefined for scratch */
  base: ImageRecord | undefined;
  /** how many history entries the base image's config has */
  baseHistory: number;
  /** the stage's last step's image and config */
  image: ImageRecord | undefined;
  config: ImageConfig;
  squash: SquashMode;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  omitHistory?: boolean | undefined;
  /** `--timestamp` seconds: the image's created time and its new files' times */
  timestamp?: number | undefined;
  format: 'oci' | 'docker';
}

function squashHistory(entries: HistoryEntry[], layered: boolean): HistoryEntry[] {
  return entries.map((e, i) => {
    const { empty_layer: _e, ...rest } = e;
    return layered && i === entries.length - 1 ? rest : { ...rest, empty_layer: true };
  });
}

/** Merges `layers` into one new layer on top of `parent`, or returns `parent` when there are none. */
async function squashLayers(store: Store, layers: LayerRecord[], parent: string | undefined, timestamp: number | undefined): Promise<string | undefined> {
  if (layers.length === 0) return parent;
  const below = parent ? store.layers.chain(parent).map((l) => store.paths.layerDiff(l.id)) : [];
  await fs.promises.mkdir(store.paths.staging, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(store.paths.staging, `${process.pid}-squash-`));
  try {
    const format = isRootless() ? 'overlay-user' : 'overlay-root';
    mergeLayerDirs(layers.map((l) => store.paths.layerDiff(l.id)), dir, {
      format,
      existsBelow: below.length ? (rel) => below.some((d) => fs.existsSync(path.join(d, rel))) : undefined,
    });
    if (timestamp !== undefined) clampTimes(dir, timestamp);
    const layer = await store.layers.put(async () => tarDirectory(dir, { overlayWhiteouts: format }), { parent });
    return layer.id;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Writes the stage's final image (untagged). */
export async function commitStage(store: Store, input: StageCommitInput): Promise<{ image: ImageRecord; config: ImageConfig }> {
  const cfg: ImageConfig = structuredClone(input.config);
  let top = input.image?.topLayer;
  if (input.squash !== 'none') {
    const chain = top ? store.layers.chain(top) : [];
    const baseLayers = input.squash === 'all' || !input.base?.topLayer ? 0 : store.layers.chain(input.base.topLayer).length;
    const parent = baseLayers ? chain[baseLayers - 1]!.id : undefined;
    const fresh = chain.slice(baseLayers);
    top = await squashLayers(store, fresh, parent, input.timestamp);
    const history = cfg.history ?? [];
    const keptBase = input.squash === 'all' ? [] : history.slice(0, input.baseHistory);
    cfg.history = [...keptBase, ...squashHistory(history.slice(input.baseHistory), fresh.length > 0)];
  }
  if (input.labels && Object.keys(input.labels).length) {
    cfg.config = { ...(cfg.config ?? {}), Labels: { ...(cfg.config?.Labels ?? {}), ...input.labels } };
  }
  if (input.omitHistory) delete cfg.history;
  cfg.created = input.timestamp !== undefined ? timestampIso(input.timestamp) : new Date().toISOString();
  return writeLocalImage(store, { topLayer: top, config: cfg, format: input.format, annotations: input.annotations });
}

/**
 * Removes the unnamed images a `--layers=false` build made on its way (step and stage
 * images), unless a container (`--rm=false`) still uses one.
 */
export function removeIntermediateImages(store: Store, ids: Iterable<string>, keep: string | undefined): void {
  const trash: string[] = [];
  for (const id of new Set(ids)) {
    if (id === keep) continue;
    store.db.write(() => {
      const img = store.images.get(id);
      if (!img || img.names.length || store.images.containersUsing(id).length) return;
      trash.push(...store.images.delete(id));
    });
  }
  removeTrash(trash);
}
