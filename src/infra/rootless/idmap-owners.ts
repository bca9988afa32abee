/**
 * File owners moved between a container's ids and the ids its user namespace maps them to,
 * where idmapped mounts are not possible (rootless, old kernels): a copy of the image with
 * every owner shifted, as containers/storage makes when it cannot idmap a mount. Also the
 * highest owner in a tree, for sizing `--userns=auto`.
 */
import { chmodSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UnmappedIdError } from '../../define/errors.ts';
import { requireProgram } from './program-path.ts';

/** Where an owner goes: undefined when the mapping has no place for it. */
export type IdShift = (id: number) => number | undefined;

/**
 * Copies `src` (a mounted image) to `dest` and re-owns every entry by `uid`/`gid`. An owner
 * the mapping cannot show is an UnmappedIdError naming the file and the id.
 */
export function copyShifted(src: string, dest: string, uid: IdShift, gid: IdShift, describe: string): void {
  const cp = requireProgram('cp', 'coreutils');
  process.getBuiltinModule('node:child_process').execFileSync(cp, ['-a', '--preserve=all', '--', `${src}/.`, dest], { stdio: ['ignore', 'ignore', 'pipe'] });
  shiftTree(dest, '', { uid, gid, describe, seen: new Set() });
}

interface ShiftContext {
  uid: IdShift;
  gid: IdShift;
  /** the mapping in words, for errors */
  describe: string;
  /** inodes already shifted: a hard link must not move twice */
  seen: Set<string>;
}

function shiftTree(root: string, rel: string, ctx: ShiftContext): void {
  const path = rel === '' ? root : join(root, rel);
  const st = lstatSync(path);
  const key = `${st.dev}:${st.ino}`;
  if (st.nlink > 1 && !st.isDirectory()) {
    if (ctx.seen.has(key)) return;
    ctx.seen.add(key);
  }
  const uid = ctx.uid(st.uid);
  const gid = ctx.gid(st.gid);
  if (uid === undefined || gid === undefined) {
    const [kind, id] = uid === undefined ? ['uid', st.uid] : ['gid', st.gid];
    throw new UnmappedIdError(`/${rel} in the image is owned by ${kind} ${id}, which the container's user namespace (${ctx.describe}) does not map: container ID ${id} cannot be mapped to a host ID`);
  }
  lchownSync(path, uid, gid);
  // chown drops setuid/setgid: put the mode back (never through a symlink).
  if (!st.isSymbolicLink() && (st.mode & 0o6000) !== 0) chmodSync(path, st.mode & 0o7777);
  if (st.isDirectory()) for (const name of readdirSync(path)) shiftTree(root, rel === '' ? name : `${rel}/${name}`, ctx);
}

/** The highest uid or gid owning anything under the directories, +1 (0 for none). */
export function ownerIdSize(dirs: readonly string[]): number {
  let size = 0;
  const walk = (path: string) => {
    const st = lstatSync(path);
    size = Math.max(size, st.uid + 1, st.gid + 1);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  for (const dir of dirs) walk(dir);
  return size;
}
