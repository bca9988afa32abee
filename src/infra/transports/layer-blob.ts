/**
 * Turning ArchiveLayers into the blobs a writer stores. A tar member or a manifest needs a
 * blob's size and digest before its bytes, so a layer is written straight through only when
 * it stays uncompressed and its size is known; otherwise it goes to a temporary file first
 * (compressed if asked) to learn them. Every layer is checked against its diffID on the way.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parseDigest, verifyDigest } from '../image/digest.ts';
import { tempName } from './atomic-file.ts';
import type { ArchiveLayer } from './types.ts';
import { MeasureStream } from '../image/measure-stream.ts';

export interface LayerBlob {
  digest: string;
  size: number;
  /** The blob's bytes; verified against the layer's diffID when streamed from the source. */
  open(): Promise<Readable>;
}

/** The layer's verified uncompressed bytes. */
export async function openLayer(layer: ArchiveLayer): Promise<Readable> {
  const what = `layer ${layer.diffId}`;
  return verifyDigest(await layer.open(), layer.diffId, { size: layer.size, what });
}

/**
 * Writes the layer (gzip-compressed when `compress`) to a new file at `path`, verifying its
 * diffID; returns the digest and size of the file written.
 */
export async function writeLayerFile(layer: ArchiveLayer, path: string, compress: boolean): Promise<{ digest: string; size: number }> {
  parseDigest(layer.diffId, 'layer diffID');
  const measure = new MeasureStream();
  const out = createWriteStream(path, { flags: 'wx', mode: 0o644 });
  if (compress) await pipeline(await openLayer(layer), createGzip(), measure, out);
  else await pipeline(await openLayer(layer), measure, out);
  return { digest: `sha256:${measure.hash.digest('hex')}`, size: measure.size };
}

/** Streams a layer into `dir` under a temporary name, then renames it to `nameOf(digest)`. */
export async function storeLayer(
  layer: ArchiveLayer,
  dir: string,
  compress: boolean,
  nameOf: (digest: string) => string,
): Promise<{ digest: string; size: number }> {
  const tmp = tempName(dir);
  try {
    const blob = await writeLayerFile(layer, tmp, compress);
    await rename(tmp, join(dir, nameOf(blob.digest)));
    return blob;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Prepares layer blobs for an archive writer, spooling to one temporary directory when needed. */
export class LayerSpool {
  readonly #tmpRoot: string;
  readonly #compress: boolean;
  readonly #blobs = new Map<string, Promise<LayerBlob>>();
  #dir: Promise<string> | undefined;
  #count = 0;

  constructor(compress: boolean, tmpRoot = tmpdir()) {
    this.#compress = compress;
    this.#tmpRoot = tmpRoot;
  }

  /** The blob for `layer`; a diffID seen before gives the same blob. */
  blob(layer: ArchiveLayer): Promise<LayerBlob> {
    let blob = this.#blobs.get(layer.diffId);
    if (!blob) {
      blob = this.#prepare(layer);
      this.#blobs.set(layer.diffId, blob);
    }
    return blob;
  }

  async #prepare(layer: ArchiveLayer): Promise<LayerBlob> {
    parseDigest(layer.diffId, 'layer diffID');
    if (!this.#compress && layer.size !== undefined) {
      return { digest: layer.diffId, size: layer.size, open: () => openLayer(layer) };
    }
    this.#dir ??= mkdtemp(join(this.#tmpRoot, 'skiff-save-'));
    const path = join(await this.#dir, `layer-${this.#count++}`);
    const { digest, size } = await writeLayerFile(layer, path, this.#compress);
    return { digest, size, open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 }) };
  }

  /** Removes the temporary files. */
  async close(): Promise<void> {
    const dir = await this.#dir?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
