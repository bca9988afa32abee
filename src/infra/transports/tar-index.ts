/**
 * Random access to the members of an uncompressed tar file: one pass over the headers only
 * (seeking past member data) records where each member's bytes are, and members are then
 * read in place with ranged read streams. Nothing is extracted, so member names are just
 * keys: a name or link that climbs above the archive root ("..") is refused, never followed.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { CorruptContentError, PathEscapeError } from '../../define/errors.ts';
import { readAll } from '../image/digest.ts';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  /** Offset of the member's data in the file. */
  offset: number;
  size: number;
  linkname: string;
}

const block = 512;
/** Links followed when resolving a member; more means a loop or an archive not worth reading. */
const maxLinkHops = 8;
/** PAX and GNU long-name records are small; a huge one is damage, not data. */
const maxExtendedHeaderSize = 1024 * 1024;

/** A member path as a key: "./a//b" and "/a/b" are "a/b"; ".." above the root is refused. */
export function cleanArchivePath(name: string): string {
  let depth = 0;
  for (const part of name.split('/')) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) throw new PathEscapeError(`path ${JSON.stringify(name)} leaves the archive`);
  }
  return posix.normalize(`/${name}`).slice(1).replace(/\/+$/, '');
}

function field(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function octal(buf: Buffer, start: number, length: number, what: string): number {
  if (buf[start]! & 0x80) {
    // GNU base-256: big-endian binary in the remaining bits.
    let value = buf[start]! & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + buf[i]!;
    return value;
  }
  const text = buf.toString('latin1', start, start + length).replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new CorruptContentError(`invalid ${what} ${JSON.stringify(text)} in tar header`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = octal(header, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < block; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = parseInt(data.toString('latin1', pos, space), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || pos + length > data.length) {
      throw new CorruptContentError('invalid PAX extended header in tar archive');
    }
    const record = data.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return records;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    default:
      return 'other';
  }
}

async function readExactly(fh: FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

async function scanHeaders(fh: FileHandle, fileSize: number, describe: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  while (pos < fileSize) {
    const header = await readExactly(fh, block, pos);
    if (header.length < block) throw new CorruptContentError(`${describe} is truncated: incomplete tar header at offset ${pos}`);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) {
      throw new CorruptContentError(
        pos === 0 ? `${describe} is not a tar archive` : `${describe} is corrupt: bad tar header checksum at offset ${pos}`,
      );
    }
    const flag = String.fromCharCode(header[156]!).replace('\0', '');
    const size = octal(header, 124, 12, 'size');
    const dataStart = pos + block;
    const dataEnd = dataStart + size;
    const next = dataStart + Math.ceil(size / block) * block;
    let name = field(header, 0, 100);
    if (header.toString('latin1', 257, 263) === 'ustar\0') {
      const prefix = field(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (dataEnd > fileSize) {
      throw new CorruptContentError(`${describe} is truncated: member ${JSON.stringify(longName ?? name)} extends past the end of the file`);
    }
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > maxExtendedHeaderSize) throw new CorruptContentError(`${describe} has an oversized extended tar header at offset ${pos}`);
      const data = await readExactly(fh, size, dataStart);
      if (flag === 'x') pax = parsePax(data);
      else if (flag === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
      else if (flag === 'K') longLink = data.toString('utf8').replace(/\0+$/, '');
      pos = next;
      continue;
    }
    const paxSize = pax.get('size');
    const realSize = paxSize !== undefined ? Number(paxSize) : size;
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new CorruptContentError(`${describe} has an invalid PAX size at offset ${pos}`);
    const realNext = paxSize !== undefined ? dataStart + Math.ceil(realSize / block) * block : next;
    if (dataStart + realSize > fileSize) {
      throw new CorruptContentError(`${describe} is truncated: member ${JSON.stringify(name)} extends past the end of the file`);
    }
    entries.push({
      name: pax.get('path') ?? longName ?? name,
      type: entryType(flag),
      offset: dataStart,
      size: realSize,
      linkname: pax.get('linkpath') ?? longLink ?? field(header, 157, 100),
    });
    longName = undefined;
    longLink = undefined;
    pax = new Map();
    pos = realNext;
  }
  return entries;
}

export class TarIndex {
  readonly path: string;
  readonly entries: readonly TarEntry[];
  readonly #byName = new Map<string, TarEntry>();

  private constructor(path: string, entries: TarEntry[]) {
    this.path = path;
    this.entries = entries;
    for (const entry of entries) {
      let key: string;
      try {
        key = cleanArchivePath(entry.name);
      } catch {
        continue; // a member outside the root can never be looked up
      }
      // The first member of a name wins, as containers/image reads it.
      if (!this.#byName.has(key)) this.#byName.set(key, entry);
    }
  }

  /** Indexes the tar file at `path`; `describe` names it in errors. */
  static async open(path: string, describe = path): Promise<TarIndex> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (size === 0) throw new CorruptContentError(`${describe} is empty`);
      return new TarIndex(path, await scanHeaders(fh, size, describe));
    } finally {
      await fh.close();
    }
  }

  /** The member named `name`, without following links. */
  entry(name: string): TarEntry | undefined {
    return this.#byName.get(cleanArchivePath(name));
  }

  /**
   * The regular file `name` refers to, following symlinks (relative to their directory) and
   * hard links (relative to the root) up to a few hops; undefined if missing.
   */
  resolve(name: string): TarEntry | undefined {
    let path = cleanArchivePath(name);
    for (let hops = 0; hops <= maxLinkHops; hops++) {
      const entry = this.#byName.get(path);
      if (!entry) return undefined;
      if (entry.type === 'file') return entry;
      if (entry.type === 'symlink') path = cleanArchivePath(posix.join(posix.dirname(path), entry.linkname));
      else if (entry.type === 'hardlink') path = cleanArchivePath(entry.linkname);
      else break;
    }
    throw new CorruptContentError(`archive member ${JSON.stringify(name)} is not a regular file`);
  }

  /** The bytes of a resolved member. */
  openEntry(entry: TarEntry): Readable {
    if (entry.size === 0) return Readable.from([]);
    return createReadStream(this.path, {
      start: entry.offset,
      end: entry.offset + entry.size - 1,
      highWaterMark: 1024 * 1024,
    });
  }

  async readEntry(entry: TarEntry, limit: number, what: string): Promise<Buffer> {
    if (entry.size > limit) throw new CorruptContentError(`${what} is larger than ${limit} bytes`);
    return readAll(this.openEntry(entry), limit, what);
  }

  /** The first `length` bytes of a member (fewer if it is shorter). */
  async head(entry: TarEntry, length: number): Promise<Buffer> {
    const fh = await open(this.path, 'r');
    try {
      return await readExactly(fh, Math.min(length, entry.size), entry.offset);
    } finally {
      await fh.close();
    }
  }
}
