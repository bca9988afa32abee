/**
 * Path discipline for writing an archive into a directory: nothing may land outside it.
 *
 * Entry names are normalised lexically ("/abs" loses its slash, "a/../b" becomes "b", a
 * ".." that climbs above the root is refused), and every parent directory of an entry is
 * checked with lstat, one component at a time from the root, before anything is created
 * in it: a symbolic link there is refused (PathEscapeError), whatever it points to, so a
 * link planted by an earlier entry ("a -> /etc", then "a/passwd") is never followed. Final
 * components are created with calls that do not follow links (O_EXCL, mkdir, symlink,
 * link, mknod). Directories known to be real are cached; the cache is only valid because
 * this process is the only writer of the tree while a layer is applied. Calls are
 * synchronous for speed (see entry-writer.ts).
 */
import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { CorruptContentError, PathEscapeError } from '../../../define/errors.ts';

/** The entry name as a path relative to the layer root ('' is the root itself). */
export function normalizeEntryPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.pop() === undefined) throw new PathEscapeError(`${JSON.stringify(name)}: path leaves the layer directory`);
  }
  return out.join('/');
}

export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

export function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export class LayerTree {
  readonly root: string;
  readonly #dirs = new Set<string>(['']);
  readonly #onCreateDir: (abs: string) => void;

  /** `root` must be an absolute, symlink-free path; `onCreateDir` sets up directories made for missing parents. */
  constructor(root: string, onCreateDir: (abs: string) => void) {
    this.root = root;
    this.#onCreateDir = onCreateDir;
  }

  abs(rel: string): string {
    return rel === '' ? this.root : `${this.root}/${rel}`;
  }

  /** Makes sure every parent of `rel` is a real directory, creating missing ones (0755). */
  ensureParent(rel: string, entryName: string): void {
    const parent = parentOf(rel);
    if (!this.#dirs.has(parent)) this.#walk(parent, entryName, true);
  }

  /** lstat of an existing `rel` reached through real directories only; undefined if missing. */
  lstatInside(rel: string, entryName: string): Stats | undefined {
    const parent = parentOf(rel);
    if (!this.#dirs.has(parent) && !this.#walk(parent, entryName, false)) return undefined;
    return lstatOrUndefined(this.abs(rel));
  }

  markDir(rel: string): void {
    this.#dirs.add(rel);
  }

  /** Drops `rel` and everything below it from the cache, before it is removed. */
  forget(rel: string): void {
    this.#dirs.delete(rel);
    const prefix = `${rel}/`;
    for (const d of this.#dirs) if (d.startsWith(prefix)) this.#dirs.delete(d);
  }

  #walk(dir: string, entryName: string, create: boolean): boolean {
    let cur = '';
    for (const part of dir.split('/')) {
      cur = cur === '' ? part : `${cur}/${part}`;
      if (this.#dirs.has(cur)) continue;
      const abs = this.abs(cur);
      const st = lstatOrUndefined(abs);
      if (!st) {
        if (!create) return false;
        mkdirSync(abs);
        chmodSync(abs, 0o755);
        this.#onCreateDir(abs);
      } else if (st.isSymbolicLink()) {
        throw new PathEscapeError(`${JSON.stringify(entryName)}: refusing to follow the symbolic link ${JSON.stringify(cur)} in its path`);
      } else if (!st.isDirectory()) {
        throw new CorruptContentError(`${JSON.stringify(entryName)}: ${JSON.stringify(cur)} in its path is not a directory`);
      }
      this.#dirs.add(cur);
    }
    return true;
  }
}
