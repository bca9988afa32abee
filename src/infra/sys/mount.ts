/**
 * mount(2) and umount2(2) through koffi. Flags are the kernel's MS_* and MNT_* bits; `data`
 * is the file system's option string (for overlay: "lowerdir=…,upperdir=…,workdir=…"),
 * which the kernel limits to one page.
 */
import { lastErrno, libcFunc, SyscallError } from './libc.ts';

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_NOATIME = 0x400;
export const MS_BIND = 0x1000;
export const MS_MOVE = 0x2000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_SHARED = 0x100000;
export const MS_RELATIME = 0x200000;

export const MNT_FORCE = 0x1;
export const MNT_DETACH = 0x2;
export const MNT_EXPIRE = 0x4;
export const UMOUNT_NOFOLLOW = 0x8;

export function mount(source: string, target: string, fstype: string, flags: number, data: string): void {
  const f = libcFunc('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
  if ((f(source, target, fstype, flags, data === '' ? null : data) as number) !== 0) {
    throw new SyscallError(`mount ${fstype}`, lastErrno(), target);
  }
}

export function umount2(target: string, flags = 0): void {
  const f = libcFunc('int umount2(const char *target, int flags)');
  if ((f(target, flags) as number) !== 0) throw new SyscallError('umount2', lastErrno(), target);
}
