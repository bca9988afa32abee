/**
 * OCI whiteouts (".wh.NAME", ".wh..wh..opq") turned into what overlayfs reads in a lower
 * layer (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories"):
 *
 * - overlay-root: a 0/0 character device named NAME; opaque directories carry
 *   trusted.overlay.opaque=y.
 * - overlay-user (overlay mounted with "userxattr", as in a user namespace): opaque
 *   directories carry user.overlay.opaque=y. Whiteouts are still 0/0 character devices
 *   where possible: since Linux 5.8 mknod of a 0/0 device needs no privilege (the kernel
 *   special-cases whiteouts), and every overlay honours them. Only if mknod is refused is
 *   the kernel's other form used (Linux ≥ 6.7): an empty regular file with the xattr
 *   user.overlay.whiteout, its directory marked user.overlay.opaque=x so that overlayfs
 *   looks for such files.
 */
import { writeFileSync } from 'node:fs';
import { lgetxattr, lsetxattr, mknod, S_IFCHR } from '../../sys/fs-syscalls.ts';
import { SyscallError } from '../../sys/libc.ts';

export type WhiteoutFormat = 'overlay-root' | 'overlay-user';

export const WHITEOUT_PREFIX = '.wh.';
/** ".wh..wh." names are aufs bookkeeping, except the opaque marker. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';

const EPERM = 1;

function xattrPrefix(format: WhiteoutFormat): string {
  return format === 'overlay-root' ? 'trusted.overlay.' : 'user.overlay.';
}

/** True for xattrs overlayfs interprets: an archive must not set them directly. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.');
}

export function markOpaque(dir: string, format: WhiteoutFormat): void {
  lsetxattr(dir, `${xattrPrefix(format)}opaque`, Buffer.from('y'));
}

/** Creates a whiteout at `path` (which must not exist) in directory `dir`. */
export function createWhiteout(path: string, dir: string, format: WhiteoutFormat): void {
  try {
    mknod(path, S_IFCHR, 0, 0);
  } catch (err) {
    if (!(err instanceof SyscallError && err.errno === EPERM)) throw err;
    createXattrWhiteout(path, dir, format);
  }
}

/** The regular-file whiteout form (Linux ≥ 6.7). */
export function createXattrWhiteout(path: string, dir: string, format: WhiteoutFormat): void {
  const prefix = xattrPrefix(format);
  writeFileSync(path, '', { flag: 'wx', mode: 0o600 });
  lsetxattr(path, `${prefix}whiteout`, Buffer.from('y'));
  if (lgetxattr(dir, `${prefix}opaque`)?.toString() !== 'y') lsetxattr(dir, `${prefix}opaque`, Buffer.from('x'));
}
