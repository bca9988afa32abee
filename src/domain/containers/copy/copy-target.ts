/**
 * Where `cp` writes: a directory on the host, or one inside a container. Both hand out the
 * host path of a directory below the destination, creating missing ones (0755, owned as the
 * copy's files are). Inside a container the path is resolved as if chrooted
 * (container-path.ts), so neither `..` nor a symlink the container holds can lead the copy
 * out of it; a result is cached, as this process is the copy's only writer.
 */
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SkiffError } from '../../../define/errors.ts';
import { resolveInContainer, type ContainerFs } from './container-path.ts';

export interface CopyTarget {
  /** the host path of directory `rel` below the destination ('' is the destination itself) */
  dir(rel: string): string;
}

export interface Owner {
  uid: number;
  gid: number;
}

export function hostTarget(destDir: string, owner?: Owner): CopyTarget {
  return {
    dir(rel) {
      const abs = rel === '' ? destDir : join(destDir, rel);
      const created = mkdirSync(abs, { recursive: true, mode: 0o755 });
      if (created !== undefined && owner) chownTree(created, abs, owner);
      return abs;
    },
  };
}

function chownTree(first: string, last: string, owner: Owner): void {
  for (let p = last; p.length >= first.length; p = join(p, '..')) chownSync(p, owner.uid, owner.gid);
}

/** `containerDir` is a path in the container (already resolved or not). */
export function containerTarget(fs: ContainerFs, containerDir: string, owner?: Owner): CopyTarget {
  const cache = new Map<string, string>();
  const ensure = (path: string, depth: number): string => {
    const cached = cache.get(path);
    if (cached !== undefined) return cached;
    if (depth > 255) throw new SkiffError(`${path}: too many levels of directories`);
    let r = resolveInContainer(fs, path);
    if (!r.stat) {
      if (!r.parentExists) ensure(path.replace(/\/[^/]*\/?$/, '') || '/', depth + 1);
      r = resolveInContainer(fs, path);
      if (!r.stat && r.parentExists) {
        mkdirSync(r.hostPath, { mode: 0o755 });
        if (owner) chownSync(r.hostPath, owner.uid, owner.gid);
        r = resolveInContainer(fs, path);
      }
    }
    if (!r.stat?.isDirectory()) throw new SkiffError(`copier: put: "${r.path}" is not a directory`);
    cache.set(path, r.hostPath);
    return r.hostPath;
  };
  const base = containerDir.startsWith('/') ? containerDir : `/${containerDir}`;
  return { dir: (rel) => ensure(rel === '' ? base : `${base.replace(/\/$/, '')}/${rel}`, 0) };
}
