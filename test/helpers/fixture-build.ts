/**
 * Builds the test images into a directory (fixtures.ts decides where, and caches); what the
 * image holds is described in fixture-contents.ts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, chown, cp, link, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tool } from './tools.ts';
import { imageConfig, imageFiles, imageNames } from './fixture-contents.ts';
import { verifyLayers } from './fixture-verify.ts';

const passwd = `root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`;
const group = `root:x:0:
users:x:100:app
app:x:1000:
nogroup:x:65534:
`;

/** Writes the tiny rootfs into `root` (which must not exist). */
async function makeRootfs(root: string, busybox: string): Promise<void> {
  for (const d of ['bin', 'etc', 'root', 'tmp', 'home/app']) await mkdir(join(root, d), { recursive: true });
  await cp(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const applets = (await tool(busybox, ['--list'])).split('\n').filter((a) => a && a !== 'busybox');
  for (const applet of applets) await symlink('busybox', join(root, 'bin', applet));
  await writeFile(join(root, 'etc/passwd'), passwd);
  await writeFile(join(root, 'etc/group'), group);
  await chmod(join(root, 'tmp'), 0o1777);
  await chmod(join(root, 'root'), 0o700);
  await chown(join(root, 'home/app'), 1000, 1000);
}

async function setXattr(path: string, name: string, value: string): Promise<void> {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const setxattr = koffi.load('libc.so.6').func('int setxattr(const char *path, const char *name, const char *value, size_t size, int flags)');
  if (setxattr(path, name, value, Buffer.byteLength(value), 0) !== 0) {
    throw new Error(`setxattr ${name} on ${path} failed (errno ${koffi.errno()}): the fixture needs user xattrs on ${path}'s filesystem`);
  }
}

/** Layer 2's special files, written into an unpacked rootfs. */
async function addSpecialFiles(rootfs: string): Promise<void> {
  const at = (p: string) => join(rootfs, p);
  await mkdir(at('/data/replaced-dir'), { recursive: true });
  await mkdir(at('/data/opaque-dir'));
  await writeFile(at(imageFiles.file), 'hello\n');
  await link(at(imageFiles.file), at(imageFiles.hardlink));
  await symlink('file.txt', at(imageFiles.symlink));
  await symlink('/etc/passwd', at(imageFiles.absSymlink));
  await tool('mknod', ['-m', '0666', at(imageFiles.charDevice), 'c', '1', '3']);
  await writeFile(at(imageFiles.xattrFile), 'has an xattr\n');
  await setXattr(at(imageFiles.xattrFile), 'user.skiff', 'yes');
  await writeFile(at(imageFiles.setuidFile), '#!/bin/sh\necho setuid\n');
  await chmod(at(imageFiles.setuidFile), 0o4755);
  await writeFile(at(imageFiles.appOwned), 'belongs to app\n');
  await chown(at(imageFiles.appOwned), 1000, 1000);
  await chmod(at(imageFiles.appOwned), 0o640);
  await writeFile(at(imageFiles.longName), 'long name\n');
  await writeFile(at(imageFiles.deleted), 'to be deleted\n');
  for (const d of [imageFiles.replacedDir, imageFiles.opaqueDir]) {
    await writeFile(at(`${d}/a`), 'a\n');
    await writeFile(at(`${d}/b`), 'b\n');
  }
}

/** Unpacks `image`, lets `change` edit its rootfs, and repacks the difference as a new layer. */
async function umociLayer(work: string, image: string, createdBy: string, change: (rootfs: string) => Promise<void>): Promise<void> {
  const bundle = join(work, 'bundle');
  await tool('umoci', ['unpack', '--image', image, bundle]);
  await change(join(bundle, 'rootfs'));
  await tool('umoci', ['repack', '--history.created_by', createdBy, '--image', image, bundle]);
  await rm(bundle, { recursive: true, force: true });
}

/**
 * Appends a layer made by hand with GNU tar: umoci's repack never writes an opaque-directory
 * marker (it whites out each removed file instead), so `.wh..wh..opq` needs a hand-made tar.
 */
async function tarLayer(work: string, image: string, createdBy: string, files: Record<string, string>, tag?: string): Promise<void> {
  const dir = join(work, 'layer');
  const entries = new Set<string>();
  for (const [path, content] of Object.entries(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) entries.add(parts.slice(0, i).join('/'));
    await mkdir(join(dir, ...parts.slice(0, -1)), { recursive: true });
    await writeFile(join(dir, path), content);
    entries.add(path);
  }
  const tarFile = join(work, 'layer.tar');
  await tool('tar', ['--create', '--file', tarFile, '--directory', dir, '--no-recursion', '--numeric-owner',
    '--owner=0', '--group=0', '--mtime=@0', ...[...entries].sort()]);
  await tool('umoci', ['raw', 'add-layer', '--history.created_by', createdBy, '--image', image, ...(tag ? ['--tag', tag] : []), tarFile]);
  await rm(dir, { recursive: true, force: true });
  await rm(tarFile);
}

/**
 * docker-archive holds one image per skopeo copy. Docker's format allows several, listed in
 * manifest.json, with blobs named by digest (so shared layers coincide); merging two
 * single-image archives is concatenating their manifest.json arrays and uniting their files.
 */
async function mergeDockerArchives(work: string, archives: string[], out: string): Promise<void> {
  const dir = join(work, 'merge');
  await mkdir(dir);
  const manifests: unknown[] = [];
  let repositories: Record<string, unknown> = {};
  for (const archive of archives) {
    await tool('tar', ['--extract', '--file', archive, '--directory', dir]);
    manifests.push(...(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as unknown[]));
    const repos = await readFile(join(dir, 'repositories'), 'utf8').catch(() => undefined);
    if (repos) repositories = { ...repositories, ...(JSON.parse(repos) as Record<string, unknown>) };
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifests));
  if (Object.keys(repositories).length) await writeFile(join(dir, 'repositories'), JSON.stringify(repositories));
  const names = (await readdir(dir)).sort();
  await tool('tar', ['--create', '--file', out, '--directory', dir, '--numeric-owner', ...names]);
  await rm(dir, { recursive: true, force: true });
}

async function skopeoCopy(from: string, to: string): Promise<void> {
  await tool('skopeo', ['--insecure-policy', 'copy', '--quiet', from, to]);
}

/** The fixture files fixtures.ts exposes, relative to the fixture directory. */
export const fixtureNames = {
  rootfsTar: 'rootfs.tar',
  ociLayout: 'oci',
  dockerArchive: 'busybox-docker.tar',
  gzipDockerArchive: 'busybox-docker.tar.gz',
  ociArchive: 'busybox-oci.tar',
  dirImage: 'busybox-dir',
  multiImageDockerArchive: 'two-images-docker.tar',
} as const;

/** Builds every fixture into `out` (an empty directory); `work` is scratch space. */
export async function buildFixtures(out: string, work: string, busybox: string): Promise<void> {
  const rootfs = join(work, 'rootfs');
  const rootfsTar = join(out, fixtureNames.rootfsTar);
  await makeRootfs(rootfs, busybox);
  await tool('tar', ['--create', '--file', rootfsTar, '--directory', rootfs, '--numeric-owner', '.']);
  await rm(rootfs, { recursive: true, force: true });

  const layout = join(out, fixtureNames.ociLayout);
  const image = `${layout}:${imageNames.ociRef}`;
  await tool('umoci', ['init', '--layout', layout]);
  await tool('umoci', ['new', '--image', image]);
  await umociLayer(work, image, 'skiff fixture: busybox rootfs', (r) =>
    tool('tar', ['--extract', '--file', rootfsTar, '--directory', r, '--same-owner', '--same-permissions']).then(() => undefined));
  await umociLayer(work, image, 'skiff fixture: special files', addSpecialFiles);
  await umociLayer(work, image, 'skiff fixture: whiteouts', async (r) => {
    await rm(join(r, imageFiles.deleted));
    await rm(join(r, imageFiles.replacedDir), { recursive: true });
    await mkdir(join(r, imageFiles.replacedDir));
    await writeFile(join(r, imageFiles.replacedDir, 'new'), 'new\n');
  });
  const opaque = imageFiles.opaqueDir.slice(1);
  await tarLayer(work, image, 'skiff fixture: opaque directory', { [`${opaque}/.wh..wh..opq`]: '', [`${opaque}/fresh`]: 'fresh\n' });
  await tool('umoci', ['config', '--image', image, '--history.created_by', 'skiff fixture: config',
    ...imageConfig.cmd.flatMap((c) => ['--config.cmd', c]),
    ...imageConfig.env.flatMap((e) => ['--config.env', e]),
    ...Object.entries(imageConfig.labels).flatMap(([k, v]) => ['--config.label', `${k}=${v}`]),
    '--config.workingdir', imageConfig.workingDir]);
  await verifyLayers(layout, imageNames.ociRef);

  const secondRef = 'second:latest';
  const second = `${layout}:${secondRef}`;
  await tarLayer(work, image, 'skiff fixture: second image', { [imageFiles.secondOnly.slice(1)]: 'second\n' }, secondRef);
  const dockerArchive = join(out, fixtureNames.dockerArchive);
  const secondArchive = join(work, 'second-docker.tar');
  await skopeoCopy(`oci:${image}`, `docker-archive:${dockerArchive}:${imageNames.docker}`);
  await skopeoCopy(`oci:${second}`, `docker-archive:${secondArchive}:${imageNames.second}`);
  await skopeoCopy(`oci:${image}`, `oci-archive:${join(out, fixtureNames.ociArchive)}:${imageNames.ociRef}`);
  await skopeoCopy(`oci:${image}`, `dir:${join(out, fixtureNames.dirImage)}`);
  // The layout keeps busybox:latest only, so `oci:LAYOUT` without a tag is unambiguous.
  await tool('umoci', ['rm', '--image', second]);
  await tool('umoci', ['gc', '--layout', layout]);
  await mergeDockerArchives(work, [dockerArchive, secondArchive], join(out, fixtureNames.multiImageDockerArchive));
  await pipeline(createReadStream(dockerArchive), createGzip(), createWriteStream(join(out, fixtureNames.gzipDockerArchive)));
}
