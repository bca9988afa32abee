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
