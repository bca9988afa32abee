/**
 * Test images, built once per machine and recipe: the first caller builds them into
 * /tmp/skiff-fixtures-<hash> (hash of the recipe's source and of busybox), later callers and
 * parallel test files reuse that directory. A build happens in a private directory renamed
 * into place, so a reader never sees half a fixture. Tests must treat the files as read-only.
 * Contents and names: fixture-contents.ts. Building needs root (device nodes, owners).
 *
 *   const layout = await ociLayout();      // skiff pull oci:${layout}:busybox:latest
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures, fixtureNames } from './fixture-build.ts';
import { tool } from './tools.ts';

export { imageConfig, imageFiles, imageNames } from './fixture-contents.ts';

const recipe = ['fixtures.ts', 'fixture-build.ts', 'fixture-contents.ts', 'fixture-verify.ts', 'tools.ts'];

function findBusybox(): string {
  const path = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!path) throw new Error('fixtures need /bin/busybox: install busybox-static (bash scripts/setup.sh does)');
  // A dynamically linked busybox (Debian's `busybox` package) would not run in a rootfs without libc.
  if (readFileSync(path).includes('/lib64/ld-linux')) {
    throw new Error(`${path} is dynamically linked: install busybox-static instead of busybox`);
  }
  return path;
}

function fixtureKey(busybox: string): string {
  const hash = createHash('sha256');
  for (const file of recipe) hash.update(readFileSync(fileURLToPath(new URL(file, import.meta.url))));
  hash.update(readFileSync(busybox));
  return hash.digest('hex').slice(0, 16);
}

async function build(): Promise<string> {
  const busybox = findBusybox();
  const dir = join(tmpdir(), `skiff-fixtures-${fixtureKey(busybox)}`);
  if (existsSync(dir)) return dir;
  if (process.getuid?.() !== 0) throw new Error(`fixtures are built as root (device nodes, file owners); ${dir} does not exist yet`);
  const staging = await mkdtemp(`${dir}.build-`);
  try {
    const out = join(staging, 'out');
    const work = join(staging, 'work');
    await mkdir(out);
    await mkdir(work);
    await buildFixtures(out, work, busybox);
    // Readable by everyone: rootless tests run as an unprivileged user (umoci writes blobs 0600).
    await tool('chmod', ['-R', 'a+rX', out]);
    try {
      await rename(out, dir);
    } catch (err) {
      // Another test process finished first; its copy is as good as ours.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    return dir;
  } catch (err) {
    throw new Error(`building test fixtures failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let built: Promise<string> | undefined;

/** The directory holding every fixture, built on first use. */
export function fixturesDir(): Promise<string> {
  built ??= build();
  return built;
}

async function fixture(name: string): Promise<string> {
  return join(await fixturesDir(), name);
}

/** A tar of the tiny rootfs (busybox + applet links, /etc/passwd with root, app (1000), nobody). */
export function busyboxRootfsTar(): Promise<string> {
  return fixture(fixtureNames.rootfsTar);
}

/** An OCI image layout holding busybox:latest (4 layers, see fixture-contents.ts). */
export function ociLayout(): Promise<string> {
  return fixture(fixtureNames.ociLayout);
}

/** A docker-archive (uncompressed tar) of the image, named localhost/busybox:latest. */
export function dockerArchive(): Promise<string> {
  return fixture(fixtureNames.dockerArchive);
}

/** dockerArchive() gzip-compressed. */
export function gzipDockerArchive(): Promise<string> {
  return fixture(fixtureNames.gzipDockerArchive);
}

/** An oci-archive of the image, ref name busybox:latest. */
export function ociArchive(): Promise<string> {
  return fixture(fixtureNames.ociArchive);
}

/** A `dir:` transport copy of the image. */
export function dirImage(): Promise<string> {
  return fixture(fixtureNames.dirImage);
}

/** A docker-archive with localhost/busybox:latest and localhost/second:latest (one more layer). */
export function multiImageDockerArchive(): Promise<string> {
  return fixture(fixtureNames.multiImageDockerArchive);
}
