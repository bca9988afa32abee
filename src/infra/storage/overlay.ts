/**
 * Overlay mounts of layer chains. Lower layers are named by their short links under
 * overlay/l/ with the process's working directory there while mounting, so a deep chain
 * still fits the one-page limit of mount options (containers/storage does the same).
 * With a mount program (storage.conf `mount_program`), or when the kernel refuses overlay
 * in a rootless user namespace and fuse-overlayfs is installed, fuse-overlayfs mounts it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fallbackMountProgram, mountFuseOverlay, unmountFuse } from './fuse-overlay.ts';
import { inUserNamespace } from './layer/user-namespace.ts';
import { MNT_DETACH, MS_BIND, MS_RDONLY, MS_REC, MS_REMOUNT, mount, umount2 } from '../sys/mount.ts';
import { SyscallError } from '../sys/libc.ts';

export interface OverlayMount {
  /** overlay/ (the parent of l/) */
  layersDir: string;
  /** link names of the chain, TOP FIRST */
  lowerLinks: string[];
  upperDir?: string;
  workDir?: string;
  target: string;
  /** extra mount options, e.g. for rootless `userxattr` */
  options?: string[];
  /** lower directories, top first, used instead of `lowerLinks` (a container's idmapped or re-owned layers) */
  lowerDirs?: string[];
  /** the directory relative `lowerDirs` start from (default `layersDir`) */
  lowerRoot?: string;
  /** storage.conf `mount_program` (fuse-overlayfs): used instead of the kernel's overlay */
  mountProgram?: string | undefined;
}

export function mountOverlay(m: OverlayMount): void {
  fs.mkdirSync(m.target, { recursive: true });
  if (!m.upperDir) {
    if (m.lowerLinks.length === 0) {
      const empty = path.join(m.layersDir, 'empty');
      fs.mkdirSync(empty, { recursive: true });
      bindReadOnly(empty, m.target);
      return;
    }
    if (m.lowerLinks.length === 1) {
      bindReadOnly(path.join(m.layersDir, 'l', m.lowerLinks[0]!), m.target);
      return;
    }
  }
  const lowers = m.lowerDirs ?? (m.lowerLinks.length ? m.lowerLinks.map((l) => `l/${l}`) : [emptyLower(m.layersDir)]);
  const base = m.lowerRoot ?? m.layersDir;
  const fuse = (program: string) =>
    mountFuseOverlay({ program, lowerDirs: lowers.map((l) => path.resolve(base, l)), upperDir: m.upperDir, workDir: m.workDir, target: m.target });
  if (m.mountProgram) return fuse(m.mountProgram);
  const opts = [`lowerdir=${lowers.join(':')}`];
  if (m.upperDir) opts.push(`upperdir=${m.upperDir}`, `workdir=${m.workDir!}`);
  opts.push(...(m.options ?? []));
  const cwd = process.cwd();
  process.chdir(base);
  try {
    mount('overlay', m.target, 'overlay', m.upperDir ? 0 : MS_RDONLY, opts.join(','));
  } catch (err) {
    const program = nativeRefused(err) ? fallbackMountProgram() : undefined;
    if (!program) throw err;
    fuse(program);
  } finally {
    process.chdir(cwd);
  }
}

/** The kernel's overlay is not available to this rootless user namespace (kernels before 5.11). */
function nativeRefused(err: unknown): boolean {
  return err instanceof SyscallError && [1, 19, 22].includes(err.errno) && inUserNamespace();
}

function emptyLower(layersDir: string): string {
  fs.mkdirSync(path.join(layersDir, 'empty'), { recursive: true });
  return 'empty';
}

function bindReadOnly(source: string, target: string): void {
  mount(source, target, '', MS_BIND | MS_REC, '');
  mount('', target, '', MS_BIND | MS_REMOUNT | MS_RDONLY, '');
}

/** Unmounts; a target that is not mounted (EINVAL) or is gone (ENOENT) is fine. */
export function unmount(target: string): void {
  try {
    umount2(target, MNT_DETACH);
  } catch (err) {
    if (err instanceof SyscallError && (err.errno === 22 || err.errno === 2)) return;
    throw err;
  }
}

/** Mount points and file system types, from /proc/self/mountinfo. */
function mountTable(): { mountPoint: string; fsType: string }[] {
  const out: { mountPoint: string; fsType: string }[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 0) continue;
    out.push({ mountPoint: fields[4]!.replace(/\\040/g, ' '), fsType: fields[dash + 1] ?? '' });
  }
  return out;
}

/**
 * Unmounts a container's root file system if mounted (a FUSE one with fusermount3, as
 * containers/storage does, so fuse-overlayfs flushes and exits), then whatever is mounted
 * under `helpersDir` (its idmapped layers). One read of the mount table; returns whether
 * `target` was mounted.
 */
export function unmountContainerRoot(target: string, helpersDir: string): boolean {
  const resolved = path.resolve(target);
  const below = `${path.resolve(helpersDir)}/`;
  const table = mountTable();
  const own = table.find((m) => m.mountPoint === resolved);
  if (own && !(own.fsType.startsWith('fuse') && unmountFuse(resolved))) unmount(resolved);
  for (const m of table.reverse()) if (m.mountPoint.startsWith(below)) unmount(m.mountPoint);
  return own !== undefined;
}

/** Unmounts everything mounted below `dir` (leftovers of a killed process). */
export function unmountBelow(dir: string): void {
  const below = `${path.resolve(dir)}/`;
  for (const m of mountTable().reverse()) if (m.mountPoint.startsWith(below)) unmount(m.mountPoint);
}

/** Whether `target` is a mount point now (per /proc/self/mountinfo). */
export function isMounted(target: string): boolean {
  const resolved = path.resolve(target);
  const info = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const mp = line.split(' ')[4];
    if (mp && mp.replace(/\\040/g, ' ') === resolved) return true;
  }
  return false;
}
