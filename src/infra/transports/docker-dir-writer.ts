/**
 * `dir:` output (`podman save --format docker-dir`): a Docker v2 schema 2 manifest.json,
 * blobs named by the hex of their digest, and the `version` file. Layers are plain tar
 * (application/vnd.docker.image.rootfs.diff.tar) unless `compress` gzips them.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../define/errors.ts';
import { digestHex, sha256Digest } from '../image/digest.ts';
import { MediaType, type Descriptor } from '../image/types.ts';
import { pathExists, writeFileAtomic } from './atomic-file.ts';
import { dirVersion } from './docker-dir-reader.ts';
import { storeLayer } from './layer-blob.ts';
import { dockerManifestForSave } from './manifest-for-save.ts';
import type { ArchiveImage, WriteOptions } from './types.ts';

/**
 * An existing directory is reused only if it is empty or already a `dir:` image (its old
 * contents are removed, as containers/image does); anything else is refused.
 */
async function prepareDir(dir: string): Promise<void> {
  if (!(await pathExists(dir))) {
    await mkdir(dir, { recursive: true });
    return;
  }
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!entries.includes('version')) {
    throw new InvalidArgumentError(`refusing to overwrite ${dir}: it is not empty and not a dir: image`);
  }
  await Promise.all(entries.map((e) => rm(join(dir, e), { recursive: true, force: true })));
}

/** Writes `image` as a `dir:` image in `dir`. */
export async function writeDockerDir(dir: string, image: ArchiveImage, options: WriteOptions = {}): Promise<void> {
  const compress = options.compress ?? false;
  await prepareDir(dir);
  const layers: Descriptor[] = [];
  for (const layer of image.layers) {
    const blob = await storeLayer(layer, dir, compress, digestHex);
    layers.push({ mediaType: compress ? MediaType.dockerLayer : MediaType.dockerLayerUncompressed, ...blob });
  }
  const config: Descriptor = { mediaType: MediaType.dockerConfig, digest: sha256Digest(image.configBytes), size: image.configBytes.length };
  await writeFileAtomic(join(dir, digestHex(config.digest)), image.configBytes, dir);
  await writeFileAtomic(join(dir, 'manifest.json'), dockerManifestForSave(image.manifestBytes, config, layers), dir);
  await writeFileAtomic(join(dir, 'version'), Buffer.from(dirVersion), dir);
}
