/**
 * Whether a file descriptor is a terminal, without Node's tty module for the common answer
 * "no": node:tty loads node:net and the stream classes (~2–4 ms), which commands such as
 * `run` would otherwise pay on every start just to learn that stdin is /dev/null or a pipe.
 */
import { fstatSync } from 'node:fs';

/** Linux's memory character devices (/dev/null, /dev/zero, /dev/urandom, …): never terminals. */
const memDevicesMajor = 1;

export function isTerminal(fd: number): boolean {
  let st;
  try {
    st = fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice()) return false;
  if (Math.floor(st.rdev / 256) % 4096 === memDevicesMajor) return false;
  return process.getBuiltinModule('node:tty').isatty(fd);
}
