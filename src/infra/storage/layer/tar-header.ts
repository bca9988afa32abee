/**
 * The 512-byte tar header (POSIX ustar, GNU and V7 variants) and PAX records: decoding for
 * layer apply, encoding for tarDirectory. Kept byte-exact and binary-safe on purpose: PAX
 * values such as SCHILY.xattr.security.capability are raw bytes, not UTF-8 text, which
 * rules out tar-stream's string-valued PAX parsing.
 */
import { CorruptContentError } from '../../../define/errors.ts';

export const BLOCK = 512;

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** GNU format only: atime, and the old-style sparse map with its continuation flag. */
  atime?: number;
  gnuSparse?: { map: Array<[number, number]>; isExtended: boolean; realSize: number };
}

export type PaxRecords = Array<[string, Buffer]>;

function cstr(block: Buffer, off: number, len: number): string {
  const end = block.indexOf(0, off);
  return block.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

/** Octal (space/NUL padded) or GNU base-256 (high bit set) numeric field. */
export function parseNumber(block: Buffer, off: number, len: number): number {
  const first = block[off]!;
  if (first & 0x80) {
    const negative = first === 0xff;
    let v = 0n;
    for (let i = 0; i < len; i++) {
      const byte = i === 0 ? (negative ? 0xff : first & 0x7f) : block[off + i]!;
      v = (v << 8n) | BigInt(byte);
    }
    if (negative) v = BigInt.asIntN(len * 8, v);
    return Number(v);
  }
  let i = off;
  const end = off + len;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw new CorruptContentError(`invalid tar header: bad octal number field`);
    v = v * 8 + (c - 0x30);
  }
  return v;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksumOk(block: Buffer): boolean {
  let stored: number;
  try {
    stored = parseNumber(block, 148, 8);
  } catch {
    return false;
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Decodes one header block; `offset` (in the tar stream) only serves error messages. */
export function decodeHeader(block: Buffer, offset: number): RawHeader {
  if (!checksumOk(block)) throw new CorruptContentError(`invalid tar header at byte ${offset}: checksum mismatch (not a tar archive?)`);
  const magic = block.toString('latin1', 257, 265);
  const gnu = magic === 'ustar  \0';
  const posix = magic.startsWith('ustar\0');
  let name = cstr(block, 0, 100);
  if (posix) {
    const prefix = cstr(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const header: RawHeader = {
    name,
    mode: parseNumber(block, 100, 8),
    uid: parseNumber(block, 108, 8),
    gid: parseNumber(block, 116, 8),
    size: parseNumber(block, 124, 12),
    mtime: parseNumber(block, 136, 12),
    typeflag: String.fromCharCode(block[156]!),
    linkname: cstr(block, 157, 100),
    uname: posix || gnu ? cstr(block, 265, 32) : '',
    gname: posix || gnu ? cstr(block, 297, 32) : '',
    devmajor: posix || gnu ? parseNumber(block, 329, 8) : 0,
    devminor: posix || gnu ? parseNumber(block, 337, 8) : 0,
  };
  if (gnu) {
    const atime = parseNumber(block, 345, 12);
    if (atime) header.atime = atime;
    if (header.typeflag === 'S') {
      header.gnuSparse = { map: parseSparseEntries(block, 386, 4), isExtended: block[482] !== 0, realSize: parseNumber(block, 483, 12) };
    }
  }
  return header;
}

/** Old GNU sparse map entries (offset[12], numbytes[12]) starting at `off`; stops at the first empty one. */
export function parseSparseEntries(block: Buffer, off: number, count: number): Array<[number, number]> {
  const map: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const at = off + i * 24;
    if (block[at] === 0) break;
    map.push([parseNumber(block, at, 12), parseNumber(block, at + 12, 12)]);
  }
  return map;
}

/** PAX records "<len> <key>=<value>\n", in order (GNU sparse 0.0 repeats keys). */
export function parsePax(data: Buffer): PaxRecords {
  const records: PaxRecords = [];
  let pos = 0;
  while (pos < data.length && data[pos] !== 0) {
    const space = data.indexOf(0x20, pos);
    const len = space === -1 ? NaN : Number(data.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new CorruptContentError('invalid PAX extended header record');
    }
    const eq = data.indexOf(0x3d, space + 1);
    if (eq === -1 || eq >= pos + len) throw new CorruptContentError('invalid PAX extended header record');
    records.push([data.toString('utf8', space + 1, eq), data.subarray(eq + 1, pos + len - 1)]);
    pos += len;
  }
  return records;
}

export function encodePax(records: PaxRecords): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
    // The length prefix counts itself: grow it until it fits.
    let len = body.length + 1;
    while (String(len).length + body.length > len) len++;
    parts.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(parts);
}

export interface HeaderFields {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

function writeOctal(block: Buffer, off: number, len: number, value: number): boolean {
  const digits = Math.floor(value).toString(8);
  if (value < 0 || digits.length > len - 1) return false;
  block.write(digits.padStart(len - 1, '0'), off, 'latin1');
  block[off + len - 1] = 0;
  return true;
}

function writeString(block: Buffer, off: number, len: number, value: string): boolean {
  const bytes = Buffer.from(value);
  bytes.copy(block, off, 0, Math.min(len, bytes.length));
  return bytes.length <= len;
}

/**
 * A ustar header block. Returns the block and the fields that did not fit (names longer
 * than their field, numbers past octal range), which the caller moves into PAX records.
 */
export function encodeHeader(h: HeaderFields): { block: Buffer; overflow: string[] } {
  const block = Buffer.alloc(BLOCK);
  const overflow: string[] = [];
  if (!writeString(block, 0, 100, h.name)) overflow.push('path');
  writeOctal(block, 100, 8, h.mode & 0o7777);
  if (!writeOctal(block, 108, 8, h.uid)) overflow.push('uid');
  if (!writeOctal(block, 116, 8, h.gid)) overflow.push('gid');
  if (!writeOctal(block, 124, 12, h.size)) overflow.push('size');
  if (!writeOctal(block, 136, 12, h.mtime)) overflow.push('mtime');
  block.write(h.typeflag, 156, 'latin1');
  if (!writeString(block, 157, 100, h.linkname ?? '')) overflow.push('linkpath');
  block.write('ustar\x0000', 257, 'latin1');
  writeOctal(block, 329, 8, h.devmajor ?? 0);
  writeOctal(block, 337, 8, h.devminor ?? 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  block.write(sum.toString(8).padStart(6, '0'), 148, 'latin1');
  block[154] = 0;
  block[155] = 0x20;
  return { block, overflow };
}

export function paddingFor(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
