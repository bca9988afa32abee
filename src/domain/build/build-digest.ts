/**
 * The content digest a COPY/ADD step's history names (`COPY dir:<digest> in /dest`), which
 * is also what the layer cache keys the step on: every path of the staged tree with its
 * type, mode, owner, size, link target, xattrs and file content, but no times. The staging
 * creates the destination's parent directories anew each build, and their times must not
 * make every rebuild miss the cache (Docker leaves times out of its checksum too).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { lgetxattr, llistxattr } from '../../infra/sys/fs-syscalls.ts';

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function hashFile(h: Hash, abs: string): void {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

function walk(h: Hash, root: string, rel: string): void {
  for (const name of readdirSync(rel ? `${root}/${rel}` : root).sort(byBytes)) {
    const childRel = rel ? `${rel}/${name}` : name;
    const abs = `${root}/${childRel}`;
    const st = lstatSync(abs);
    h.update(`${childRel}\0${st.mode}\0${st.uid}\0${st.gid}\0${st.isDirectory() ? 0 : st.size}\0${st.rdev}\0`);
    if (st.isSymbolicLink()) h.update(`${readlinkSync(abs)}\0`);
    for (const x of llistxattr(abs).sort(byBytes)) h.update(Buffer.concat([Buffer.from(`${x}\0`), lgetxattr(abs, x) ?? Buffer.alloc(0), Buffer.from('\0')]));
    if (st.isFile()) hashFile(h, abs);
    else if (st.isDirectory()) walk(h, root, childRel);
  }
}

/** `dir:<sha256>` of what a COPY/ADD staged in `dir`. */
export function stagedContentDigest(dir: string): string {
  const h = createHash('sha256');
  walk(h, dir, '');
  return `dir:${h.digest('hex')}`;
}
