/**
 * Pushing a stored image to a registry, as containers/image copies from containers/storage:
 * each layer is rebuilt from its files, compressed (gzip by default, or zstd) into a
 * temporary file to learn its digest, uploaded unless the repository already has it (a
 * cross-repository mount is tried first when the image came from another repository of the
 * same registry), then the config, then a manifest in the chosen format.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, createZstdCompress } from 'node:zlib';
import { InvalidArgumentError, RegistryError, SkiffError } from '../../../define/errors.ts';
import type { RegistriesConf } from '../../../infra/config/registries-conf.ts';
import { findRegistry } from '../../../infra/config/registry-match.ts';
import { sha256Digest, verifyDigest } from '../../../infra/image/digest.ts';
import { buildDockerManifest, buildOciManifest } from '../../../infra/image/manifest.ts';
import { formatReference, parseReference, type ImageReference } from '../../../infra/image/reference.ts';
import { MediaType, type Descriptor } from '../../../infra/image/types.ts';
import { connectRegistry, type RegistryAccessOptions } from '../../../infra/registry/connect.ts';
import type { ImageRecord } from '../../../infra/storage/records.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { runLimited } from '../run-limited.ts';

export type PushEvent =
  | { kind: 'signatures' }
  | { kind: 'blob'; digest: string; skipped: boolean }
  | { kind: 'blob-done'; digest: string }
  | { kind: 'config'; digest: string }
  | { kind: 'manifest' }
  | { kind: 'storing-signatures' };

export type ManifestFormat = 'oci' | 'v2s2';
export type CompressionFormat = 'gzip' | 'zstd';

export interface PushImageOptions extends RegistryAccessOptions {
  format?: ManifestFormat | undefined;
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

class Measure extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

/** The repository of this registry the image was pulled from or named after, for a cross-repository mount. */
function mountSource(image: ImageRecord, dest: ImageReference): string | undefined {
  for (const name of image.names) {
    try {
      const ref = parseReference(name);
      if (ref.domain === dest.domain && ref.path !== dest.path) return ref.path;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Pushes `image` to `dest` (fully qualified, with a tag or digest). */
export async function pushImage(store: Store, image: ImageRecord, dest: ImageReference, conf: RegistriesConf, opts: PushImageOptions): Promise<PushResult> {
  const destName = formatReference(dest);
  const registry = findRegistry(conf, destName);
  if (registry?.blocked) throw new RegistryError(`trying to reuse blob: registry ${dest.domain} is blocked in registries.conf`);
  const client = connectRegistry(dest.domain, dest.path, opts, registry?.insecure ?? false);
  const format: ManifestFormat = opts.format ?? (image.manifestType === MediaType.dockerManifest ? 'v2s2' : 'oci');
  const compression = opts.compressionFormat ?? 'gzip';
  if (format === 'v2s2' && compression === 'zstd') throw new InvalidArgumentError('zstd compression is not supported for docker v2s2 manifests: use --format oci');
  const context = `trying to push to ${dest.domain}/${dest.path}`;
  try {
    await client.base();
  } catch (err) {
    throw addContext(err, `initializing destination docker://${destName}`);
  }
  const { layerTarStream } = await import('../../../infra/storage/layer/reassemble.ts');
  const layers = store.layers.chain(image.topLayer);
  const mountFrom = mountSource(image, dest);
  opts.onEvent?.({ kind: 'signatures' });
  await fs.promises.mkdir(store.paths.staging, { recursive: true, mode: 0o700 });
  const spool = await fs.promises.mkdtemp(path.join(store.paths.staging, `${process.pid}-push-`));
  try {
    const descriptors: Descriptor[] = new Array(layers.length);
    const tasks = layers.map((layer, i) => async () => {
      const file = path.join(spool, `layer-${i}`);
      const measure = new Measure();
      const compressor = compression === 'zstd' ? createZstdCompress() : createGzip();
      const tar = verifyDigest(layerTarStream(store.paths.layerDiff(layer.id), store.paths.layerTarSplit(layer.id)), layer.diffId, { what: `layer ${layer.diffId}` });
      await pipeline(tar, compressor, measure, fs.createWriteStream(file, { flags: 'wx' }));
      const digest = `sha256:${measure.hash.digest('hex')}`;
      const mediaType = format === 'v2s2' ? MediaType.dockerLayer : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayerGzip;
      descriptors[i] = { mediaType, digest, size: measure.size };
      try {
        const exists = await client.hasBlob(dest.path, digest, 'pull,push');
        opts.onEvent?.({ kind: 'blob', digest: layer.diffId, skipped: exists });
        if (!exists) {
          await client.uploadBlob(dest.path, digest, measure.size, () => fs.createReadStream(file), mountFrom);
          opts.onEvent?.({ kind: 'blob-done', digest: layer.diffId });
        }
      } catch (err) {
        throw addContext(err, `${context}: uploading blob ${digest}`);
      }
    });
    await runLimited(tasks, opts.parallel ?? 6);
    const configDigest = sha256Digest(image.config);
    opts.onEvent?.({ kind: 'config', digest: configDigest });
    try {
      if (!(await client.hasBlob(dest.path, configDigest, 'pull,push'))) {
        const { Readable } = await import('node:stream');
        await client.uploadBlob(dest.path, configDigest, image.config.length, () => Readable.from([image.config]));
      }
    } catch (err) {
      throw addContext(err, `${context}: uploading config ${configDigest}`);
    }
    const config: Descriptor = { mediaType: format === 'v2s2' ? MediaType.dockerConfig : MediaType.ociConfig, digest: configDigest, size: image.config.length };
    const manifest = format === 'v2s2' ? buildDockerManifest(config, descriptors) : buildOciManifest({ config, layers: descriptors });
    const mediaType = format === 'v2s2' ? MediaType.dockerManifest : MediaType.ociManifest;
    opts.onEvent?.({ kind: 'manifest' });
    const digest = sha256Digest(manifest);
    try {
      await client.putManifest(dest.path, opts.byDigest ? digest : (dest.digest ?? dest.tag ?? 'latest'), mediaType, manifest);
    } catch (err) {
      throw addContext(err, `${context}: writing manifest`);
    }
    opts.onEvent?.({ kind: 'storing-signatures' });
    return { digest, mediaType, size: manifest.length };
  } finally {
    await fs.promises.rm(spool, { recursive: true, force: true });
  }
}

function addContext(err: unknown, context: string): Error {
  if (!(err instanceof SkiffError)) return new RegistryError(`${context}: ${(err as Error).message}`, undefined, { cause: err });
  err.message = `${context}: ${err.message}`;
  return err;
}
