/**
 * Test fixtures shared by the transport tests (named *.test.ts so the build leaves it out; it
 * holds no tests itself). A three-layer busybox image is built with umoci (a whiteout in
 * layer 2, a symlink and a hard link in layer 3), then copied with skopeo into the formats
 * the readers must accept. Tests skip, saying why, when umoci, skopeo or busybox is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, link, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';

const busybox = '/bin/busybox';

/** Why the fixtures cannot be built here, or undefined when they can. */
export function fixturesUnavailable(): string | undefined {
  for (const [program, pkg] of [
    ['umoci', 'umoci'],
    ['skopeo', 'skopeo'],
    ['tar', 'tar'],
  ]) {
    try {
      execFileSync(program!, ['--version'], { stdio: 'ignore' });
    } catch {
      return `${program} is not installed (Debian package ${pkg})`;
    }
  }
  if (!existsSync(busybox)) return `${busybox} is missing (Debian package busybox-static)`;
  return undefined;
}

export function run(program: string, args: string[], cwd?: string): string {
  return execFileSync(program, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function skopeo(...args: string[]): string {
  return run('skopeo', ['--insecure-policy', ...args]);
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function hashStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

export interface Fixtures {
  dir: string;
  /** OCI layout (umoci, gzip layers) with tags "base" and "other" (same layers, other config). */
  layout: string;
  /** The "base" image's manifest and config as umoci wrote them. */
  manifest: { config: { digest: string }; layers: Array<{ digest: string; size: number; mediaType: string }> };
  configDigest: string;
  diffIds: string[];
  /** skopeo: docker-archive named example.com/fixture:v1 */
  dockerArchive: string;
  /** skopeo: oci-archive with ref name fixture:v1 */
  ociArchive: string;
  /** skopeo: dir: copy of "base" */
  dockerDir: string;
  cleanup(): Promise<void>;
}

async function umociLayer(layout: string, work: string, change: (rootfs: string) => Promise<void>): Promise<void> {
  const bundle = join(work, `bundle-${Math.random().toString(36).slice(2)}`);
  run('umoci', ['unpack', '--image', `${layout}:base`, bundle]);
  await change(join(bundle, 'rootfs'));
  run('umoci', ['repack', '--image', `${layout}:base`, bundle]);
  await rm(bundle, { recursive: true, force: true });
}

export async function buildFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-transports-'));
  const layout = join(dir, 'layout');
  run('umoci', ['init', '--layout', layout]);
  run('umoci', ['new', '--image', `${layout}:base`]);
  await umociLayer(layout, dir, async (rootfs) => {
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'etc'), { recursive: true });
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await writeFile(join(rootfs, 'etc', 'gone'), 'removed in layer 2\n');
  });
  await umociLayer(layout, dir, async (rootfs) => {
    await unlink(join(rootfs, 'etc', 'gone'));
    await writeFile(join(rootfs, 'etc', 'new'), 'added in layer 2\n');
  });
  await umociLayer(layout, dir, async (rootfs) => {
    await symlink('busybox', join(rootfs, 'bin', 'sh'));
    await link(join(rootfs, 'etc', 'passwd'), join(rootfs, 'etc', 'passwd.hardlink'));
  });
  run('umoci', [
    'config', '--image', `${layout}:base`, '--config.cmd', '/bin/sh', '--config.env', 'A=1 <&>',
    '--config.label', 'org.example=fixture', '--config.exposedports', '8080/tcp', '--config.workingdir', '/srv',
    '--author', 'skiff tests',
  ]);
  run('umoci', ['config', '--image', `${layout}:base`, '--tag', 'other', '--config.cmd', '/bin/true']);

  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations: Record<string, string> }>;
  };
  const baseDigest = index.manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === 'base')!.digest;
  const blob = (digest: string): Promise<Buffer> => readFile(join(layout, 'blobs', 'sha256', digest.slice(7)));
  const manifest = JSON.parse((await blob(baseDigest)).toString('utf8')) as Fixtures['manifest'];
  const config = JSON.parse((await blob(manifest.config.digest)).toString('utf8')) as { rootfs: { diff_ids: string[] } };

  const dockerArchive = join(dir, 'docker-archive.tar');
  const ociArchive = join(dir, 'oci-archive.tar');
  const dockerDir = join(dir, 'docker-dir');
  skopeo('copy', '-q', `oci:${layout}:base`, `docker-archive:${dockerArchive}:example.com/fixture:v1`);
  skopeo('copy', '-q', `oci:${layout}:base`, `oci-archive:${ociArchive}:fixture:v1`);
  skopeo('copy', '-q', `oci:${layout}:base`, `dir:${dockerDir}`);
  return {
    dir,
    layout,
    manifest,
    configDigest: manifest.config.digest,
    diffIds: config.rootfs.diff_ids,
    dockerArchive,
    ociArchive,
    dockerDir,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Extracts a tar archive into a new directory under `parent`. */
export async function extract(archive: string, parent: string, name: string): Promise<string> {
  const out = join(parent, name);
  await mkdir(out, { recursive: true });
  run('tar', ['-xf', archive, '-C', out]);
  return out;
}

/** Packs a directory's contents with GNU tar (members named "./…"). */
export function pack(dir: string, archive: string, format = 'gnu'): void {
  run('tar', [`--format=${format}`, '-cf', archive, '-C', dir, '.']);
}
