/**
 * Squashing (`--squash`, `--squash-all`, `--layers=false`): extracted layer directories
 * (overlay's format: whiteouts are 0/0 character devices or marked empty files, opaque
 * directories carry an xattr) merged bottom to top into one directory of the same format,
 * which then becomes a single layer. A whiteout or an opaque mark survives only where the
 * layers the result sits on have something to hide; squashed onto nothing, deletions simply
 * leave the path out. Also the `--timestamp` clamp of a layer's file times.
 */
import {
  chmodSync, constants as fsc, copyFileSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync,
  rmSync, symlinkSync, type Stats,
} from 'node:fs';
import { createWhiteout, isOverlayXattr, type WhiteoutFormat } from '../../infra/storage/layer/whiteout.ts';
import { lgetxattr, llistxattr, lsetxattr, major, minor, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from '../../infra/sys/fs-syscalls.ts';

export interface SquashOptions {
  format: WhiteoutFormat;
  /** whether the layers below the result hold `rel`; undefined when there are none */
  existsBelow?: ((rel: string) => boolean) | undefined;
}

function lstatOrUndefined(p: string): Stats | undefined {
  return lstatSync(p, { throwIfNoEntry: false });
}

class Merger {
  readonly #target: string;
  readonly #opts: SquashOptions;
  readonly #prefix: string;
  /** directory times, from the topmost layer that has the directory; set once all writes are done */
  readonly #dirTimes = new Map<string, Stats>();

  constructor(target: string, opts: SquashOptions) {
    this.#target = target;
    this.#opts = opts;
    this.#prefix = opts.format === 'overlay-root' ? 'trusted.overlay.' : 'user.overlay.';
  }

  merge(dirs: readonly string[]): void {
    for (const dir of dirs) this.#walk(dir, '', new Map());
    const deepestFirst = [...this.#dirTimes].sort(([a], [b]) => b.length - a.length);
    for (const [rel, st] of deepestFirst) {
      const abs = `${this.#target}/${rel}`;
      if (lstatOrUndefined(abs)?.isDirectory()) lutimesSync(abs, st.atime, st.mtime);
    }
  }

  #isWhiteout(abs: string, st: Stats): boolean {
    if (st.isCharacterDevice()) return st.rdev === 0;
    return st.isFile() && st.size === 0 && lgetxattr(abs, `${this.#prefix}whiteout`) !== undefined;
  }

  #walk(layer: string, rel: string, links: Map<string, string>): void {
    for (const name of readdirSync(rel === '' ? layer : `${layer}/${rel}`)) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const src = `${layer}/${childRel}`;
      const dst = `${this.#target}/${childRel}`;
      const st = lstatSync(src);
      const existing = lstatOrUndefined(dst);
      if (this.#isWhiteout(src, st)) {
        if (existing) rmSync(dst, { recursive: true, force: true });
        if (this.#opts.existsBelow?.(childRel)) createWhiteout(dst, rel === '' ? this.#target : `${this.#target}/${rel}`, this.#opts.format);
        continue;
      }
      if (st.isDirectory()) {
        const opaque = lgetxattr(src, `${this.#prefix}opaque`)?.toString() === 'y';
        if (existing && (!existing.isDirectory() || opaque)) rmSync(dst, { recursive: true, force: true });
        if (!existing || !existing.isDirectory() || opaque) mkdirSync(dst);
        this.#copyMeta(src, dst, st);
        if (opaque && this.#opts.existsBelow?.(childRel)) lsetxattr(dst, `${this.#prefix}opaque`, Buffer.from('y'));
        this.#dirTimes.set(childRel, st);
        this.#walk(layer, childRel, links);
        continue;
      }
      if (existing) rmSync(dst, { recursive: true, force: true });
      this.#copyEntry(src, dst, st, links);
    }
  }

  #copyEntry(src: string, dst: string, st: Stats, links: Map<string, string>): void {
    if (st.isSocket()) return;
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? links.get(key) : undefined;
    if (first !== undefined && lstatOrUndefined(first)) {
      linkSync(first, dst);
      return;
    }
    if (st.isFile()) copyFileSync(src, dst, fsc.COPYFILE_FICLONE);
    else if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      const type = st.isCharacterDevice() ? S_IFCHR : st.isBlockDevice() ? S_IFBLK : S_IFIFO;
      mknod(dst, type | (st.mode & 0o7777), major(st.rdev), minor(st.rdev));
    }
    if (st.nlink > 1) links.set(key, dst);
    this.#copyMeta(src, dst, st);
    lutimesSync(dst, st.atime, st.mtime);
  }

  /** Owner, mode and xattrs (overlay's own left out); chown first, as it clears set-id bits. */
  #copyMeta(src: string, dst: string, st: Stats): void {
    lchownSync(dst, st.uid, st.gid);
    if (!st.isSymbolicLink()) chmodSync(dst, st.mode & 0o7777);
    for (const name of llistxattr(src)) {
      if (isOverlayXattr(name)) continue;
      const value = lgetxattr(src, name);
      if (value !== undefined) lsetxattr(dst, name, value);
    }
  }
}

/** Merges the layer directories, lowest first, into the empty directory `target`. */
export function mergeLayerDirs(dirs: readonly string[], target: string, opts: SquashOptions): void {
  new Merger(target, opts).merge(dirs);
}

/** Sets every entry's access and modification time under `dir` (not `dir` itself) to `seconds`. */
export function clampTimes(dir: string, seconds: number): void {
  for (const name of readdirSync(dir)) {
    const abs = `${dir}/${name}`;
    if (lstatSync(abs).isDirectory()) clampTimes(abs, seconds);
    lutimesSync(abs, seconds, seconds);
  }
}
