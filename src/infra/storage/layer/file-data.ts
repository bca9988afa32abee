/**
 * Writing an entry's data into an open file: batched writev for ordinary files, positioned
 * writes plus a final truncate for sparse ones (so holes stay holes).
 */
import { ftruncateSync, writeSync, writevSync } from 'node:fs';
import type { SparseInfo } from './sparse.ts';
import type { TarReader } from './tar-reader.ts';

/** Data is gathered up to this many bytes per write call. */
const BATCH_BYTES = 1 << 20;

function writeAt(fd: number, buf: Buffer, position: number | null): void {
  let done = 0;
  while (done < buf.length) {
    done += writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
  }
}

function writeAll(fd: number, parts: Buffer[], total: number): void {
  let skip = parts.length === 1 ? 0 : writevSync(fd, parts);
  if (skip === total) return;
  // A single buffer, or a short writev (rare for regular files): finish piece by piece.
  for (const part of parts) {
    if (skip >= part.length) {
      skip -= part.length;
      continue;
    }
    writeAt(fd, part.subarray(skip), null);
    skip = 0;
  }
}

export async function writeData(fd: number, reader: TarReader): Promise<void> {
  let parts: Buffer[] = [];
  let bytes = 0;
  for (let b = await reader.readData(); b; b = await reader.readData()) {
    parts.push(b);
    bytes += b.length;
    if (bytes >= BATCH_BYTES) {
      writeAll(fd, parts, bytes);
      parts = [];
      bytes = 0;
    }
  }
  if (bytes > 0) writeAll(fd, parts, bytes);
}

export async function writeSparseData(fd: number, reader: TarReader, sparse: SparseInfo): Promise<void> {
  let extent = 0;
  let within = 0;
  for (let b = await reader.readData(); b; b = await reader.readData()) {
    let off = 0;
    while (off < b.length) {
      while (within === sparse.map[extent]![1]) {
        extent++;
        within = 0;
      }
      const [start, len] = sparse.map[extent]!;
      const n = Math.min(len - within, b.length - off);
      writeAt(fd, b.subarray(off, off + n), start + within);
      within += n;
      off += n;
    }
  }
  ftruncateSync(fd, sparse.realSize);
}
