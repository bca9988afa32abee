/**
 * GNU sparse files, in the three encodings GNU tar writes: the old GNU header map (type 'S',
 * with continuation blocks), PAX 0.0/0.1 (map in PAX records) and PAX 1.0 (map in decimal at
 * the start of the entry's data). The stored data is the concatenation of the map's
 * extents; everything else of the file is a hole.
 */
import { CorruptContentError } from '../../../define/errors.ts';
import type { PaxRecords } from './tar-header.ts';

export interface SparseInfo {
  /** Apparent size of the file. */
  realSize: number;
  /** [offset, length] data extents, ascending. */
  map: Array<[number, number]>;
}

function num(text: string, what: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 0 || text.trim() === '') throw new CorruptContentError(`invalid sparse file ${what}: ${JSON.stringify(text)}`);
  return v;
}

/** What the PAX records say about sparseness: a complete map (0.0, 0.1) or a map to read from the data (1.0). */
export function paxSparse(records: Map<string, string>, ordered: PaxRecords): { info?: SparseInfo; mapInData?: number; name?: string } {
  const major = records.get('GNU.sparse.major');
  const minor = records.get('GNU.sparse.minor');
  const name = records.get('GNU.sparse.name');
  if (major === '1' && minor === '0') {
    return { mapInData: num(records.get('GNU.sparse.realsize') ?? '', 'size'), ...(name !== undefined ? { name } : {}) };
  }
  const size = records.get('GNU.sparse.size');
  if (size === undefined) return {};
  const realSize = num(size, 'size');
  const map: Array<[number, number]> = [];
  const text = records.get('GNU.sparse.map');
  if (text !== undefined) {
    const parts = text === '' ? [] : text.split(',');
    if (parts.length % 2) throw new CorruptContentError('invalid sparse file map: odd number of values');
    for (let i = 0; i < parts.length; i += 2) map.push([num(parts[i]!, 'offset'), num(parts[i + 1]!, 'length')]);
  } else {
    let offset: number | undefined;
    for (const [key, value] of ordered) {
      if (key === 'GNU.sparse.offset') offset = num(value.toString(), 'offset');
      else if (key === 'GNU.sparse.numbytes') {
        if (offset === undefined) throw new CorruptContentError('invalid sparse file map: length without offset');
        map.push([offset, num(value.toString(), 'length')]);
        offset = undefined;
      }
    }
  }
  return { info: { realSize, map }, ...(name !== undefined ? { name } : {}) };
}

/**
 * Parses the PAX 1.0 map at the start of the data: "<count>\n" then count pairs of
 * "<offset>\n<length>\n", padded to a block. Returns undefined while `text` is incomplete.
 */
export function parseDataMap(text: string): Array<[number, number]> | undefined {
  const lines = text.split('\n');
  if (lines.length < 2) return undefined;
  const count = num(lines[0]!, 'map count');
  if (lines.length < 2 + count * 2) return undefined;
  const map: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) map.push([num(lines[1 + i * 2]!, 'offset'), num(lines[2 + i * 2]!, 'length')]);
  return map;
}

/** Checks the map against the stored data size and the real size. */
export function validateSparse(info: SparseInfo, storedSize: number): void {
  let end = 0;
  let total = 0;
  for (const [off, len] of info.map) {
    if (off < end || off + len > info.realSize) throw new CorruptContentError('invalid sparse file map: extents overlap or pass the end');
    end = off + len;
    total += len;
  }
  if (total !== storedSize) throw new CorruptContentError(`invalid sparse file map: ${total} bytes mapped, ${storedSize} stored`);
}
