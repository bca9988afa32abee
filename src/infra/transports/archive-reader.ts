/**
 * Opening image archives and layouts for reading. A tar archive is never extracted: its
 * member offsets are indexed and blobs are read in place, so a 1 GB uncompressed archive
 * costs a header scan, not a copy. A compressed archive (gzip, zstd) or a stream (stdin) is
 * first written, decompressed, to one temporary file, which close() removes.
 */
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptContentError, InvalidArgumentError } from '../../define/errors.ts';
import type { Platform } from '../image/types.ts';
import { DirFiles, TarFiles } from './archive-files.ts';
import { decompressStream, sniffCompression, sniffLength, type Compression } from './compression.ts';
import { readDockerArchive } from './docker-archive-reader.ts';
import { readDockerDir } from './docker-dir-reader.ts';
import { readOciLayout } from './oci-layout-reader.ts';
import { TarIndex } from './tar-index.ts';
import type { ArchiveFormat, ImageArchiveReader, SourceImage } from './types.ts';

export interface OpenArchiveOptions {
  /** Where a decompressed copy goes (default os.tmpdir(), i.e. $TMPDIR). */
  tmpDir?: string;
  /** The platform to choose from multi-platform images (default: the host's). */
  platform?: Platform;
}

class ArchiveReader implements ImageArchiveReader {
  readonly format: ArchiveFormat;
  readonly #load: () => Promise<SourceImage[]>;
  readonly #tempDir: string | undefined;
  #images: Promise<SourceImage[]> | undefined;

  constructor(format: ArchiveFormat, load: () => Promise<SourceImage[]>, tempDir?: string) {
    this.format = format;
    this.#load = load;
    this.#tempDir = tempDir;
  }

  images(): Promise<SourceImage[]> {
    this.#images ??= this.#load();
    return this.#images;
  }

  async close(): Promise<void> {
    if (this.#tempDir) await rm(this.#tempDir, { recursive: true, force: true });
  }
}

async function statPath(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InvalidArgumentError(`stat ${path}: no such file or directory`);
    throw err;
  }
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(sniffLength);
    const { bytesRead } = await fh.read(buf, 0, sniffLength, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function openTar(tarPath: string, describe: string, options: OpenArchiveOptions, tempDir?: string): Promise<ImageArchiveReader> {
  const index = await TarIndex.open(tarPath, describe);
  const files = new TarFiles(index, describe);
  const has = (name: string): boolean => index.entry(name) !== undefined;
  if (has('oci-layout') || (has('index.json') && !has('manifest.json'))) {
    return new ArchiveReader('oci-archive', () => readOciLayout(files, { platform: options.platform }), tempDir);
  }
  if (has('manifest.json')) return new ArchiveReader('docker-archive', () => readDockerArchive(files), tempDir);
  throw new CorruptContentError(`${describe} is neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)`);
}

/** Copies `input` (decompressed when `compression` is set) into a new temporary directory. */
async function spool(
  input: Readable,
  options: OpenArchiveOptions,
  describe: string,
  compression: Compression | undefined,
): Promise<{ dir: string; tarPath: string }> {
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'skiff-archive-'));
  const tarPath = join(dir, 'archive.tar');
  try {
    const source = compression ? decompressStream(input, compression, describe) : input;
    await pipeline(source, createWriteStream(tarPath, { mode: 0o600 }));
    return { dir, tarPath };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Opens a docker-archive or oci-archive file (plain, gzip or zstd), or a directory holding
 * an OCI layout (oci-dir) or a `dir:` image (docker-dir), as `podman load -i` accepts them.
 */
export async function openArchive(path: string, options: OpenArchiveOptions = {}): Promise<ImageArchiveReader> {
  const st = await statPath(path);
  if (st.isDirectory()) {
    const files = new DirFiles(path);
    if ((await files.size('index.json')) !== undefined) return openOciLayout(path, undefined, options);
    if ((await files.size('manifest.json')) !== undefined) return openDockerDir(path, options);
    throw new CorruptContentError(`directory ${path} holds neither an OCI layout (index.json) nor a dir: image (manifest.json)`);
  }
  const describe = `archive ${path}`;
  const compression = sniffCompression(await readHead(path));
  if (!compression) return openTar(path, describe, options);
  const { dir, tarPath } = await spool(createReadStream(path), options, describe, compression);
  try {
    return await openTar(tarPath, describe, options, dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Reads until `length` bytes are buffered (or the stream ends), then puts them back. */
async function peek(input: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < length) {
    const chunk = input.read() as Buffer | string | null;
    if (chunk !== null) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      total += buf.length;
      continue;
    }
    if (input.readableEnded || input.destroyed) break;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        input.off('readable', onReadable).off('end', onEnd).off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const onReadable = (): void => done();
      const onEnd = (): void => done();
      input.on('readable', onReadable).on('end', onEnd).on('error', done);
    });
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) input.unshift(head);
  return head;
}

/** Like openArchive for a stream (`podman load` from stdin): the stream is spooled first. */
export async function openArchiveStream(input: Readable, options: OpenArchiveOptions = {}): Promise<ImageArchiveReader> {
  const describe = 'archive on standard input';
  const compression = sniffCompression(await peek(input, sniffLength));
  const { dir, tarPath } = await spool(input, options, describe, compression);
  try {
    return await openTar(tarPath, describe, options, dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** An OCI image layout directory (`oci:DIR[:REF]`); with `refName`, only the images tagged so. */
export async function openOciLayout(dir: string, refName?: string, options: OpenArchiveOptions = {}): Promise<ImageArchiveReader> {
  if (!(await statPath(dir)).isDirectory()) throw new InvalidArgumentError(`${dir} is not a directory`);
  const files = new DirFiles(dir);
  return new ArchiveReader('oci-dir', () => readOciLayout(files, { refName, platform: options.platform }));
}

/** A containers/image `dir:` directory (one unnamed image). */
export async function openDockerDir(dir: string, options: OpenArchiveOptions = {}): Promise<ImageArchiveReader> {
  if (!(await statPath(dir)).isDirectory()) throw new InvalidArgumentError(`${dir} is not a directory`);
  const files = new DirFiles(dir);
  return new ArchiveReader('docker-dir', async () => [await readDockerDir(files, options.platform)]);
}
