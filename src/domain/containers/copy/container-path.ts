/**
 * Paths inside a container, resolved the way the container itself would see them, as if
 * chrooted: symbolic links are followed one component at a time by reading them (never by
 * letting the kernel follow them), an absolute link target starts again at the container's
 * root, and `..` stops at the root. So a path can only ever name something under the
 * container's root (or under one of its mounts' sources), whatever links the container holds.
 *
 * The root is the container's root file system as the host sees it: `/proc/PID/root` of a
 * running container (its mounts included), or the rootfs mounted for the occasion, with the
 * container's bind mounts and volumes listed in `mounts` so that paths under them are found
 * at their sources.
 */
import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';

export interface ContainerMountSource {
  /** where it appears in the container */
  destination: string;
  /** where that is on the host */
  source: string;
}

export interface ContainerFs {
  root: string;
  mounts?: readonly ContainerMountSource[];
}

export interface ResolvedContainerPath {
  /** the canonical path in the container: absolute, no symlinks, no `.` or `..` */
  path: string;
  /** the same place on the host */
  hostPath: string;
  /** lstat of hostPath (never a symlink: the last link was followed); undefined when nothing is there */
  stat: Stats | undefined;
  /** whether the parent directory exists (always true when `stat` is set) */
  parentExists: boolean;
}

/** Linux's limit on the symlinks followed in one lookup. */
const MAX_LINKS = 40;

export function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

export function joinContainerPath(parts: readonly string[]): string {
  return `/${parts.join('/')}`;
}

/** Where a canonical container path is on the host: under the deepest mount that holds it, else under the root. */
export function hostPathOf(fs: ContainerFs, path: string): string {
  let best: ContainerMountSource | undefined;
  for (const m of fs.mounts ?? []) {
    const dest = joinContainerPath(splitPath(m.destination));
    const inside = dest === '/' || path === dest || path.startsWith(`${dest}/`);
    if (inside && (!best || dest.length > joinContainerPath(splitPath(best.destination)).length)) best = m;
  }
  if (!best) return path === '/' ? fs.root : fs.root.replace(/\/$/, '') + path;
  const dest = joinContainerPath(splitPath(best.destination));
  const rest = dest === '/' ? path : path.slice(dest.length);
  return rest === '' || rest === '/' ? best.source : best.source.replace(/\/$/, '') + rest;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Resolves `path` (absolute, or relative to `cwd`, itself a container path) following every
 * symlink, the last one included. When the path does not exist, the result names where it
 * would be created: the resolved parent plus the last component (or the target of a
 * dangling symlink).
 */
export function resolveInContainer(fs: ContainerFs, path: string, cwd = '/'): ResolvedContainerPath {
  const pending = splitPath(path.startsWith('/') ? path : `${cwd}/${path}`);
  const cur: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '..') {
      cur.pop();
      continue;
    }
    const candidate = joinContainerPath([...cur, part]);
    const hostPath = hostPathOf(fs, candidate);
    const st = lstatOrUndefined(hostPath);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new InvalidArgumentError(`${path}: too many levels of symbolic links`);
      const target = readlinkSync(hostPath);
      if (target.startsWith('/')) cur.length = 0;
      pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
      continue;
    }
    if (!st) {
      const rest = pending.filter((p) => p !== '..');
      const missing = joinContainerPath([...cur, part, ...rest]);
      return { path: missing, hostPath: hostPathOf(fs, missing), stat: undefined, parentExists: rest.length === 0 };
    }
    if (!st.isDirectory() && pending.length > 0) {
      const missing = joinContainerPath([...cur, part, ...pending]);
      return { path: missing, hostPath: hostPathOf(fs, missing), stat: undefined, parentExists: false };
    }
    cur.push(part);
  }
  const resolved = joinContainerPath(cur);
  const hostPath = hostPathOf(fs, resolved);
  // The root may be the magic link /proc/PID/root, which only stat follows.
  return { path: resolved, hostPath, stat: cur.length === 0 ? statSync(hostPath) : lstatSync(hostPath), parentExists: true };
}
