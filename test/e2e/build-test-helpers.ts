/**
 * What the build e2e files share: build contexts (a temp directory per context, written from
 * a name → text map (names may hold slashes), all removed by `cleanup()`), and a Debian
 * root file system made with debootstrap for steps that need more than busybox.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class BuildContexts {
  readonly #dirs: string[] = [];

  /** A new context; readable by everyone, so rootless builds can use it too. */
  make(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-build-ctx-'));
    this.#dirs.push(dir);
    chmodSync(dir, 0o755);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  /** Removes `dir` with the contexts. */
  adopt(dir: string): void {
    this.#dirs.push(dir);
  }

  cleanup(): void {
    for (const d of this.#dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** A Debian bookworm minbase root file system as a tar, made once per machine with debootstrap, apt's caches emptied. */
export function debianRootfs(): string {
  const dir = join(tmpdir(), 'skiff-fixture-debian-bookworm');
  const tar = join(dir, 'rootfs.tar');
  if (existsSync(tar)) return tar;
  const work = mkdtempSync(`${dir}.build-`);
  try {
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', join(work, 'rootfs')], { stdio: 'pipe' });
    execFileSync('sh', ['-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*_*', 'sh', join(work, 'rootfs')]);
    mkdirSync(join(work, 'out'));
    execFileSync('tar', ['-C', join(work, 'rootfs'), '-cf', join(work, 'out', 'rootfs.tar'), '.']);
    try {
      renameSync(join(work, 'out'), dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tar;
}

export const noDebootstrap = existsSync('/usr/sbin/debootstrap') ? false : 'needs debootstrap (apt-get install debootstrap) and Debian\'s mirror';
