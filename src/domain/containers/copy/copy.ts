/**
 * `cp` between a container and the host, or between two containers, with Podman's rules
 * (cmd/podman/containers/cp.go over Buildah's copier):
 *
 * - the source must exist; a symlink there is followed and the copy takes its target's name;
 * - a destination that exists is used as it is: a directory receives the source inside it (or,
 *   for a source ending in `/.`, the source's contents), a file is replaced by a file;
 * - a destination that does not exist is created in its parent (which must exist) under the
 *   destination's name: a file, or a directory holding the source directory's contents;
 * - a directory never goes onto a file; `-` streams a tar archive from stdin or to stdout.
 *
 * Container paths are relative to the container's working directory and are resolved as if
 * chrooted (container-path.ts), so the copy never reads or writes outside the container.
 * Files copied into a container belong to its main user (`--archive`, the default) or keep the
 * owners they had; files copied to the host belong to the caller, and device nodes are skipped.
 * A container with its own user namespace holds host ids: owners are moved through its
 * mappings on the way in, and back to its ids in an archive streamed out.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, SkiffError } from '../../../define/errors.ts';
import { tarDirectory, tarPath, type OwnerMap } from '../../../infra/storage/layer/tar-dir.ts';
import { toContainer, toHost, type IdMappings } from '../userns-mappings.ts';
import { resolveInContainer, type ContainerFs } from './container-path.ts';
import { containerTarget, hostTarget, type CopyTarget, type Owner } from './copy-target.ts';
import { extractArchive } from './extract-archive.ts';

export interface HostLocation {
  kind: 'host';
  /** a host path, or `-` for a tar stream on stdin/stdout */
  path: string;
}

export interface ContainerLocation {
  kind: 'container';
  /** the name the user gave, for messages */
  container: string;
  fs: ContainerFs;
  /** the container's working directory, which relative paths start from */
  workdir: string;
  path: string;
  /** the container's main user, owner of what `--archive` copies in */
  owner: Owner;
  /** the container's own user namespace mappings (its files hold host ids); undefined without */
  idMappings?: IdMappings | undefined;
}

export type CopyLocation = HostLocation | ContainerLocation;

export interface CopyOptions {
  /** chown what is copied into a container to its main user (Podman's default: true) */
  archive: boolean;
  overwrite: boolean;
  /** the caller's uid and gid: what is copied to the host belongs to them */
  caller: Owner;
  stdin?: Readable;
  stdout?: Writable;
}

/** A source, resolved: where it is on the host and what the archive calls it. */
interface Source {
  hostPath: string;
  isDir: boolean;
  /** the archive's top-level name; undefined when the archive holds a directory's contents */
  name: string | undefined;
}

/** A destination, resolved: the directory the archive goes into, and how its top entry is renamed. */
interface Destination {
  target: CopyTarget;
  isDir: boolean;
  /** the destination did not exist: it is created in its parent under `baseName` */
  viaParent: boolean;
  baseName: string;
}

const noSuchFile = 'no such file or directory';

/** Whether a path asks for a directory's contents rather than the directory (`dir/.`). */
function wantsContents(path: string): boolean {
  return path === '.' || path.endsWith('/.');
}

function containerSource(loc: ContainerLocation): { source: Source; resolved: string } {
  const r = resolveInContainer(loc.fs, loc.path, loc.workdir);
  if (!r.stat) throw new SkiffError(`"${loc.path}" could not be found on container ${loc.container}: ${noSuchFile}`);
  const isDir = r.stat.isDirectory();
  const contents = isDir && (wantsContents(loc.path) || r.path === '/');
  return { source: { hostPath: r.hostPath, isDir, name: contents ? undefined : basename(r.path) }, resolved: r.path };
}

function hostSource(path: string): Source {
  let resolved: string;
  try {
    resolved = realpathSync(path);
  } catch {
    throw new SkiffError(`"${path}" could not be found on the host: ${noSuchFile}`);
  }
  const isDir = statSync(resolved).isDirectory();
  const contents = isDir && (wantsContents(path) || resolved === '/');
  return { hostPath: resolved, isDir, name: contents ? undefined : basename(resolved) };
}

function containerDestination(loc: ContainerLocation, owner: Owner | undefined, fromStdin: boolean): Destination {
  const r = resolveInContainer(loc.fs, loc.path, loc.workdir);
  const where = `"${loc.path}" could not be found on container ${loc.container}: ${noSuchFile}`;
  if (r.stat) {
    const isDir = r.stat.isDirectory();
    if (fromStdin && !isDir) throw new InvalidArgumentError('destination must be a directory when copying from stdin');
    return { target: containerTarget(loc.fs, isDir ? r.path : dirname(r.path), owner), isDir, viaParent: false, baseName: basename(r.path) };
  }
  if (loc.path.endsWith('/')) throw new SkiffError(where);
  if (fromStdin) throw new InvalidArgumentError('destination must be a directory when copying from stdin');
  const parent = resolveInContainer(loc.fs, dirname(r.path));
  if (!r.parentExists || !parent.stat?.isDirectory()) throw new SkiffError(where);
  return { target: containerTarget(loc.fs, parent.path, owner), isDir: true, viaParent: true, baseName: basename(r.path) };
}

function hostDestination(path: string, owner: Owner): Destination {
  let resolved: string | undefined;
  try {
    resolved = realpathSync(path);
  } catch {
    resolved = undefined;
  }
  if (resolved !== undefined) {
    const st = statSync(resolved);
    if (!st.isDirectory() && !st.isFile()) throw new SkiffError(`invalid destination: "${resolved}" must be a directory or a regular file`);
    const isDir = st.isDirectory();
    return { target: hostTarget(isDir ? resolved : dirname(resolved), owner), isDir, viaParent: false, baseName: basename(resolved) };
  }
  const where = `"${path}" could not be found on the host: ${noSuchFile}`;
  if (path.endsWith('/')) throw new SkiffError(where);
  let parent: string;
  try {
    parent = realpathSync(dirname(path));
  } catch {
    throw new SkiffError(where);
  }
  if (!statSync(parent).isDirectory()) throw new SkiffError(`invalid destination: "${parent}" must be a directory or a regular file`);
  return { target: hostTarget(parent, owner), isDir: true, viaParent: true, baseName: basename(path) };
}

/**
 * A directory copied with `/.` onto a destination that does not exist yet becomes that
 * destination: archived as the directory itself, renamed to the destination's name.
 */
function sourceFor(source: Source, dest: Destination): Source {
  if (dest.viaParent && source.isDir && source.name === undefined) return { ...source, name: basename(source.hostPath) || '/' };
  return source;
}

/** A container's host-side owners as it sees them; what it cannot show is nobody (65534), as in the container. */
function containerOwners(maps: IdMappings | undefined): OwnerMap | undefined {
  if (!maps) return undefined;
  return (uid, gid) => ({ uid: toContainer(uid, maps.uidMap) ?? 65534, gid: toContainer(gid, maps.gidMap) ?? 65534 });
}

/** A container's ids as its files must hold them on the host (containers/storage's idtools.ToHost, with its error). */
export function hostOwners(maps: IdMappings | undefined): OwnerMap | undefined {
  if (!maps) return undefined;
  const one = (id: number, list: IdMappings['uidMap']) => {
    const host = toHost(id, list);
    if (host === undefined) throw new InvalidArgumentError(`container ID ${id} cannot be mapped to a host ID`);
    return host;
  };
  return (uid, gid) => ({ uid: one(uid, maps.uidMap), gid: one(gid, maps.gidMap) });
}

/** The source as an archive, owners as the container holding it sees them. */
function archiveOf(source: Source, mapOwner: OwnerMap | undefined): Readable {
  const opts = mapOwner ? { mapOwner } : {};
  return source.name === undefined ? tarDirectory(source.hostPath, opts) : tarPath(source.hostPath, source.name, opts);
}

interface TransferOptions {
  chown?: Owner | undefined;
  /** the source container's host ids to its ids */
  sourceOwners?: OwnerMap | undefined;
  /** the destination container's ids to host ids */
  mapOwner?: OwnerMap | undefined;
  ignoreDevices?: boolean;
  overwrite: boolean;
}

async function transfer(source: Source, dest: Destination, { sourceOwners, ...extract }: TransferOptions): Promise<void> {
  if (source.isDir && !dest.isDir) throw new InvalidArgumentError('destination must be a directory when copying a directory');
  const src = sourceFor(source, dest);
  const rename = src.name !== undefined && ((!src.isDir && !dest.isDir) || dest.viaParent) ? { from: src.name, to: dest.baseName } : undefined;
  await extractArchive(archiveOf(src, sourceOwners), dest.target, { ...extract, rename });
}

export async function copyFiles(src: CopyLocation, dst: CopyLocation, opts: CopyOptions): Promise<void> {
  if (src.kind === 'host' && dst.kind === 'host') throw new InvalidArgumentError('name or ID cannot be empty');
  if (src.kind === 'container' && dst.kind === 'host') {
    const { source } = containerSource(src);
    if (dst.path === '-') {
      if (!opts.stdout) throw new InvalidArgumentError('no standard output to copy to');
      await pipeline(archiveOf(source, containerOwners(src.idMappings)), opts.stdout, { end: false });
      return;
    }
    const dest = hostDestination(dst.path, opts.caller);
    await transfer(source, dest, { chown: opts.caller, ignoreDevices: true, overwrite: opts.overwrite });
    return;
  }
  if (dst.kind !== 'container') throw new InvalidArgumentError('name or ID cannot be empty');
  const chown = opts.archive ? dst.owner : undefined;
  const mapOwner = hostOwners(dst.idMappings);
  // Directories the copy creates belong to the files' owner, or to the container's root.
  const dirOwner = mapOwner ? mapOwner(chown?.uid ?? 0, chown?.gid ?? 0) : chown;
  if (src.kind === 'host' && src.path === '-') {
    if (!opts.stdin) throw new InvalidArgumentError('no standard input to copy from');
    const dest = containerDestination(dst, dirOwner, true);
    await extractArchive(opts.stdin, dest.target, {
      chown, mapOwner, overwrite: opts.overwrite, notAnArchive: 'source must be a (compressed) tar archive when copying from stdin',
    });
    return;
  }
  const source = src.kind === 'host' ? hostSource(src.path) : containerSource(src).source;
  const dest = containerDestination(dst, dirOwner, false);
  const sourceOwners = src.kind === 'container' ? containerOwners(src.idMappings) : undefined;
  await transfer(source, dest, { chown, mapOwner, sourceOwners, overwrite: opts.overwrite });
}

/** `[CONTAINER:]PATH` as Podman splits it: a colon after a leading `/` or `.` is part of a host path. */
export function parseCopyArg(arg: string): { container: string | undefined; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { container: undefined, path: arg };
  const colon = arg.indexOf(':');
  if (colon === -1) return { container: undefined, path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}
