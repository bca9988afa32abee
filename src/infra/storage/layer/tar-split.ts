/**
 * The tar-split file: what it takes to rebuild a layer's uncompressed tar byte for byte
 * from its extracted directory (for push, save and diff IDs), like containers/storage's
 * tar-split but in skiff's own format.
 *
 * Format: gzip'd JSON lines, read and written as streams. The first line is
 * {"skiff-tar-split":1}; then, in archive order,
 *   {"r":"<base64>"}                       raw bytes: headers, PAX/GNU blocks, padding,
 *                                          end-of-archive blocks, trailing bytes, and the
 *                                          data of entries not kept as files;
 *   {"f":"<path>","n":<size>,"c":<crc32>}  <size> bytes read from <path> (relative to the
 *                                          layer directory), whose CRC-32 must be <crc32>;
 *   … ,"s":<realsize>,"x":[[off,len],…]}   for sparse files: the data extents, in order.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, constants as fsc, fstatSync, openSync, readSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, crc32, type Gzip } from 'node:zlib';
import { CorruptContentError } from '../../../define/errors.ts';
import type { SparseInfo } from './sparse.ts';

export interface FileRef {
  path: string;
  size: number;
  crc: number;
  sparse?: SparseInfo;
}

export interface SplitSink {
  raw(bytes: Buffer): void;
  ref(ref: FileRef): void;
}

export type SplitRecord = { raw: Buffer; ref?: undefined } | { ref: FileRef; raw?: undefined };

const MAGIC = '{"skiff-tar-split":1}';
const RAW_LINE_MAX = 1 << 20;
const LINES_BATCH = 256 << 10;
/** Mostly base64 of zero-padded headers: level 1 is 4x faster than the default and ~20% larger. */
const GZIP_LEVEL = 1;

function refLine(r: FileRef): string {
  const o: Record<string, unknown> = { f: r.path, n: r.size, c: r.crc };
  if (r.sparse) {
    o['s'] = r.sparse.realSize;
    o['x'] = r.sparse.map;
  }
  return `${JSON.stringify(o)}\n`;
}

function rawLine(b: Buffer): string {
  return `{"r":"${b.toString('base64')}"}\n`;
}

/** Writes a tar-split to a temporary name; commit() renames it into place. */
export class TarSplitWriter implements SplitSink {
  readonly #path: string;
  readonly #tmp: string;
  readonly #gz: Gzip;
  readonly #done: Promise<void>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Lines not yet handed to the compressor: one write per batch, not per line, since each is a thread-pool job. */
  #lines: string[] = [];
  #linesLength = 0;

  private constructor(path: string) {
    this.#path = path;
    this.#tmp = tempName(path);
    this.#gz = createGzip({ level: GZIP_LEVEL });
    this.#done = pipeline(this.#gz, createWriteStream(this.#tmp, { flags: 'wx' }));
    // Errors surface from commit() (or are moot after abort()); never as unhandled rejections.
    this.#done.catch(() => {});
    this.#write(`${MAGIC}\n`);
  }

  static create(path: string): TarSplitWriter {
    return new TarSplitWriter(path);
  }

  raw(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= RAW_LINE_MAX) this.#flush();
  }

  ref(ref: FileRef): void {
    this.#flush();
    this.#write(refLine(ref));
  }

  /** Resolves once the compressor has room again; call between entries. */
  async backpressure(): Promise<void> {
    if (this.#gz.destroyed) await this.#done;
    else if (this.#gz.writableNeedDrain) await once(this.#gz, 'drain');
  }

  /**
   * Finishes the file. `stashed` maps reference indexes (in order of the references) to
   * files holding that content, for references whose path was overwritten later in the
   * same archive: their content is inlined as raw bytes.
   */
  async commit(stashed: ReadonlyMap<number, string>): Promise<void> {
    this.#flush();
    this.#writeLines();
    this.#gz.end();
    await this.#done;
    if (stashed.size > 0) {
      const tmp2 = tempName(this.#path);
      try {
        await pipeline(inlineStashed(this.#tmp, stashed), createGzip({ level: GZIP_LEVEL }), createWriteStream(tmp2, { flags: 'wx' }));
        await fs.rename(tmp2, this.#tmp);
      } catch (err) {
        await fs.rm(tmp2, { force: true });
        throw err;
      }
    }
    await fs.rename(this.#tmp, this.#path);
  }

  async abort(): Promise<void> {
    this.#gz.destroy();
    await this.#done.catch(() => {});
    await fs.rm(this.#tmp, { force: true });
  }

  #flush(): void {
    if (this.#pendingBytes === 0) return;
    this.#write(rawLine(Buffer.concat(this.#pending, this.#pendingBytes)));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #write(line: string): void {
    this.#lines.push(line);
    this.#linesLength += line.length;
    if (this.#linesLength >= LINES_BATCH) this.#writeLines();
  }

  #writeLines(): void {
    if (this.#lines.length === 0) return;
    this.#gz.write(this.#lines.join(''));
    this.#lines = [];
    this.#linesLength = 0;
  }
}

function tempName(path: string): string {
  return `${path}.tmp-${randomBytes(6).toString('hex')}`;
}

async function* inlineStashed(tmp: string, stashed: ReadonlyMap<number, string>): AsyncGenerator<string> {
  let index = 0;
  for await (const line of splitLines(tmp)) {
    if (!line.startsWith('{"f":')) {
      yield `${line}\n`;
      continue;
    }
    const stash = stashed.get(index++);
    if (stash === undefined) {
      yield `${line}\n`;
      continue;
    }
    for await (const chunk of readRefContent(stash, parseRef(line))) yield rawLine(chunk);
  }
}

async function* splitLines(path: string): AsyncGenerator<string> {
  // Pieces of the current line, joined once it ends: raw lines can span many chunks.
  let pieces: string[] = [];
  const input = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
  input.setEncoding('utf8');
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        pieces.push(chunk.slice(start, nl));
        yield pieces.join('');
        pieces = [];
        start = nl + 1;
      }
      if (start < chunk.length) pieces.push(chunk.slice(start));
    }
  } catch (err) {
    throw new CorruptContentError(`tar-split ${path} is unreadable: ${(err as Error).message}`, { cause: err });
  }
  if (pieces.length > 0) throw new CorruptContentError(`tar-split ${path} is truncated`);
}

function parseRef(line: string): FileRef {
  const o = JSON.parse(line) as { f: string; n: number; c: number; s?: number; x?: Array<[number, number]> };
  const ref: FileRef = { path: o.f, size: o.n, crc: o.c };
  if (o.x !== undefined) ref.sparse = { realSize: o.s ?? 0, map: o.x };
  return ref;
}

/** The records of a tar-split file, in order. */
export async function* readSplitRecords(path: string): AsyncGenerator<SplitRecord> {
  let first = true;
  for await (const line of splitLines(path)) {
    if (first) {
      if (line !== MAGIC) throw new CorruptContentError(`${path} is not a skiff tar-split file`);
      first = false;
    } else if (line.startsWith('{"r":')) {
      yield { raw: Buffer.from((JSON.parse(line) as { r: string }).r, 'base64') };
    } else if (line.startsWith('{"f":')) {
      yield { ref: parseRef(line) };
    } else {
      throw new CorruptContentError(`tar-split ${path} holds an unknown record`);
    }
  }
  if (first) throw new CorruptContentError(`tar-split ${path} is empty`);
}

const READ_CHUNK = 1 << 20;

/**
 * The data a reference stands for, read from `file`; CorruptContentError if the file is
 * gone, changed size, or its content no longer matches the recorded CRC. Reads are
 * synchronous: for the many small files of a layer, thread-pool round trips would cost
 * several times the reads themselves.
 */
export async function* readRefContent(file: string, ref: FileRef): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  } catch (err) {
    throw new CorruptContentError(`layer file ${ref.path} is missing: ${(err as Error).message}`, { cause: err });
  }
  try {
    const expected = ref.sparse ? ref.sparse.realSize : ref.size;
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== expected) {
      throw new CorruptContentError(`layer file ${ref.path} changed size: expected ${expected} bytes, found ${st.size}`);
    }
    let crc = 0;
    for (const [off, len] of ref.sparse ? ref.sparse.map : [[0, ref.size] as [number, number]]) {
      let pos = off;
      while (pos < off + len) {
        const want = Math.min(off + len - pos, READ_CHUNK);
        const buf = Buffer.allocUnsafe(want);
        const got = readSync(fd, buf, 0, want, pos);
        if (got === 0) throw new CorruptContentError(`layer file ${ref.path} changed size while being read`);
        const chunk = got === want ? buf : buf.subarray(0, got);
        crc = crc32(chunk, crc);
        pos += got;
        yield chunk;
      }
    }
    if (crc >>> 0 !== ref.crc) throw new CorruptContentError(`layer file ${ref.path} changed content since the layer was applied`);
  } finally {
    closeSync(fd);
  }
}
