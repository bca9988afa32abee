/**
 * The CLI's own output, written straight to fd 1 and 2. process.stdout is a stream whose first
 * use loads stream and tty or socket code (~3 ms of `ps`), while on Linux Node writes these
 * fds synchronously anyway, so a writeSync loop prints the same in the same order. A
 * non-blocking fd that is full (EAGAIN) hands this and every later write to the stream, which
 * waits; a reader that went away (EPIPE) gets nothing more, as with a closed pipe.
 */
import { writeSync } from 'node:fs';

const viaStream = new Set<1 | 2>();
const closed = new Set<1 | 2>();

export function writeOut(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  if (viaStream.has(fd)) {
    (fd === 1 ? process.stdout : process.stderr).write(text);
    return;
  }
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        closed.add(fd);
        return;
      }
      if (code !== 'EAGAIN') throw err;
      viaStream.add(fd);
      (fd === 1 ? process.stdout : process.stderr).write(rest);
      return;
    }
  }
}
