/**
 * Extracting a `cp` archive into a directory, as Buildah's copier.Put does for Podman: no
 * whiteout semantics (a `.wh.` name is just a name), the archive's top-level entry optionally
 * renamed, owners optionally forced to one user, device nodes optionally skipped, and a
 * directory never silently replaced by a file or the other way round unless asked.
 *
 * Where entries land is the target's business (copy-target.ts): inside a container every
 * parent directory is resolved as if chrooted, so the archive cannot reach outside it. The
 * last component is always created with calls that do not follow symlinks; an existing
 * non-directory there is replaced.
 */
import {
  chmodSync, closeSync, constants as fsc, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync,
  mkdirSync, openSync, rmSync, symlinkSync, unlinkSync, type Stats,
} from 'node:fs';
import type { Readable } from 'node:stream';
import { CorruptContentError, InvalidArgumentError, SkiffError } from '../../../define/errors.ts';
import { ByteSource } from '../../../infra/storage/layer/byte-source.ts';
import type { OwnerMap } from '../../../infra/storage/layer/tar-dir.ts';
import { decompressLayer } from '../../../infra/storage/layer/decompress.ts';
import { writeData, writeSparseData } from '../../../infra/storage/layer/file-data.ts';
import { normalizeEntryPath } from '../../../infra/storage/layer/layer-tree.ts';
import { TarReader, type TarEntry } from '../../../infra/storage/layer/tar-reader.ts';
import { isOverlayXattr } from '../../../infra/storage/layer/whiteout.ts';
import { lsetxattr, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from '../../../infra/sys/fs-syscalls.ts';
import type { CopyTarget } from './copy-target.ts';

export interface ExtractOptions {
  /** the archive's top-level entry `from` is written as `to` (file-to-file copies, new destinations) */
  rename?: { from: string; to: string } | undefined;
  /** owner of everything written; the archive's owners when undefined */
  chown?: { uid: number; gid: number } | undefined;
  /** the owners (chown's or the archive's) as the host writes them: a container's ids to its mapped host ids */
  mapOwner?: OwnerMap | undefined;
  /** skip device nodes and fifos (copying to the host) */
  ignoreDevices?: boolean;
  /** let a directory replace a non-directory and the other way round (`--overwrite`) */
  overwrite?: boolean;
  /** the error when the input is not a tar archive at all (e.g. stdin); CorruptContentError otherwise */
  notAnArchive?: string;
}

export interface ExtractReport {
  /** entries written */
  entries: number;
}

const OPEN_NEW = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;
const nullSink = { raw: () => {}, ref: () => {} };

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads a (possibly gzip or zstd compressed) tar stream and writes its entries under `target`. */
export async function extractArchive(input: Readable, target: CopyTarget, opts: ExtractOptions = {}): Promise<ExtractReport> {
  const { stream } = await decompressLayer(input);
  const reader = new TarReader(new ByteSource(stream, () => {}), nullSink);
  const dirMeta: Array<{ abs: string; mode: number; mtime: number }> = [];
  let entries = 0;
  try {
    let first: TarEntry | null;
    try {
      first = await reader.next();
    } catch (err) {
      if (opts.notAnArchive !== undefined && err instanceof CorruptContentError) throw new InvalidArgumentError(opts.notAnArchive);
      throw err;
    }
    if (!first && opts.notAnArchive !== undefined) throw new InvalidArgumentError(opts.notAnArchive);
    for (let e = first; e; e = await reader.next()) {
      let rel = normalizeEntryPath(e.path);
      if (rel === '') continue;
      if (opts.rename && (rel === opts.rename.from || rel.startsWith(`${opts.rename.from}/`))) {
        rel = opts.rename.to + rel.slice(opts.rename.from.length);
      }
      const slash = rel.lastIndexOf('/');
      const dir = target.dir(slash === -1 ? '' : rel.slice(0, slash));
      const abs = `${dir}/${rel.slice(slash + 1)}`;
      if (await writeEntry(e, abs, rel, reader, target, opts, dirMeta)) entries++;
    }
  } finally {
    stream.destroy();
  }
  // Directory modes and times last, once nothing more is written into them.
  for (const d of dirMeta.reverse()) {
    // Through a descriptor opened without following links: a running container may have
    // swapped the directory for a symlink meanwhile.
    const fd = openSync(d.abs, fsc.O_RDONLY | fsc.O_DIRECTORY | fsc.O_NOFOLLOW);
    try {
      fchmodSync(fd, d.mode);
      futimesSync(fd, d.mtime, d.mtime);
    } finally {
      closeSync(fd);
    }
  }
  return { entries };
}

async function writeEntry(
  e: TarEntry, abs: string, rel: string, reader: TarReader, target: CopyTarget, opts: ExtractOptions,
  dirMeta: Array<{ abs: string; mode: number; mtime: number }>,
): Promise<boolean> {
  const given = { uid: opts.chown?.uid ?? e.uid, gid: opts.chown?.gid ?? e.gid };
  const { uid, gid } = opts.mapOwner ? opts.mapOwner(given.uid, given.gid) : given;
  if ((e.kind === 'char' || e.kind === 'block' || e.kind === 'fifo') && opts.ignoreDevices) return false;
  if (e.kind === 'other') return false;
  const existing = lstatOrUndefined(abs);
  if (e.kind === 'dir' && existing?.isSymbolicLink()) {
    // As in a chroot: the directory is wherever the link leads (the target resolves it safely).
    target.dir(rel);
    return true;
  }
  if (e.kind === 'dir') {
    if (existing && !existing.isDirectory()) {
      if (!opts.overwrite) throw overwriteError(rel, 'a non-directory', 'a directory');
      unlinkSync(abs);
    }
    if (!existing?.isDirectory()) mkdirSync(abs, 0o700);
    lchownSync(abs, uid, gid);
    setXattrs(e, abs);
    dirMeta.push({ abs, mode: e.mode & 0o7777, mtime: e.mtime });
    return true;
  }
  if (existing?.isDirectory()) {
    if (!opts.overwrite) throw overwriteError(rel, 'a directory', 'a non-directory');
    rmSync(abs, { recursive: true, force: true });
  } else if (existing) {
    unlinkSync(abs);
  }
  switch (e.kind) {
    case 'file': {
      const fd = openSync(abs, OPEN_NEW, 0o600);
      try {
        if (e.sparse) await writeSparseData(fd, reader, e.sparse);
        else await writeData(fd, reader);
        fchownSync(fd, uid, gid);
        fchmodSync(fd, e.mode & 0o7777);
        futimesSync(fd, e.mtime, e.mtime);
      } finally {
        closeSync(fd);
      }
      break;
    }
    case 'symlink':
      symlinkSync(e.linkpath, abs);
      lchownSync(abs, uid, gid);
      lutimesSync(abs, e.mtime, e.mtime);
      break;
    case 'link': {
      const linkRel = normalizeEntryPath(e.linkpath);
      const slash = linkRel.lastIndexOf('/');
      const linkTarget = `${target.dir(slash === -1 ? '' : linkRel.slice(0, slash))}/${linkRel.slice(slash + 1)}`;
      const st = lstatOrUndefined(linkTarget);
      if (!st || st.isDirectory()) throw new CorruptContentError(`${JSON.stringify(e.path)}: hard link target ${JSON.stringify(e.linkpath)} is not in the archive`);
      linkSync(linkTarget, abs);
      return true;
    }
    default: {
      const type = e.kind === 'char' ? S_IFCHR : e.kind === 'block' ? S_IFBLK : S_IFIFO;
      mknod(abs, type | 0o600, e.devmajor, e.devminor);
      lchownSync(abs, uid, gid);
      chmodSync(abs, e.mode & 0o7777);
      lutimesSync(abs, e.mtime, e.mtime);
    }
  }
  setXattrs(e, abs);
  return true;
}

function overwriteError(rel: string, what: string, by: string): SkiffError {
  return new SkiffError(`copier: put: error creating "${rel}": cannot overwrite ${what} with ${by} (use --overwrite)`);
}

/** The archive's xattrs, best effort (the destination file system may lack them), never overlay's own. */
function setXattrs(e: TarEntry, abs: string): void {
  for (const [name, value] of e.xattrs) {
    if (isOverlayXattr(name)) continue;
    try {
      lsetxattr(abs, name, value);
    } catch {
      // as Buildah's copier: xattrs that cannot be set are not worth failing a copy over
    }
  }
}
