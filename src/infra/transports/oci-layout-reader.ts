/**
 * Images of an OCI image layout (a directory for `oci:`, a tar of one for `oci-archive:`):
 * index.json → manifests (an entry that is itself an index is resolved for the host
 * platform) → config and layer blobs under blobs/sha256/. Manifests and configs are checked
 * against their digests when read, layers while they are streamed.
 */
import { CorruptContentError, NoSuchImageError } from '../../define/errors.ts';
import { checkDigest, digestHex, verifyDigest } from '../image/digest.ts';
import {
  isImageManifestMediaType,
  isIndexMediaType,
  maxConfigSize,
  maxManifestSize,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
  parseJson,
} from '../image/manifest.ts';
import { hostPlatform, selectPlatformManifest } from '../image/platform.ts';
import { Annotation, type Descriptor, type Platform } from '../image/types.ts';
import { missing, type ArchiveFiles } from './archive-files.ts';
import { ociRefName } from './image-names.ts';
import type { SourceImage, SourceLayer } from './types.ts';

const maxIndexSize = 16 * 1024 * 1024;

export interface OciLayoutOptions {
  /** Only the entries whose org.opencontainers.image.ref.name is this (the `oci:DIR:REF` form). */
  refName?: string;
  /** The platform to pick from nested indexes (default: the host's). */
  platform?: Platform;
}

export function blobPath(digest: string, what: string): string {
  return `blobs/sha256/${digestHex(digest, `digest of ${what}`)}`;
}

async function readBlob(files: ArchiveFiles, descriptor: Descriptor, limit: number, what: string): Promise<Buffer> {
  const bytes = await files.read(blobPath(descriptor.digest, what), limit, `${what} ${descriptor.digest}`);
  if (bytes.length !== descriptor.size) {
    throw new CorruptContentError(`${what} ${descriptor.digest} has ${bytes.length} bytes, expected ${descriptor.size}`);
  }
  checkDigest(bytes, descriptor.digest, `${what} ${descriptor.digest}`);
  return bytes;
}

async function checkLayoutHeader(files: ArchiveFiles): Promise<void> {
  if ((await files.size('oci-layout')) === undefined) return;
  const header = parseJson(await files.read('oci-layout', 64 * 1024, 'oci-layout'), 'oci-layout');
  if (typeof (header as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion !== 'string') {
    throw new CorruptContentError(`oci-layout in ${files.describe} has no imageLayoutVersion`);
  }
}

async function readLayers(files: ArchiveFiles, layers: Descriptor[], diffIds: string[]): Promise<SourceLayer[]> {
  const out: SourceLayer[] = [];
  for (const [i, layer] of layers.entries()) {
    const what = `layer ${layer.digest}`;
    const path = blobPath(layer.digest, what);
    const size = await files.size(path);
    if (size === undefined) throw missing(files, what, path);
    if (size !== layer.size) throw new CorruptContentError(`${what} has ${size} bytes, expected ${layer.size}`);
    out.push({
      digest: layer.digest,
      diffId: diffIds[i],
      mediaType: layer.mediaType,
      size: layer.size,
      open: async () => verifyDigest(await files.open(path, what), layer.digest, { size: layer.size, what }),
    });
  }
  return out;
}

async function readImage(files: ArchiveFiles, descriptor: Descriptor, names: string[]): Promise<SourceImage> {
  const manifestBytes = await readBlob(files, descriptor, maxManifestSize, 'manifest');
  const manifest = parseImageManifest(manifestBytes, `manifest ${descriptor.digest}`);
  const configBytes = await readBlob(files, manifest.config, maxConfigSize, 'config');
  const config = parseImageConfig(configBytes, `config ${manifest.config.digest}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new CorruptContentError(
      `inconsistent layer count in image ${descriptor.digest}: ${manifest.layers.length} in manifest, ${diffIds.length} in config`,
    );
  }
  return {
    names,
    configBytes,
    configDigest: manifest.config.digest,
    manifestBytes,
    manifestMediaType: manifest.mediaType,
    layers: await readLayers(files, manifest.layers, diffIds),
  };
}

/** Every image the layout's index.json names (or those tagged `refName`), in index order. */
export async function readOciLayout(files: ArchiveFiles, options: OciLayoutOptions = {}): Promise<SourceImage[]> {
  await checkLayoutHeader(files);
  const index = parseImageIndex(await files.read('index.json', maxIndexSize, 'index.json'), 'index.json');
  let entries = index.manifests;
  if (options.refName !== undefined) {
    entries = entries.filter((d) => d.annotations?.[Annotation.refName] === options.refName);
    if (entries.length === 0) throw new NoSuchImageError(options.refName);
  }
  const images: SourceImage[] = [];
  for (const entry of entries) {
    const name = ociRefName(entry.annotations, `index.json of ${files.describe}`);
    const names = name === undefined ? [] : [name];
    if (isIndexMediaType(entry.mediaType)) {
      const nested = parseImageIndex(await readBlob(files, entry, maxManifestSize, 'image index'), `image index ${entry.digest}`);
      const chosen = selectPlatformManifest(nested.manifests, options.platform ?? hostPlatform());
      images.push(await readImage(files, chosen, names));
    } else if (isImageManifestMediaType(entry.mediaType)) {
      images.push(await readImage(files, entry, names));
    }
  }
  if (images.length === 0) throw new CorruptContentError(`${files.describe} holds no image`);
  return images;
}
