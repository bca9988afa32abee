/**
 * File-system syscalls Node lacks: mknod (device nodes, fifos, overlay whiteouts) and the
 * l*xattr family, which never follow a final symlink. All are synchronous koffi calls;
 * failures throw SyscallError carrying errno.
 */
import { lastErrno, libcFunc, SyscallError } from './libc.ts';

export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** glibc's makedev(): 12 low bits of major at 8..19, the rest above bit 32; minor split around them. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** glibc's major() of a dev_t (as fs.Stats.rdev gives it). */
export function major(dev: number): number {
  const d = BigInt(dev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
}

/** glibc's minor() of a dev_t. */
export function minor(dev: number): number {
  const d = BigInt(dev);
  return Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
}

/** `mode` holds the file type (S_IFCHR, S_IFBLK, S_IFIFO) and the permission bits (umask applies). */
export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  const f = libcFunc('int mknod(const char *path, uint32_t mode, uint64_t dev)');
  if ((f(path, mode, makedev(major, minor)) as number) !== 0) throw new SyscallError('mknod', lastErrno(), path);
}

export function lsetxattr(path: string, name: string, value: Buffer): void {
  const f = libcFunc('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)');
  if ((f(path, name, value, value.length, 0) as number) !== 0) throw new SyscallError('lsetxattr', lastErrno(), `${path} ${name}`);
}

/** Like lsetxattr, on an open descriptor (no path lookup at all). */
export function fsetxattr(fd: number, name: string, value: Buffer): void {
  const f = libcFunc('int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)');
  if ((f(fd, name, value, value.length, 0) as number) !== 0) throw new SyscallError('fsetxattr', lastErrno(), name);
}

const ENODATA = 61;
const ERANGE = 34;

/** The attribute's value, or undefined when the file has no such attribute. */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const f = libcFunc('intptr_t lgetxattr(const char *path, const char *name, void *value, size_t size)');
  for (;;) {
    const size = f(path, name, null, 0) as number;
    if (size < 0) {
      const errno = lastErrno();
      if (errno === ENODATA) return undefined;
      throw new SyscallError('lgetxattr', errno, `${path} ${name}`);
    }
    const buf = Buffer.alloc(size);
    if (size === 0) return buf;
    const n = f(path, name, buf, size) as number;
    if (n >= 0) return buf.subarray(0, n);
    const errno = lastErrno();
    // The value grew between the two calls: ask for its size again.
    if (errno !== ERANGE) throw new SyscallError('lgetxattr', errno, `${path} ${name}`);
  }
}

export function llistxattr(path: string): string[] {
  const f = libcFunc('intptr_t llistxattr(const char *path, char *list, size_t size)');
  for (;;) {
    const size = f(path, null, 0) as number;
    if (size < 0) throw new SyscallError('llistxattr', lastErrno(), path);
    if (size === 0) return [];
    const buf = Buffer.alloc(size);
    const n = f(path, buf, size) as number;
    if (n >= 0) return buf.subarray(0, n).toString('utf8').split('\0').filter((s) => s !== '');
    const errno = lastErrno();
    if (errno !== ERANGE) throw new SyscallError('llistxattr', errno, path);
  }
}

export function lremovexattr(path: string, name: string): void {
  const f = libcFunc('int lremovexattr(const char *path, const char *name)');
  if ((f(path, name) as number) !== 0) throw new SyscallError('lremovexattr', lastErrno(), `${path} ${name}`);
}
