/**
 * The changes between two whole trees (containers/storage's ChangesDirs), for `diff A B`:
 * what `newDir` added, changed and deleted relative to `oldDir`. A file is changed when its
 * type, mode, owner, device number or file capabilities differ, or, for a non-directory,
 * its size or mtime; a directory with changes inside is listed as changed ahead of them.
 * A deleted directory is one entry; an added one lists everything below it too.
 */
import { readdirSync, type BigIntStats } from 'node:fs';
import { capabilityOf, lstatBig, sameFsTime, sortedNames, type Change } from './change.ts';

export function treeChanges(newDir: string, oldDir: string): Change[] {
  const changes: Change[] = [];
  compareDir(newDir, oldDir, '/', true, false, changes);
  return changes;
}

/**
 * Compares the children of `path` (a directory in the new tree; `oldIsDir` says whether the
 * old tree has a directory there too). `reported` is true when `path` itself is already
 * listed, so that changes inside need no extra entry for it.
 */
function compareDir(newDir: string, oldDir: string, path: string, oldIsDir: boolean, reported: boolean, changes: Change[]): void {
  const at = changes.length;
  const oldNames = new Set(oldIsDir ? readdirSync(oldDir + path) : []);
  for (const name of sortedNames(readdirSync(newDir + path))) {
    const child = path === '/' ? `/${name}` : `${path}/${name}`;
    const st = lstatBig(newDir + child);
    if (!st) continue;
    const old = oldNames.delete(name) ? lstatBig(oldDir + child) : undefined;
    let childReported = false;
    if (!old) {
      changes.push({ kind: 'A', path: child });
      childReported = true;
    } else if (statDifferent(old, st) || capabilityOf(oldDir + child) !== capabilityOf(newDir + child)) {
      changes.push({ kind: 'C', path: child });
      childReported = true;
    }
    if (st.isDirectory()) compareDir(newDir, oldDir, child, old?.isDirectory() ?? false, childReported, changes);
  }
  for (const name of sortedNames([...oldNames])) changes.push({ kind: 'D', path: path === '/' ? `/${name}` : `${path}/${name}` });
  if (changes.length > at && !reported && path !== '/') changes.splice(at, 0, { kind: 'C', path });
}

function statDifferent(a: BigIntStats, b: BigIntStats): boolean {
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.rdev !== b.rdev) return true;
  if (a.isDirectory()) return false;
  return a.size !== b.size || !sameFsTime(a.mtimeNs, b.mtimeNs);
}
