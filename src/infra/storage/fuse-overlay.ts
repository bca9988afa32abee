/**
 * fuse-overlayfs, the overlay in user space Podman uses where the kernel's overlay cannot be
 * mounted in a rootless user namespace (kernels before 5.11) or where storage.conf's
 * `mount_program` asks for it. It takes overlay's own options and daemonizes once the
 * mount is up; `fusermount3 -u` ends it.
 */
import { accessSync, constants } from 'node:fs';
import { ConfigError, ProgramFailedError } from '../../define/errors.ts';
import { findProgram, requireProgram } from '../rootless/program-path.ts';

export interface FuseOverlayMount {
  /** the mount program: fuse-overlayfs or a compatible one */
  program: string;
  /** absolute lower directories, top first */
  lowerDirs: readonly string[];
  upperDir?: string | undefined;
  workDir?: string | undefined;
  target: string;
}

/** The fuse-overlayfs argv for `m` (Podman's: `-o lowerdir=…,upperdir=…,workdir=… target`). */
export function fuseOverlayArgs(m: Omit<FuseOverlayMount, 'program'>): string[] {
  const opts = [`lowerdir=${m.lowerDirs.join(':')}`];
  if (m.upperDir) opts.push(`upperdir=${m.upperDir}`, `workdir=${m.workDir!}`);
  return ['-o', opts.join(','), m.target];
}

/** FUSE needs /dev/fuse readable and writable by the caller (mode 0666 on most hosts). */
function checkDevFuse(): void {
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new ConfigError(
      `fuse-overlayfs needs read and write access to /dev/fuse (${(err as NodeJS.ErrnoException).code ?? 'not usable'}): load the fuse module and make /dev/fuse mode 0666, as distributions do`,
    );
  }
}

export function mountFuseOverlay(m: FuseOverlayMount): void {
  checkDevFuse();
  try {
    process.getBuiltinModule('node:child_process').execFileSync(m.program, fuseOverlayArgs(m), { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number | null; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new ConfigError(`mount_program ${m.program} not found: install fuse-overlayfs or change storage.conf`);
    throw new ProgramFailedError(m.program, e.status ?? null, e.stderr?.toString('utf8') ?? String(err));
  }
}

/** The fuse-overlayfs to fall back on when native overlay fails, if installed. */
export function fallbackMountProgram(): string | undefined {
  return findProgram('fuse-overlayfs');
}

/** Ends a FUSE mount the way its daemon expects; returns false when fusermount3 could not. */
export function unmountFuse(target: string): boolean {
  try {
    process.getBuiltinModule('node:child_process').execFileSync(requireProgram('fusermount3', 'fuse3'), ['-u', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
