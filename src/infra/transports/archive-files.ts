/**
 * The files of an image layout, whether they sit in a directory or in a tar archive, so one
 * reader serves `oci:` and `oci-archive:` alike. Paths are relative to the layout's root and
 * never leave it.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CorruptContentError } from '../../define/errors.ts';
import { readAll } from '../image/digest.ts';
import { cleanArchivePath, type TarIndex } from './tar-index.ts';

export interface ArchiveFiles {
  /** "archive /x.tar" or "directory /x", for messages. */
  readonly describe: string;
  /** The size of the regular file at `path`, undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  /** The whole file; missing or larger than `limit` is a CorruptContentError naming `what`. */
  read(path: string, limit: number, what: string): Promise<Buffer>;
  /** A stream of the file; missing is a CorruptContentError naming `what`. */
  open(path: string, what: string): Promise<Readable>;
  /** The first `length` bytes (fewer if the file is shorter). */
  head(path: string, length: number): Promise<Buffer>;
}

export function missing(files: ArchiveFiles, what: string, path: string): CorruptContentError {
  return new CorruptContentError(`${what} (${path}) is missing from ${files.describe}`);
}

export class TarFiles implements ArchiveFiles {
  readonly describe: string;
  readonly #index: TarIndex;

  constructor(index: TarIndex, describe: string) {
    this.#index = index;
    this.describe = describe;
  }

  async size(path: string): Promise<number | undefined> {
    return this.#index.resolve(path)?.size;
  }

  async read(path: string, limit: number, what: string): Promise<Buffer> {
    const entry = this.#index.resolve(path);
    if (!entry) throw missing(this, what, path);
    return this.#index.readEntry(entry, limit, what);
  }

  async open(path: string, what: string): Promise<Readable> {
    const entry = this.#index.resolve(path);
    if (!entry) throw missing(this, what, path);
    return this.#index.openEntry(entry);
  }

  async head(path: string, length: number): Promise<Buffer> {
    const entry = this.#index.resolve(path);
    return entry ? this.#index.head(entry, length) : Buffer.alloc(0);
  }
}

export class DirFiles implements ArchiveFiles {
  readonly describe: string;
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
    this.describe = `directory ${root}`;
  }

  #path(path: string): string {
    return join(this.#root, cleanArchivePath(path));
  }

  async size(path: string): Promise<number | undefined> {
    try {
      const st = await stat(this.#path(path));
      return st.isFile() ? st.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async read(path: string, limit: number, what: string): Promise<Buffer> {
    const size = await this.size(path);
    if (size === undefined) throw missing(this, what, path);
    if (size > limit) throw new CorruptContentError(`${what} is larger than ${limit} bytes`);
    return readAll(createReadStream(this.#path(path)), limit, what);
  }

  async open(path: string, what: string): Promise<Readable> {
    const size = await this.size(path);
    if (size === undefined) throw missing(this, what, path);
    if (size === 0) return Readable.from([]);
    return createReadStream(this.#path(path), { highWaterMark: 1024 * 1024 });
  }

  async head(path: string, length: number): Promise<Buffer> {
    let fh;
    try {
      fh = await open(this.#path(path), 'r');
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
}
