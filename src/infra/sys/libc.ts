/**
 * The one place skiff binds libc through koffi, for syscalls Node lacks (mknod, xattrs,
 * mount, flock, SEQPACKET sockets, …). koffi is loaded on first use only; commands that never
 * need a raw syscall never pay for it.
 */
import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

let koffiModule: Koffi | undefined;
let libcLib: ReturnType<Koffi['load']> | undefined;

export function koffi(): Koffi {
  if (!koffiModule) {
    const require = createRequire(import.meta.url);
    koffiModule = nativeKoffi(require) ?? (require('koffi') as Koffi);
  }
  return koffiModule;
}

/**
 * koffi's native addon, opened directly (~1 ms). Its JavaScript entry takes ~7 ms more to
 * probe the platform and add deprecation shims skiff never calls, and every `run`, `start`
 * and `rm` needs koffi for flock and mount. Undefined when the platform package is not where
 * npm puts it; the entry then finds the addon itself.
 */
function nativeKoffi(require: NodeJS.Require): Koffi | undefined {
  let file: string;
  try {
    file = require.resolve(`@koromix/koffi-${process.platform}-${process.arch}/${process.platform}_${process.arch}/koffi.node`);
  } catch {
    return undefined;
  }
  const addon = { exports: {} as Koffi };
  process.dlopen(addon, file);
  return addon.exports;
}

export function libc(): ReturnType<Koffi['load']> {
  libcLib ??= koffi().load('libc.so.6');
  return libcLib;
}

const funcs = new Map<string, (...args: unknown[]) => unknown>();

/** A libc function by its C prototype, bound once. */
export function libcFunc(prototype: string): (...args: unknown[]) => unknown {
  let f = funcs.get(prototype);
  if (!f) {
    f = libc().func(prototype) as (...args: unknown[]) => unknown;
    funcs.set(prototype, f);
  }
  return f;
}

/** errno of the last failed call on this thread, as a Node-style error code name. */
export function lastErrno(): number {
  return koffi().errno();
}

export class SyscallError extends Error {
  readonly errno: number;
  readonly syscall: string;
  constructor(syscall: string, errno: number, path?: string) {
    super(`${syscall}${path ? ` ${path}` : ''}: ${errnoName(errno)}`);
    this.errno = errno;
    this.syscall = syscall;
  }
}

const names: Record<number, string> = {
  1: 'operation not permitted', 2: 'no such file or directory', 13: 'permission denied', 16: 'device or resource busy',
  17: 'file exists', 20: 'not a directory', 21: 'is a directory', 22: 'invalid argument', 28: 'no space left on device',
  30: 'read-only file system', 61: 'no data available', 95: 'operation not supported', 111: 'connection refused',
};

export function errnoName(errno: number): string {
  return names[errno] ?? `errno ${errno}`;
}
