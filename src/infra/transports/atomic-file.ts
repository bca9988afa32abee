/**
 * Writing output files so that a reader never sees half of one: write under a temporary
 * name in the same directory, rename into place, and remove the temporary file on failure.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/** A fresh temporary path in `dir`. */
export function tempName(dir: string, base = ''): string {
  return join(dir, `${base ? `${base}.` : '.'}tmp-${randomBytes(6).toString('hex')}`);
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Writes `bytes` to `path` through a temporary name in `dir` (path's directory). */
export async function writeFileAtomic(path: string, bytes: Buffer, dir = dirname(path)): Promise<void> {
  const tmp = tempName(dir);
  try {
    await writeFile(tmp, bytes, { flag: 'wx', mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Runs `write` with a stream to `path.tmp-XXXX` and renames that to `path` once `write` has
 * resolved and the data is flushed; on failure the temporary file is removed and `path` is
 * untouched. `write` may end the stream (the archive writers do) or leave it to this
 * function. A `path` that exists and is not a regular file (/dev/stdout, a FIFO) is written
 * in place, since renaming over it would replace the device node instead.
 */
export async function writeArchiveFile(path: string, write: (out: Writable) => Promise<void>): Promise<void> {
  let inPlace = false;
  try {
    inPlace = !(await stat(path)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const target = inPlace ? path : tempName(dirname(path), basename(path));
  const out = createWriteStream(target, inPlace ? { flags: 'w' } : { flags: 'wx', mode: 0o644 });
  // A write error is reported by finished() below; this keeps it from being thrown at the process.
  out.on('error', () => {});
  try {
    await once(out, 'open');
    await write(out);
    if (!out.writableEnded) out.end();
    await finished(out);
    if (!inPlace) await rename(target, path);
  } catch (err) {
    out.destroy();
    if (!inPlace) await rm(target, { force: true });
    throw err;
  }
}
