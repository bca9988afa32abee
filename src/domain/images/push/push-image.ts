/**
 * Pushing a stored image to a registry, as containers/image copies from containers/storage.
 * Each layer is first looked up in the blob info cache (blob-reuse.ts): a blob the
 * destination repository has is skipped, one another repository of the registry has is
 * mounted. Only otherwise is the layer rebuilt from its files, compressed (gzip by default,
 * or zstd) on the fly and streamed up, and what was uploaded is recorded for the next push.
 * Then the config, then a manifest in the chosen format naming the blobs actually used: the
 * stored manifest itself when nothing about it changed, so its digest stays the same.
 */
import { pipeline, Readable } from 'node:stream';
import { createGzip, createZstdCompress } from 'node:zlib';
import { InvalidArgumentError, RegistryError, SkiffError } from '../../../define/errors.ts';
import type { RegistriesConf } from '../../../infra/config/registries-conf.ts';
import { findRegistry } from '../../../infra/config/registry-match.ts';
import { sha256Digest, verifyDigest } from '../../../infra/image/digest.ts';
import { buildDockerManifest, buildOciManifest, parseImageManifest } from '../../../infra/image/manifest.ts';
import { formatReference, type ImageReference } from '../../../infra/image/reference.ts';
import { MediaType, type Descriptor } from '../../../infra/image/types.ts';
import type { RegistryClient } from '../../../infra/registry/client.ts';
import { connectRegistry, type RegistryAccessOptions } from '../../../infra/registry/connect.ts';
import { BlobInfoCache, type BlobCompression, type BlobSighting } from '../../../infra/state/blob-info-cache.ts';
import type { ImageRecord, LayerRecord } from '../../../infra/storage/records.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { runLimited } from '../run-limited.ts';
import { acceptableCompressions, reuseConfig, reuseLayer, type PushTarget } from './blob-reuse.ts';
import { MeasureStream } from '../../../infra/image/measure-stream.ts';

export type PushEvent =
  | { kind: 'signatures' }
  /** `digest` names the layer (its diffID); `reused`, when skipped, the blob found at the destination */
  | { kind: 'blob'; digest: string; skipped: boolean; reused?: string }
  | { kind: 'blob-done'; digest: string }
  | { kind: 'config'; digest: string }
  | { kind: 'manifest' }
  | { kind: 'storing-signatures' };

export type ManifestFormat = 'oci' | 'v2s2';
export type CompressionFormat = 'gzip' | 'zstd';

export interface PushImageOptions extends RegistryAccessOptions {
  format?: ManifestFormat | undefined;
  /** set: layers are pushed in exactly this compression; unset: gzip, or any blob already known */
  compressionFormat?: CompressionFormat | undefined;
  parallel?: number | undefined;
  onEvent?: ((event: PushEvent) => void) | undefined;
  /** put the manifest under its own digest instead of the destination's tag (list instances) */
  byDigest?: boolean | undefined;
}

export interface PushResult {
  /** digest of the manifest pushed */
  digest: string;
  mediaType: string;
  size: number;
}

function layerMediaType(format: ManifestFormat, compression: BlobCompression): string {
  if (format === 'v2s2') return compression === 'none' ? MediaType.dockerLayerUncompressed : MediaType.dockerLayer;
  return compression === 'none' ? MediaType.ociLayer : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayerGzip;
}

/** The cache only saves later work: a push or pull that succeeded does not fail over it. */
function remember(cache: BlobInfoCache, target: PushTarget, blobs: BlobSighting[]): void {
  try {
    cache.record(target.registry, target.repository, blobs);
  } catch {
    return;
  }
}

/** Pushes `image` to `dest` (fully qualified, with a tag or digest). */
export async function pushImage(store: Store, image: ImageRecord, dest: ImageReference, conf: RegistriesConf, opts: PushImageOptions): Promise<PushResult> {
  const destName = formatReference(dest);
  const registry = findRegistry(conf, destName);
  if (registry?.blocked) throw new RegistryError(`trying to reuse blob: registry ${dest.domain} is blocked in registries.conf`);
  const client = connectRegistry(dest.domain, dest.path, opts, registry?.insecure ?? false);
  const format: ManifestFormat = opts.format ?? (image.manifestType === MediaType.dockerManifest ? 'v2s2' : 'oci');
  if (format === 'v2s2' && opts.compressionFormat === 'zstd') throw new InvalidArgumentError('zstd compression is not supported for docker v2s2 manifests: use --format oci');
  const context = `trying to push to ${dest.domain}/${dest.path}`;
  try {
    await client.base();
  } catch (err) {
    throw addContext(err, `initializing destination docker://${destName}`);
  }
  const target: PushTarget = { client, registry: dest.domain, repository: dest.path };
  const cache = new BlobInfoCache(store.db);
  const accept = acceptableCompressions(format, opts.compressionFormat);
  const compression = opts.compressionFormat ?? 'gzip';
  const layers = store.layers.chain(image.topLayer);
  opts.onEvent?.({ kind: 'signatures' });
  const descriptors: Descriptor[] = new Array(layers.length);
  const tasks = layers.map((layer, i) => async () => {
    try {
      const reused = await reuseLayer(target, cache, layer.diffId, accept);
      if (reused) {
        descriptors[i] = { mediaType: layerMediaType(format, reused.compression), digest: reused.digest, size: reused.size };
        remember(cache, target, [{ digest: reused.digest }]);
        opts.onEvent?.({ kind: 'blob', digest: layer.diffId, skipped: true, reused: reused.digest });
        return;
      }
      opts.onEvent?.({ kind: 'blob', digest: layer.diffId, skipped: false });
      const uploaded = await client.retrying(() => uploadLayer(store, client, dest.path, layer, compression));
      descriptors[i] = { mediaType: layerMediaType(format, compression), ...uploaded };
      remember(cache, target, [{ ...uploaded, diffId: layer.diffId, compression }]);
      opts.onEvent?.({ kind: 'blob-done', digest: layer.diffId });
    } catch (err) {
      throw addContext(err, `${context}: writing blob for layer ${layer.diffId}`);
    }
  });
  await runLimited(tasks, opts.parallel ?? 6);
  const configDigest = sha256Digest(image.config);
  opts.onEvent?.({ kind: 'config', digest: configDigest });
  try {
    if (!(await reuseConfig(target, cache, configDigest, image.config.length))) {
      await client.retrying(() => client.uploadBlob(dest.path, configDigest, image.config.length, () => Readable.from([image.config])));
    }
    remember(cache, target, [{ digest: configDigest }]);
  } catch (err) {
    throw addContext(err, `${context}: writing config ${configDigest}`);
  }
  const config: Descriptor = { mediaType: format === 'v2s2' ? MediaType.dockerConfig : MediaType.ociConfig, digest: configDigest, size: image.config.length };
  const manifest = manifestFor(image, format, config, descriptors);
  opts.onEvent?.({ kind: 'manifest' });
  const digest = sha256Digest(manifest.bytes);
  try {
    await client.putManifest(dest.path, opts.byDigest ? digest : (dest.digest ?? dest.tag ?? 'latest'), manifest.mediaType, manifest.bytes);
  } catch (err) {
    throw addContext(err, `${context}: writing manifest`);
  }
  opts.onEvent?.({ kind: 'storing-signatures' });
  return { digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
}

/**
 * The layer rebuilt from its files, checked against its diffID, compressed and streamed to
 * the repository; returns the blob's digest and size. A layer whose files no longer match
 * its diffID fails the upload before it is committed.
 */
async function uploadLayer(store: Store, client: RegistryClient, repository: string, layer: LayerRecord, compression: CompressionFormat): Promise<{ digest: string; size: number }> {
  const { layerTarStream } = await import('../../../infra/storage/layer/reassemble.ts');
  const measure = new MeasureStream();
  let digest = '';
  const open = () => {
    const tar = verifyDigest(layerTarStream(store.paths.layerDiff(layer.id), store.paths.layerTarSplit(layer.id)), layer.diffId, { what: `layer ${layer.diffId}` });
    // Errors end up destroying `measure`, the request body, and so fail the request with them.
    return pipeline(tar, compression === 'zstd' ? createZstdCompress() : createGzip(), measure, () => {});
  };
  await client.uploadBlobStream(repository, open, () => (digest = `sha256:${measure.hash.digest('hex')}`));
  return { digest, size: measure.size };
}

/**
 * The manifest to push: the stored one, byte for byte, when it already is in the format and
 * names exactly these blobs (a pulled image pushed back); else one built for the format,
 * keeping an OCI manifest's annotations.
 */
function manifestFor(image: ImageRecord, format: ManifestFormat, config: Descriptor, layers: Descriptor[]): { bytes: Buffer; mediaType: string } {
  const mediaType = format === 'v2s2' ? MediaType.dockerManifest : MediaType.ociManifest;
  let stored;
  try {
    stored = image.manifestType === mediaType ? parseImageManifest(image.manifest) : undefined;
  } catch {
    stored = undefined;
  }
  const same = (a: Descriptor, b: Descriptor) => a.digest === b.digest && a.size === b.size && a.mediaType === b.mediaType;
  if (stored && same(stored.config, config) && stored.layers.length === layers.length && stored.layers.every((l, i) => same(l, layers[i]!))) {
    return { bytes: image.manifest, mediaType };
  }
  if (format === 'v2s2') return { bytes: buildDockerManifest(config, layers), mediaType };
  const kept = stored ? { annotations: stored.annotations, withMediaTypeField: stored.hasMediaTypeField } : {};
  return { bytes: buildOciManifest({ config, layers, ...kept }), mediaType };
}

function addContext(err: unknown, context: string): Error {
  if (!(err instanceof SkiffError)) return new RegistryError(`${context}: ${(err as Error).message}`, undefined, { cause: err });
  err.message = `${context}: ${err.message}`;
  return err;
}
