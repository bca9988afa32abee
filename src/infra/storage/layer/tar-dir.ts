/**
 * A tar stream of a directory tree (the root itself is not an entry), for commit, export
 * and tests. Deterministic for a given tree: entries sorted by name, depth first, owners
 * as numbers without names, whole-second mtimes. ustar headers, with a PAX header where a
 * field does not fit (long names and link targets, large IDs and sizes) and for xattrs
 * (SCHILY.xattr.*, binary-safe). Hard links are detected by inode: the first path seen
 * carries the data, later ones are link entries. Sockets are skipped, as tar does.
 * File-system calls are synchronous, as in entry-writer.ts and for the same reason.
 */
import { closeSync, constants as fsc, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { Readable } from 'node:stream';
import { CorruptContentError } from '../../../define/errors.ts';
import { lgetxattr, llistxattr, major, minor } from '../../sys/fs-syscalls.ts';
import { BLOCK, encodeHeader, encodePax, paddingFor, type HeaderFields, type PaxRecords } from './tar-header.ts';
import { isOverlayXattr, WHITEOUT_OPAQUE, WHITEOUT_PREFIX, type WhiteoutFormat } from './whiteout.ts';

const READ_CHUNK = 1 << 20;

export interface TarDirectoryOptions {
  /**
   * The tree is an overlay upper directory in this format (commit): its whiteouts become OCI
   * `.wh.NAME` entries, opaque directories get a `.wh..wh..opq` entry, and overlay's own
   * xattrs are left out.
   */
  overlayWhiteouts?: WhiteoutFormat;
  /** Owners as the archive records them (a container with its own user namespace: host ids back to its ids). */
  mapOwner?: OwnerMap | undefined;
}

export type OwnerMap = (uid: number, gid: number) => { uid: number; gid: number };

export function tarDirectory(dir: string, opts: TarDirectoryOptions = {}): Readable {
  const walkOpts: WalkOptions = opts.overlayWhiteouts ? { overlayPrefix: opts.overlayWhiteouts === 'overlay-root' ? 'trusted.overlay.' : 'user.overlay.' } : {};
  if (opts.mapOwner) walkOpts.mapOwner = opts.mapOwner;
  return Readable.from(tarChunks(dir, walkOpts), { objectMode: false, highWaterMark: 1 << 20 });
}

/**
 * A tar stream of `path` itself, its entry named `name` (for `cp`): a file, or a directory
 * followed by everything below it. Symlinks are archived as links, never followed.
 */
export function tarPath(path: string, name: string, opts: Pick<TarDirectoryOptions, 'mapOwner'> = {}): Readable {
  const slash = path.lastIndexOf('/');
  const only = { name: path.slice(slash + 1), as: name };
  const walkOpts: WalkOptions = opts.mapOwner ? { only, mapOwner: opts.mapOwner } : { only };
  return Readable.from(tarChunks(path.slice(0, slash) || '/', walkOpts), { objectMode: false, highWaterMark: 1 << 20 });
}

interface WalkOptions {
  /** archive only this entry of the top directory, under another name */
  only?: { name: string; as: string };
  /** convert overlay whiteouts marked with xattrs of this prefix ("trusted.overlay.") */
  overlayPrefix?: string;
  mapOwner?: OwnerMap;
}

async function* tarChunks(dir: string, opts: WalkOptions): AsyncGenerator<Buffer> {
  const links = new Map<string, string>();
  yield* walk(dir, '', links, opts);
  yield Buffer.alloc(BLOCK * 2);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isOverlayWhiteout(abs: string, st: Stats, prefix: string): boolean {
  if (st.isCharacterDevice()) return st.rdev === 0;
  return st.isFile() && st.size === 0 && lgetxattr(abs, `${prefix}whiteout`) !== undefined;
}

async function* walk(root: string, rel: string, links: Map<string, string>, opts: WalkOptions): AsyncGenerator<Buffer> {
  const { only, overlayPrefix } = opts;
  const names = only && rel === '' ? [only.name] : readdirSync(rel === '' ? root : `${root}/${rel}`).sort(byBytes);
  for (const name of names) {
    const fsRel = rel === '' ? name : `${rel}/${name}`;
    const abs = root === '/' ? `/${fsRel}` : `${root}/${fsRel}`;
    const childRel = only ? only.as + fsRel.slice(only.name.length) : fsRel;
    const st = lstatSync(abs);
    if (st.isSocket()) continue;
    if (opts.mapOwner) Object.assign(st, opts.mapOwner(st.uid, st.gid));
    if (overlayPrefix !== undefined && isOverlayWhiteout(abs, st, overlayPrefix)) {
      const whiteout = rel === '' ? `${WHITEOUT_PREFIX}${name}` : `${rel}/${WHITEOUT_PREFIX}${name}`;
      yield header({ ...base(whiteout, st), mode: 0o600, typeflag: '0', size: 0 }, []);
      continue;
    }
    const linkKey = `${st.dev}:${st.ino}`;
    const first = !st.isDirectory() && st.nlink > 1 ? links.get(linkKey) : undefined;
    if (first !== undefined) {
      yield header({ ...base(childRel, st), typeflag: '1', size: 0, linkname: first }, []);
      continue;
    }
    if (!st.isDirectory() && st.nlink > 1) links.set(linkKey, childRel);
    const xattrNames = llistxattr(abs).filter((n) => overlayPrefix === undefined || !isOverlayXattr(n)).sort(byBytes);
    const xattrs: PaxRecords = xattrNames.map((n) => [`SCHILY.xattr.${n}`, lgetxattr(abs, n) ?? Buffer.alloc(0)]);
    if (st.isDirectory()) {
      yield header({ ...base(`${childRel}/`, st), typeflag: '5', size: 0 }, xattrs);
      if (overlayPrefix !== undefined && lgetxattr(abs, `${overlayPrefix}opaque`)?.toString() === 'y') {
        yield header({ ...base(`${childRel}/${WHITEOUT_OPAQUE}`, st), mode: st.mode & 0o777, typeflag: '0', size: 0 }, []);
      }
      yield* walk(root, fsRel, links, opts);
    } else if (st.isFile()) {
      yield header({ ...base(childRel, st), typeflag: '0', size: st.size }, xattrs);
      yield* fileData(abs, st.size);
      const pad = paddingFor(st.size);
      if (pad) yield Buffer.alloc(pad);
    } else if (st.isSymbolicLink()) {
      yield header({ ...base(childRel, st), typeflag: '2', size: 0, linkname: readlinkSync(abs) }, xattrs);
    } else {
      const typeflag = st.isCharacterDevice() ? '3' : st.isBlockDevice() ? '4' : '6';
      yield header({ ...base(childRel, st), typeflag, size: 0, devmajor: major(st.rdev), devminor: minor(st.rdev) }, xattrs);
    }
  }
}

function base(name: string, st: Stats): Omit<HeaderFields, 'typeflag' | 'size'> {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
}

function header(h: HeaderFields, xattrs: PaxRecords): Buffer {
  const { block, overflow } = encodeHeader(h);
  const values: Record<string, string> = {
    path: h.name, linkpath: h.linkname ?? '', uid: String(h.uid), gid: String(h.gid), size: String(h.size), mtime: String(h.mtime),
  };
  const records: PaxRecords = overflow.map((key) => [key, Buffer.from(values[key]!)]);
  records.push(...xattrs);
  if (records.length === 0) return block;
  const data = encodePax(records);
  const leaf = h.name.replace(/\/$/, '').split('/').pop()!;
  const pax = encodeHeader({ name: `PaxHeaders/${leaf}`.slice(0, 100), mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: Math.max(0, h.mtime), typeflag: 'x' });
  return Buffer.concat([pax.block, data, Buffer.alloc(paddingFor(data.length)), block]);
}

async function* fileData(abs: string, size: number): AsyncGenerator<Buffer> {
  const fd = openSync(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  try {
    let pos = 0;
    while (pos < size) {
      const want = Math.min(size - pos, READ_CHUNK);
      const buf = Buffer.allocUnsafe(want);
      const got = readSync(fd, buf, 0, want, pos);
      if (got === 0) throw new CorruptContentError(`${abs} shrank while being archived`);
      pos += got;
      yield got === want ? buf : buf.subarray(0, got);
    }
  } finally {
    closeSync(fd);
  }
}
