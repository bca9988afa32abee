/**
 * The one routine that brings an image into the local store from any source (archive,
 * layout, tarball, registry): layers through the layer store (digests verified while
 * streaming), then the image row in one transaction. A failure leaves no image row and no
 * layer beyond those that were already whole.
 */
import type { Readable } from 'node:stream';
import { CorruptContentError } from '../../define/errors.ts';
import type { Store } from '../../infra/storage/store.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { PreparedLayer } from '../../infra/storage/layer-store.ts';
import { buildDockerManifest, buildOciManifest } from '../../infra/image/manifest.ts';
import { sha256Digest } from '../../infra/image/digest.ts';
import { MediaType } from '../../infra/image/types.ts';
import { parseImageConfig } from './image-config.ts';
import { runLimited } from './run-limited.ts';

export interface IncomingLayer {
  /** raw blob bytes (gzip, zstd or plain tar) */
  open(): Promise<Readable>;
  /** digest of the raw bytes, when known: verified while reading */
  digest?: string | undefined;
  size?: number | undefined;
}

export interface IncomingImage {
  config: Buffer;
  /** the manifest as received; when absent one is written (OCI, or Docker v2s2 for docker-archive) */
  manifest?: Buffer | undefined;
  manifestType?: string | undefined;
  layers: IncomingLayer[];
  names: string[];
  /** other manifest digests the image answers to (an index it was pulled through) */
  digests?: string[] | undefined;
  /**
   * Layers extracted at once (registry pulls); they are then committed in chain order, and
   * none is recorded unless all were extracted. Default 1: one by one.
   */
  concurrency?: number | undefined;
  /** media type style of a generated manifest */
  generatedManifest?: 'oci' | 'docker';
}

function digestOf(b: Buffer): string {
  return sha256Digest(b);
}

/** Extracts, concurrently, the layers whose chain the store lacks; all or none. */
async function prepareLayers(store: Store, image: IncomingImage, diffIds: string[]): Promise<(PreparedLayer | undefined)[]> {
  const prepared: (PreparedLayer | undefined)[] = new Array(image.layers.length);
  const tasks: (() => Promise<void>)[] = [];
  let parent: string | undefined;
  for (let i = 0; i < image.layers.length; i++) {
    const id = store.layers.idFor(parent, diffIds[i]!);
    parent = id;
    if (store.layers.get(id)) continue;
    const layer = image.layers[i]!;
    tasks.push(async () => {
      prepared[i] = await store.layers.prepare(() => layer.open(), { diffId: diffIds[i], compressedDigest: layer.digest, compressedSize: layer.size });
    });
  }
  try {
    await runLimited(tasks, image.concurrency ?? 1);
  } catch (err) {
    await Promise.all(prepared.map((p) => p && store.layers.discard(p)));
    throw err;
  }
  return prepared;
}

export async function storeImage(store: Store, image: IncomingImage): Promise<ImageRecord> {
  const cfg = parseImageConfig(image.config);
  const diffIds = cfg.rootfs?.diff_ids ?? [];
  if (diffIds.length !== image.layers.length) {
    throw new CorruptContentError(`image config lists ${diffIds.length} layers, but the image has ${image.layers.length}`);
  }
  const prepared = (image.concurrency ?? 1) > 1 ? await prepareLayers(store, image, diffIds) : [];
  let parent: string | undefined;
  let size = 0;
  const layerDescriptors: { size: number; digest: string }[] = [];
  try {
    for (let i = 0; i < image.layers.length; i++) {
      const layer = image.layers[i]!;
      const ready = prepared[i];
      prepared[i] = undefined;
      const rec = ready
        ? await store.layers.commitPrepared(ready, parent)
        : await store.layers.put(() => layer.open(), {
            parent,
            diffId: diffIds[i],
            compressedDigest: layer.digest,
            compressedSize: layer.size,
          });
      parent = rec.id;
      size += rec.uncompressedSize;
      layerDescriptors.push({ size: rec.uncompressedSize, digest: rec.diffId });
    }
  } finally {
    await Promise.all(prepared.map((p) => p && store.layers.discard(p)));
  }
  let manifest = image.manifest;
  let manifestType = image.manifestType;
  if (!manifest) {
    const docker = image.generatedManifest === 'docker';
    const config = { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: digestOf(image.config), size: image.config.length };
    const layers = layerDescriptors.map((d) => ({ mediaType: docker ? MediaType.dockerLayer : MediaType.ociLayer, ...d }));
    manifestType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
    manifest = docker ? buildDockerManifest(config, layers) : buildOciManifest({ config, layers });
  }
  const id = digestOf(image.config).slice(7);
  return store.images.put({
    id,
    digest: digestOf(manifest),
    manifest,
    manifestType: manifestType ?? MediaType.ociManifest,
    config: image.config,
    topLayer: parent,
    size,
    names: image.names,
    digests: image.digests ?? [],
  });
}
