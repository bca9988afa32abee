/**
 * The events log file Podman's `file` events backend writes: one JSON object per line, each
 * appended by one O_APPEND write, so lines from concurrent skiff processes never interleave.
 * A reader takes complete lines only; a line still being written is read next time.
 */
import fs from 'node:fs';
import path from 'node:path';

export function appendEventLine(file: string, line: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
  try {
    fs.writeSync(fd, `${line}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The complete lines from `offset` on, and where the next read starts. */
export function readEventLines(file: string, offset = 0): { lines: string[]; next: number } {
  let data: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return { lines: [], next: size < offset ? 0 : offset };
      data = Buffer.alloc(size - offset);
      fs.readSync(fd, data, 0, data.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], next: 0 };
    throw err;
  }
  const end = data.lastIndexOf(10) + 1;
  const lines = data.subarray(0, end).toString('utf8').split('\n').filter((l) => l !== '');
  return { lines, next: offset + end };
}

export function eventLogSize(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * Keeps the newer half of the log (from a line boundary), as Podman's events_logfile_max_size
 * rotation does: the kept lines are written to a new file renamed over the log, so a reader
 * sees the old log or the new one. Returns false when another process rotated first. Lines
 * appended by others while this copies are lost: appends take no lock, so events cost one
 * write each.
 */
export async function rotateEventLog(file: string, maxSize: number): Promise<boolean> {
  const { FileLock } = await import('../sys/flock.ts');
  const lock = FileLock.acquire(`${file}.lock`);
  try {
    if (eventLogSize(file) <= maxSize) return false;
    const data = fs.readFileSync(file);
    const from = data.indexOf(10, Math.floor(data.length / 2)) + 1;
    const tmp = `${file}.rotating`;
    fs.writeFileSync(tmp, data.subarray(from), { mode: 0o600 });
    fs.renameSync(tmp, file);
    return true;
  } finally {
    lock.release();
  }
}
