/**
 * OCI image layout output: `oci-archive` (the layout in a tar stream) and `oci-dir` (a
 * directory), as `podman save --format oci-archive|oci-dir` writes them: blobs under
 * blobs/sha256/, index.json entries named by org.opencontainers.image.ref.name, oci-layout.
 * Layers are stored as plain tar (application/vnd.oci.image.layer.v1.tar) unless `compress`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { digestHex, sha256Digest } from '../image/digest.ts';
import { buildOciIndex, parseImageIndex } from '../image/manifest.ts';
import { Annotation, MediaType, ociLayoutVersion, type Descriptor } from '../image/types.ts';
import { pathExists, writeFileAtomic } from './atomic-file.ts';
import { LayerSpool, storeLayer } from './layer-blob.ts';
import { ociManifestForSave } from './manifest-for-save.ts';
import { TarWriter } from './tar-writer.ts';
import type { ArchiveImage, WriteOptions } from './types.ts';

/** containers/image writes the layout header with this exact spacing. */
const ociLayoutBytes = Buffer.from(`{"imageLayoutVersion": "${ociLayoutVersion}"}`);

function layerMediaType(compress: boolean): string {
  return compress ? MediaType.ociLayerGzip : MediaType.ociLayer;
}

function blobName(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

/** The index.json entries for one saved image: one per name, or one without a name. */
function indexEntries(image: ArchiveImage, manifest: Buffer): Descriptor[] {
  const base = { mediaType: MediaType.ociManifest, digest: sha256Digest(manifest), size: manifest.length };
  if (image.names.length === 0) return [base];
  return image.names.map((name) => ({ ...base, annotations: { [Annotation.refName]: name } }));
}

function configDescriptor(image: ArchiveImage): Descriptor {
  return { mediaType: MediaType.ociConfig, digest: sha256Digest(image.configBytes), size: image.configBytes.length };
}

/** Writes `images` as an OCI layout in a tar stream to `out`, and ends it. */
export async function writeOciArchive(out: Writable, images: ArchiveImage[], options: WriteOptions = {}): Promise<void> {
  const compress = options.compress ?? false;
  const spool = new LayerSpool(compress, options.tmpDir);
  const tar = new TarWriter(out);
  const written = new Set<string>();
  const writeBlob = async (digest: string, bytes: Buffer): Promise<void> => {
    if (written.has(digest)) return;
    await tar.file(blobName(digest), bytes.length, bytes, 0o644);
    written.add(digest);
  };
  try {
    await tar.dir('blobs');
    await tar.dir('blobs/sha256');
    const index: Descriptor[] = [];
    for (const image of images) {
      const layers: Descriptor[] = [];
      for (const layer of image.layers) {
        const blob = await spool.blob(layer);
        if (!written.has(blob.digest)) {
          await tar.file(blobName(blob.digest), blob.size, await blob.open(), 0o644);
          written.add(blob.digest);
        }
        layers.push({ mediaType: layerMediaType(compress), digest: blob.digest, size: blob.size });
      }
      const config = configDescriptor(image);
      await writeBlob(config.digest, image.configBytes);
      const manifest = ociManifestForSave(image.manifestBytes, config, layers);
      await writeBlob(sha256Digest(manifest), manifest);
      index.push(...indexEntries(image, manifest));
    }
    const indexBytes = buildOciIndex(index);
    await tar.file('index.json', indexBytes.length, indexBytes, 0o644);
    await tar.file('oci-layout', ociLayoutBytes.length, ociLayoutBytes, 0o644);
    await tar.finish();
  } finally {
    await spool.close();
  }
}

/** Adds the new entries to index.json, replacing entries of the same ref name, as the `oci:` transport does. */
async function updateIndex(dir: string, entries: Descriptor[]): Promise<void> {
  const path = join(dir, 'index.json');
  const manifests = (await pathExists(path)) ? parseImageIndex(await readFile(path), `index.json of ${dir}`).manifests : [];
  for (const entry of entries) {
    const name = entry.annotations?.[Annotation.refName];
    const same = manifests.findIndex((m) =>
      name === undefined ? m.digest === entry.digest && !m.annotations?.[Annotation.refName] : m.annotations?.[Annotation.refName] === name,
    );
    if (same === -1) manifests.push(entry);
    else manifests[same] = entry;
  }
  await writeFileAtomic(path, buildOciIndex(manifests), dir);
}

/**
 * Writes `images` into the OCI layout directory `dir` (created if needed; an existing layout
 * keeps its other images). Blobs already present are not rewritten.
 */
export async function writeOciDir(dir: string, images: ArchiveImage[], options: WriteOptions = {}): Promise<void> {
  const compress = options.compress ?? false;
  const blobsDir = join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const storeBlob = async (digest: string, bytes: Buffer): Promise<void> => {
    const path = join(blobsDir, digestHex(digest));
    if (!(await pathExists(path))) await writeFileAtomic(path, bytes, blobsDir);
  };
  const entries: Descriptor[] = [];
  for (const image of images) {
    const layers: Descriptor[] = [];
    for (const layer of image.layers) {
      const known = !compress && layer.size !== undefined && (await pathExists(join(blobsDir, digestHex(layer.diffId))));
      const blob = known ? { digest: layer.diffId, size: layer.size! } : await storeLayer(layer, blobsDir, compress, digestHex);
      layers.push({ mediaType: layerMediaType(compress), digest: blob.digest, size: blob.size });
    }
    const config = configDescriptor(image);
    await storeBlob(config.digest, image.configBytes);
    const manifest = ociManifestForSave(image.manifestBytes, config, layers);
    await storeBlob(sha256Digest(manifest), manifest);
    entries.push(...indexEntries(image, manifest));
  }
  if (!(await pathExists(join(dir, 'oci-layout')))) await writeFileAtomic(join(dir, 'oci-layout'), ociLayoutBytes, dir);
  await updateIndex(dir, entries);
}
