/**
 * Overlay mounts of layer chains. Lower layers are named by their short links under
 * overlay/l/ with the process's working directory there while mounting, so a deep chain
 * still fits the one-page limit of mount options (containers/storage does the same).
 */
import fs from 'node:fs';
import path from 'node:path';
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
  /** absolute lower directories, top first, used instead of `lowerLinks` (rootless keep-id's copy) */
  lowerDirs?: string[];
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
  const opts = [`lowerdir=${lowers.join(':')}`];
  if (m.upperDir) opts.push(`upperdir=${m.upperDir}`, `workdir=${m.workDir!}`);
  opts.push(...(m.options ?? []));
  const cwd = process.cwd();
  process.chdir(m.layersDir);
  try {
    mount('overlay', m.target, 'overlay', m.upperDir ? 0 : MS_RDONLY, opts.join(','));
  } finally {
    process.chdir(cwd);
  }
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
