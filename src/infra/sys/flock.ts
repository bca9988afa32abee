/**
 * Advisory file locks (flock(2)): held by an open descriptor, released by the kernel when
 * the process dies, so a kill -9 never leaves a container locked.
 */
import fs from 'node:fs';
import { libcFunc, lastErrno, SyscallError } from './libc.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EINTR = 4;
const EWOULDBLOCK = 11;

export class FileLock {
  readonly #fd: number;
  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Blocks until the lock on `path` (created if missing) is held exclusively. */
  static acquire(path: string): FileLock {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    const flock = libcFunc('int flock(int fd, int op)');
    for (;;) {
      if (flock(fd, LOCK_EX) === 0) return new FileLock(fd);
      const errno = lastErrno();
      if (errno !== EINTR) {
        fs.closeSync(fd);
        throw new SyscallError('flock', errno, path);
      }
    }
  }

  /** The lock on `path` (created if missing) when no one else holds it, else undefined. */
  static tryAcquire(path: string): FileLock | undefined {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    const flock = libcFunc('int flock(int fd, int op)');
    for (;;) {
      if (flock(fd, LOCK_EX | LOCK_NB) === 0) return new FileLock(fd);
      const errno = lastErrno();
      if (errno === EINTR) continue;
      fs.closeSync(fd);
      if (errno === EWOULDBLOCK) return undefined;
      throw new SyscallError('flock', errno, path);
    }
  }

  release(): void {
    libcFunc('int flock(int fd, int op)')(this.#fd, LOCK_UN);
    fs.closeSync(this.#fd);
  }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = FileLock.acquire(path);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
