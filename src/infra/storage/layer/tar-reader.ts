/**
 * A streaming tar reader that accounts for every byte of the archive.
 *
 * Why not tar-stream's extract: rebuilding the original tar byte for byte (tar-split) needs
 * the raw header blocks, PAX and GNU long-name blocks, padding and whatever follows the
 * end-of-archive marker, none of which tar-stream exposes; its PAX parser also decodes
 * values as UTF-8, which corrupts binary xattrs (security.capability), and it hands sparse
 * files over unexpanded. Reading 512-byte blocks directly is less code than instrumenting it.
 *
 * Every byte goes to the SplitSink: as raw bytes, except the data of entries the caller
 * claims with claimFile(), which become a file reference (path, size, CRC-32) once read.
 * Parsing follows Go's archive/tar where readers disagree, since Go wrote most layers:
 * header-only types (links, devices, directories, fifos) carry no data whatever their size
 * field says, and a clean end of stream on a block boundary ends the archive.
 */
import { crc32 } from 'node:zlib';
import { CorruptContentError } from '../../../define/errors.ts';
import type { ByteSource } from './byte-source.ts';
import { parseDataMap, paxSparse, validateSparse, type SparseInfo } from './sparse.ts';
import { BLOCK, decodeHeader, isZeroBlock, paddingFor, parsePax, parseSparseEntries, type PaxRecords, type RawHeader } from './tar-header.ts';
import type { SplitSink } from './tar-split.ts';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'link' | 'char' | 'block' | 'fifo' | 'other';

export interface TarEntry {
  path: string;
  linkpath: string;
  kind: EntryKind;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch, possibly fractional (PAX). */
  mtime: number;
  atime?: number;
  devmajor: number;
  devminor: number;
  /** Bytes of data the entry stores (for sparse files: the data extents only). */
  size: number;
  xattrs: Array<[string, Buffer]>;
  sparse?: SparseInfo;
}

/** PAX, GNU long-name and sparse-map blocks larger than this are refused as hostile. */
const MAX_META_BYTES = 16 << 20;
const READ_MAX = 1 << 20;
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

interface Claim {
  path: string;
  crc: number;
  size: number;
  sparse?: SparseInfo;
}

export class TarReader {
  readonly #src: ByteSource;
  readonly #sink: SplitSink;
  readonly #globals = new Map<string, Buffer>();
  #entry: TarEntry | undefined;
  #remaining = 0;
  #padding = 0;
  #claim: Claim | undefined;
  #refs = 0;
  #done = false;

  constructor(src: ByteSource, sink: SplitSink) {
    this.#src = src;
    this.#sink = sink;
  }

  /** The next entry, after skipping what the caller left unread of the previous one; null at the end. */
  async next(): Promise<TarEntry | null> {
    await this.#finishEntry();
    if (this.#done) return null;
    this.#entry = await this.#readHeaders();
    return this.#entry ?? null;
  }

  /**
   * Declares that the current entry's data is being written to `path` (relative to the
   * layer directory) and is recorded by reference. Returns the reference's index in the
   * tar-split, or undefined when there is no data to reference.
   */
  claimFile(path: string): number | undefined {
    const e = this.#entry;
    if (!e || this.#remaining === 0 || this.#remaining !== e.size) return undefined;
    this.#claim = { path, crc: 0, size: e.size, ...(e.sparse ? { sparse: e.sparse } : {}) };
    return this.#refs++;
  }

  /** The next piece of the current entry's data; null when it is all read. */
  async readData(): Promise<Buffer | null> {
    if (this.#remaining === 0) return null;
    const b = await this.#src.readSome(Math.min(this.#remaining, READ_MAX));
    this.#remaining -= b.length;
    if (this.#claim) this.#claim.crc = crc32(b, this.#claim.crc);
    else this.#sink.raw(b);
    return b;
  }

  async #finishEntry(): Promise<void> {
    if (this.#claim && this.#remaining > 0) throw new Error('tar reader: claimed entry data left unread');
    while (this.#remaining > 0) await this.readData();
    if (this.#claim) {
      const c = this.#claim;
      this.#sink.ref({ path: c.path, size: c.size, crc: c.crc >>> 0, ...(c.sparse ? { sparse: c.sparse } : {}) });
      this.#claim = undefined;
    }
    if (this.#padding > 0) await this.#readRaw(this.#padding);
    this.#padding = 0;
    this.#entry = undefined;
  }

  async #readRaw(n: number): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    const b = await this.#src.read(n);
    if (!b) throw this.#src.truncated();
    this.#sink.raw(b);
    return b;
  }

  async #readMeta(size: number): Promise<Buffer> {
    if (size > MAX_META_BYTES) throw new CorruptContentError(`tar extended header of ${size} bytes is too large`);
    const data = await this.#readRaw(size);
    await this.#readRaw(paddingFor(size));
    return data;
  }

  async #readHeaders(): Promise<TarEntry | undefined> {
    const local: PaxRecords = [];
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const at = this.#src.offset;
      const block = await this.#src.read(BLOCK);
      if (!block) return this.#end();
      this.#sink.raw(block);
      if (isZeroBlock(block)) {
        for await (const b of this.#src.rest()) this.#sink.raw(b);
        return this.#end();
      }
      const h = decodeHeader(block, at);
      if (h.typeflag === 'x') local.push(...parsePax(await this.#readMeta(h.size)));
      else if (h.typeflag === 'g') for (const [k, v] of parsePax(await this.#readMeta(h.size))) this.#globals.set(k, v);
      else if (h.typeflag === 'L') longName = cstring(await this.#readMeta(h.size));
      else if (h.typeflag === 'K') longLink = cstring(await this.#readMeta(h.size));
      else return this.#makeEntry(h, local, longName, longLink);
    }
  }

  #end(): undefined {
    this.#done = true;
    return undefined;
  }

  async #makeEntry(h: RawHeader, local: PaxRecords, longName?: string, longLink?: string): Promise<TarEntry> {
    const pax = new Map<string, string>();
    const xattrs = new Map<string, Buffer>();
    for (const [k, v] of [...this.#globals, ...local]) {
      if (k.startsWith('SCHILY.xattr.')) xattrs.set(k.slice(13), v);
      else pax.set(k, v.toString('utf8'));
    }
    const number = (key: string, fallback: number): number => {
      const text = pax.get(key);
      if (text === undefined) return fallback;
      const v = Number(text);
      if (!Number.isFinite(v) || text.trim() === '') throw new CorruptContentError(`invalid PAX ${key} value ${JSON.stringify(text)}`);
      return v;
    };
    const sparse = paxSparse(pax, local);
    const path = sparse.name ?? pax.get('path') ?? longName ?? h.name;
    const kind = kindOf(h.typeflag, path);
    const headerOnly = HEADER_ONLY.has(h.typeflag);
    const size = headerOnly ? 0 : number('size', h.size);
    let stored = size;
    let info = sparse.info;
    if (h.gnuSparse) info = { realSize: h.gnuSparse.realSize, map: await this.#readGnuSparseMap(h.gnuSparse) };
    else if (sparse.mapInData !== undefined) {
      const map = await this.#readDataMap(size);
      stored -= map.bytes;
      info = { realSize: sparse.mapInData, map: map.map };
    }
    if (info) validateSparse(info, stored);
    const entry: TarEntry = {
      path,
      linkpath: pax.get('linkpath') ?? longLink ?? h.linkname,
      kind,
      typeflag: h.typeflag,
      mode: h.mode,
      uid: number('uid', h.uid),
      gid: number('gid', h.gid),
      uname: pax.get('uname') ?? h.uname,
      gname: pax.get('gname') ?? h.gname,
      mtime: number('mtime', h.mtime),
      devmajor: number('SCHILY.devmajor', h.devmajor),
      devminor: number('SCHILY.devminor', h.devminor),
      size: stored,
      xattrs: [...xattrs],
    };
    const atime = pax.has('atime') ? number('atime', 0) : h.atime;
    if (atime !== undefined) entry.atime = atime;
    if (info) entry.sparse = info;
    this.#remaining = stored;
    this.#padding = paddingFor(size);
    return entry;
  }

  async #readGnuSparseMap(s: NonNullable<RawHeader['gnuSparse']>): Promise<Array<[number, number]>> {
    const map = [...s.map];
    let extended = s.isExtended;
    while (extended) {
      const block = await this.#readRaw(BLOCK);
      map.push(...parseSparseEntries(block, 0, 21));
      extended = block[504] !== 0;
      if (map.length * 24 > MAX_META_BYTES) throw new CorruptContentError('GNU sparse map is too large');
    }
    return map;
  }

  /** PAX 1.0: the map occupies whole blocks at the start of the data. */
  async #readDataMap(size: number): Promise<{ map: Array<[number, number]>; bytes: number }> {
    let text = '';
    let bytes = 0;
    for (;;) {
      if (bytes + BLOCK > size || bytes >= MAX_META_BYTES) throw new CorruptContentError('invalid sparse file map in entry data');
      text += (await this.#readRaw(BLOCK)).toString('latin1');
      bytes += BLOCK;
      const map = parseDataMap(text);
      if (map) return { map, bytes };
    }
  }
}

function cstring(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end === -1 ? b.length : end);
}

function kindOf(typeflag: string, path: string): EntryKind {
  switch (typeflag) {
    case '0': case '7': case 'S': return 'file';
    case '\0': return path.endsWith('/') ? 'dir' : 'file';
    case '1': return 'link';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': case 'D': return 'dir';
    case '6': return 'fifo';
    default: return 'other';
  }
}
