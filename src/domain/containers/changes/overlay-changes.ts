/**
 * The changes an overlay upper directory holds over its lower layers, as containers/storage's
 * OverlayChanges computes them for `podman diff` (and, per layer, for an image's diff):
 *
 * - a whiteout (0/0 character device, or the xattr form) is `D`;
 * - an opaque directory is `D` when a lower layer had that path (its contents then follow as
 *   new entries);
 * - anything else is `C` when a lower layer has the path (a directory only when its size,
 *   mode or mtime differ) and `A` otherwise, `A` too when a lower layer whited it out;
 * - the parents of an `A` or `D` are listed as `C` ahead of it, once each.
 *
 * Entries come in walk order: depth first, names byte-wise sorted. Lower layers are only
 * ever looked at through real directories, never through a symlink they contain.
 */
import { readdirSync, type BigIntStats } from 'node:fs';
import type { WhiteoutFormat } from '../../../infra/storage/layer/whiteout.ts';
import { lgetxattr } from '../../../infra/sys/fs-syscalls.ts';
import { lstatBig, sameFsTime, sortedNames, type Change } from './change.ts';

export interface OverlayChangesOptions {
  whiteoutFormat: WhiteoutFormat;
}

type Presence = { kind: 'whiteout' } | { kind: 'present'; stat: BigIntStats } | { kind: 'absent' };

export function overlayChanges(upperDir: string, lowerDirs: readonly string[], opts: OverlayChangesOptions): Change[] {
  const prefix = opts.whiteoutFormat === 'overlay-root' ? 'trusted.overlay.' : 'user.overlay.';
  const lowers = new LowerLayers(lowerDirs, prefix);
  const changes: Change[] = [];
  const changedDirs = new Set<string>();

  const visit = (path: string, st: BigIntStats): void => {
    const abs = upperDir + path;
    let kind: Change['kind'] | undefined;
    if (isWhiteout(abs, st, prefix) || (st.isDirectory() && isOpaque(abs, prefix) && lowers.hadBefore(path))) {
      kind = 'D';
    } else {
      kind = lowers.classify(path, st);
      if (kind === undefined) return;
    }
    if (st.isDirectory()) changedDirs.add(path);
    if (kind !== 'C') {
      const parents: Change[] = [];
      for (let p = parentOf(path); p !== '/'; p = parentOf(p)) {
        if (changedDirs.has(p)) continue;
        parents.unshift({ kind: 'C', path: p });
        changedDirs.add(p);
      }
      changes.push(...parents);
    }
    changes.push({ kind, path });
  };

  const walk = (dir: string): void => {
    for (const name of sortedNames(readdirSync(upperDir + dir))) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      const st = lstatBig(upperDir + path);
      if (!st) continue;
      visit(path, st);
      if (st.isDirectory()) walk(path);
    }
  };
  walk('/');
  return changes;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isWhiteout(abs: string, st: BigIntStats, prefix: string): boolean {
  if (st.isCharacterDevice()) return st.rdev === 0n;
  if (!st.isFile() || st.size !== 0n) return false;
  return xattr(abs, `${prefix}whiteout`) !== undefined;
}

function isOpaque(abs: string, prefix: string): boolean {
  return xattr(abs, `${prefix}opaque`) === 'y';
}

function xattr(abs: string, name: string): string | undefined {
  try {
    return lgetxattr(abs, name)?.toString();
  } catch {
    return undefined;
  }
}

/** The lower layers, topmost first, with what each holds at a path (parents checked once and cached). */
class LowerLayers {
  readonly #dirs: readonly string[];
  readonly #prefix: string;
  /** per layer: directory path → whether it is a real directory, a whiteout, or neither */
  readonly #dirKinds: Map<string, 'dir' | 'whiteout' | 'none'>[];

  constructor(dirs: readonly string[], prefix: string) {
    this.#dirs = dirs;
    this.#prefix = prefix;
    this.#dirKinds = dirs.map(() => new Map([['/', 'dir']]));
  }

  /** `A`, `C`, or undefined for a directory that is unchanged. */
  classify(path: string, st: BigIntStats): 'A' | 'C' | undefined {
    for (let i = 0; i < this.#dirs.length; i++) {
      const p = this.#presence(i, path);
      if (p.kind === 'whiteout') return 'A';
      if (p.kind === 'absent') continue;
      const lower = p.stat;
      const sameDir = lower.isDirectory() && st.isDirectory() && lower.size === st.size && lower.mode === st.mode && sameFsTime(lower.mtimeNs, st.mtimeNs);
      return sameDir ? undefined : 'C';
    }
    return 'A';
  }

  /** Whether a lower layer holds the path (not whited out), so an opaque directory there hides something. */
  hadBefore(path: string): boolean {
    for (let i = 0; i < this.#dirs.length; i++) {
      const p = this.#presence(i, path);
      if (p.kind === 'whiteout') return false;
      if (p.kind === 'present') return true;
    }
    return false;
  }

  #presence(layer: number, path: string): Presence {
    const parts = path.split('/').slice(1);
    let dir = '';
    for (const part of parts.slice(0, -1)) {
      dir += `/${part}`;
      const k = this.#dirKind(layer, dir);
      if (k === 'whiteout') return { kind: 'whiteout' };
      if (k === 'none') return { kind: 'absent' };
    }
    const abs = this.#dirs[layer]! + path;
    const st = lstatBig(abs);
    if (!st) return { kind: 'absent' };
    if (isWhiteout(abs, st, this.#prefix)) return { kind: 'whiteout' };
    return { kind: 'present', stat: st };
  }

  #dirKind(layer: number, dir: string): 'dir' | 'whiteout' | 'none' {
    const cache = this.#dirKinds[layer]!;
    let k = cache.get(dir);
    if (k === undefined) {
      const abs = this.#dirs[layer]! + dir;
      const st = lstatBig(abs);
      k = !st ? 'none' : st.isDirectory() ? 'dir' : isWhiteout(abs, st, this.#prefix) ? 'whiteout' : 'none';
      cache.set(dir, k);
    }
    return k;
  }
}
