/**
 * The one routine that brings an image into the local store from any source (archive,
 * layout, tarball, registry): layers through the layer store (digests verified while
 * streaming), then the image row in one transaction. A failure leaves no image row and no
 * layer beyond those that were already whole.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CorruptContentError } from '../../define/errors.ts';
import type { Store } from '../../infra/storage/store.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import { buildDockerManifest, buildOciManifest } from '../../infra/image/manifest.ts';
import { MediaType } from '../../infra/image/types.ts';
import { parseImageConfig } from './image-config.ts';

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
  /** media type style of a generated manifest */
  generatedManifest?: 'oci' | 'docker';
}

function digestOf(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export async function storeImage(store: Store, image: IncomingImage): Promise<ImageRecord> {
  const cfg = parseImageConfig(image.config);
  const diffIds = cfg.rootfs?.diff_ids ?? [];
  if (diffIds.length !== image.layers.length) {
    throw new CorruptContentError(`image config lists ${diffIds.length} layers, but the image has ${image.layers.length}`);
  }
  let parent: string | undefined;
  let size = 0;
  const layerDescriptors: { size: number; digest: string }[] = [];
  for (let i = 0; i < image.layers.length; i++) {
    const layer = image.layers[i]!;
    const rec = await store.layers.put(() => layer.open(), {
      parent,
      diffId: diffIds[i],
      compressedDigest: layer.digest,
      compressedSize: layer.size,
    });
    parent = rec.id;
    size += rec.uncompressedSize;
    layerDescriptors.push({ size: rec.uncompressedSize, digest: rec.diffId });
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
