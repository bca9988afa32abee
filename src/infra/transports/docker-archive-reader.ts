/**
 * Images of a docker-archive (`docker save` / `podman save` format): manifest.json lists
 * {Config, RepoTags, Layers}; layers are tar files (`<hex>.tar`, `<hex>/layer.tar`, maybe a
 * symlink, maybe gzip- or zstd-compressed). As containers/image does, compressed layers are
 * handed out decompressed, so every layer's digest is its diffID and every layer is verified.
 * Layers carry the media type of the manifest containers/image generates for the image
 * (…rootfs.diff.tar.gzip even for plain tar), so manifestBytes has the digest Podman records.
 */
import type { Readable } from 'node:stream';
import { CorruptContentError } from '../../define/errors.ts';
import { sha256Digest, verifyDigest } from '../image/digest.ts';
import { buildDockerManifest, maxConfigSize, parseImageConfig, parseJson } from '../image/manifest.ts';
import { MediaType } from '../image/types.ts';
import { missing, type ArchiveFiles } from './archive-files.ts';
import { decompressStream, sniffCompression, sniffLength } from './compression.ts';
import { repoTagName } from './image-names.ts';
import type { SourceImage, SourceLayer } from './types.ts';

/** docker-archive's manifest.json lists every image of the archive; it is small. */
const maxTarManifestSize = 16 * 1024 * 1024;

interface ManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseTarManifest(bytes: Buffer): ManifestItem[] {
  const parsed = parseJson(bytes, 'manifest.json');
  if (!Array.isArray(parsed)) throw new CorruptContentError('manifest.json is not a JSON array');
  return parsed.map((item: unknown, i) => {
    const where = `manifest.json item @${i}`;
    if (typeof item !== 'object' || item === null) throw new CorruptContentError(`${where} is not an object`);
    const { Config, RepoTags, Layers } = item as Record<string, unknown>;
    if (typeof Config !== 'string') throw new CorruptContentError(`${where} has no Config`);
    if (!Array.isArray(Layers) || !Layers.every((l) => typeof l === 'string')) {
      throw new CorruptContentError(`${where} has no Layers list`);
    }
    if (RepoTags != null && (!Array.isArray(RepoTags) || !RepoTags.every((t) => typeof t === 'string'))) {
      throw new CorruptContentError(`${where} has an invalid RepoTags list`);
    }
    return { Config, RepoTags: (RepoTags as string[] | null) ?? [], Layers: Layers as string[] };
  });
}

async function countBytes(stream: Readable): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  return total;
}

async function readLayer(files: ArchiveFiles, path: string, diffId: string): Promise<SourceLayer> {
  const what = `layer ${diffId}`;
  const storedSize = await files.size(path);
  if (storedSize === undefined) throw missing(files, what, path);
  const compression = sniffCompression(await files.head(path, sniffLength));
  if (!compression) {
    return {
      diffId,
      digest: diffId,
      mediaType: MediaType.dockerLayer,
      size: storedSize,
      open: async () => verifyDigest(await files.open(path, what), diffId, { size: storedSize, what }),
    };
  }
  // The generated manifest needs the uncompressed size, as containers/image computes it.
  const size = await countBytes(decompressStream(await files.open(path, what), compression, what));
  return {
    diffId,
    digest: diffId,
    mediaType: MediaType.dockerLayer,
    size,
    open: async () => verifyDigest(decompressStream(await files.open(path, what), compression, what), diffId, { size, what }),
  };
}

async function readImage(files: ArchiveFiles, item: ManifestItem, index: number): Promise<SourceImage> {
  const where = `manifest.json item @${index}`;
  const names = item.RepoTags.map((tag) => repoTagName(tag, where));
  const configBytes = await files.read(item.Config, maxConfigSize, `config of ${where}`);
  const config = parseImageConfig(configBytes, `config ${item.Config}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== item.Layers.length) {
    throw new CorruptContentError(
      `inconsistent layer count in ${where}: ${item.Layers.length} in manifest.json, ${diffIds.length} in config`,
    );
  }
  const layers: SourceLayer[] = [];
  for (const [i, path] of item.Layers.entries()) layers.push(await readLayer(files, path, diffIds[i]!));
  const configDigest = sha256Digest(configBytes);
  const manifestBytes = buildDockerManifest(
    { mediaType: MediaType.dockerConfig, size: configBytes.length, digest: configDigest },
    layers.map((l) => ({ mediaType: MediaType.dockerLayer, size: l.size!, digest: l.diffId! })),
  );
  return { names, configBytes, configDigest, manifestBytes, manifestMediaType: MediaType.dockerManifest, layers };
}

/** Every image listed in the archive's manifest.json, in order. */
export async function readDockerArchive(files: ArchiveFiles): Promise<SourceImage[]> {
  const items = parseTarManifest(await files.read('manifest.json', maxTarManifestSize, 'manifest.json'));
  const images: SourceImage[] = [];
  for (const [i, item] of items.entries()) images.push(await readImage(files, item, i));
  return images;
}
