import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CorruptContentError, DigestMismatchError, InvalidArgumentError } from '../../define/errors.ts';
import { writeArchiveFile } from './atomic-file.ts';
import { writeDockerArchive } from './docker-archive-writer.ts';
import { writeDockerDir } from './docker-dir-writer.ts';
import { openArchive, openOciLayout } from './archive-reader.ts';
import { writeOciArchive, writeOciDir } from './oci-writer.ts';
import type { ArchiveImage, ImageArchiveReader, SourceImage } from './types.ts';
import { buildFixtures, fixturesUnavailable, hashStream, run, sha256, skopeo, type Fixtures } from './fixtures.test.ts';

const skip = fixturesUnavailable();
let fx: Fixtures;
let readers: ImageArchiveReader[] = [];
let base: SourceImage;
let other: SourceImage;

interface RawManifest {
  mediaType?: string;
  config: { digest: string; size: number; mediaType: string };
  layers: Array<{ mediaType: string; digest: string; size: number }>;
  annotations?: Record<string, string>;
}

/** An image read from a docker-archive (plain tar layers) as writer input. */
function toArchiveImage(image: SourceImage, names: string[], sized = true): ArchiveImage {
  return {
    names,
    configBytes: image.configBytes,
    layers: image.layers.map((l) => ({ diffId: l.diffId!, size: sized ? l.size : undefined, open: () => l.open() })),
  };
}

async function readSingle(path: string): Promise<SourceImage> {
  const reader = await openArchive(path);
  readers.push(reader);
  const images = await reader.images();
  assert.equal(images.length, 1);
  return images[0]!;
}

async function newDir(name: string): Promise<string> {
  return mkdtemp(join(fx.dir, `${name}-`));
}

function inspectRaw(ref: string): RawManifest {
  return JSON.parse(skopeo('inspect', '--raw', ref)) as RawManifest;
}

function checkConfigVia(ref: string): void {
  assert.equal(sha256(skopeo('inspect', '--config', '--raw', ref)), fx.configDigest);
}

describe('writers', { skip }, () => {
  before(async () => {
    fx = await buildFixtures();
    base = await readSingle(fx.dockerArchive);
    const otherArchive = join(fx.dir, 'other.tar');
    skopeo('copy', '-q', `oci:${fx.layout}:other`, `docker-archive:${otherArchive}:other:2`);
    other = await readSingle(otherArchive);
  });
  after(async () => {
    for (const reader of readers) await reader.close();
    readers = [];
    await fx?.cleanup();
  });

  test('docker-archive: byte for byte what podman save / skopeo write', async () => {
    const out = join(await newDir('docker'), 'out.tar');
    await writeArchiveFile(out, (o) => writeDockerArchive(o, [toArchiveImage(base, ['example.com/fixture:v1'])]));
    assert.ok((await readFile(out)).equals(await readFile(fx.dockerArchive)));
    const spooled = join(await newDir('docker-spooled'), 'out.tar');
    await writeArchiveFile(spooled, (o) => writeDockerArchive(o, [toArchiveImage(base, ['example.com/fixture:v1'], false)]));
    assert.ok((await readFile(spooled)).equals(await readFile(fx.dockerArchive)), 'layers of unknown size give the same bytes');
  });

  test('docker-archive with several images (save -m)', async () => {
    const out = join(await newDir('multi'), 'multi.tar');
    await writeArchiveFile(out, (o) =>
      writeDockerArchive(o, [
        toArchiveImage(base, ['a:1', 'docker.io/library/b:2']),
        toArchiveImage(other, ['quay.io/x/other']),
        toArchiveImage(base, ['localhost/c:3', 'a:1']),
      ]),
    );
    const inspected = JSON.parse(skopeo('inspect', `docker-archive:${out}:localhost/c:3`)) as { Layers: string[] };
    assert.deepEqual(inspected.Layers, fx.diffIds);
    const copy = await newDir('multi-copy');
    skopeo('copy', '-q', `docker-archive:${out}:quay.io/x/other:latest`, `oci:${copy}:o`);
    const members = run('tar', ['-tf', out]).trim().split('\n');
    assert.equal(members.filter((m) => /^[0-9a-f]{64}\.tar$/.test(m)).length, 3, 'shared layers stored once');
    const reader = await openArchive(out);
    readers.push(reader);
    const images = await reader.images();
    assert.deepEqual(images.map((i) => i.names), [
      ['docker.io/library/a:1', 'docker.io/library/b:2', 'localhost/c:3'],
      ['quay.io/x/other:latest'],
    ]);
    assert.equal((await hashStream(await images[1]!.layers[2]!.open())).digest, fx.diffIds[2]);
  });

  test('oci-archive: plain tar layers by default, read back by skopeo', async () => {
    const out = join(await newDir('oci'), 'oci.tar');
    await writeArchiveFile(out, (o) => writeOciArchive(o, [toArchiveImage(base, ['localhost/fixture:v1'])]));
    const ref = `oci-archive:${out}:localhost/fixture:v1`;
    const manifest = inspectRaw(ref);
    assert.equal(manifest.config.digest, fx.configDigest);
    assert.deepEqual(
      manifest.layers.map((l) => [l.mediaType, l.digest, l.size]),
      base.layers.map((l) => ['application/vnd.oci.image.layer.v1.tar', l.diffId, l.size]),
    );
    checkConfigVia(ref);
    skopeo('copy', '-q', ref, `oci:${await newDir('oci-copy')}:x`);
    const [image] = await (await openArchive(out)).images();
    assert.deepEqual(image!.names, ['localhost/fixture:v1']);
    assert.deepEqual(image!.layers.map((l) => l.digest), fx.diffIds);
  });

  test('oci-archive with compressed layers', async () => {
    const out = join(await newDir('ocigz'), 'oci.tar');
    await writeArchiveFile(out, (o) => writeOciArchive(o, [toArchiveImage(base, ['x'], false)], { compress: true, tmpDir: fx.dir }));
    const manifest = inspectRaw(`oci-archive:${out}:x`);
    assert.ok(manifest.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip'));
    skopeo('copy', '-q', `oci-archive:${out}:x`, `dir:${await newDir('ocigz-copy')}`);
    const reader = await openArchive(out);
    readers.push(reader);
    const [image] = await reader.images();
    for (const [i, layer] of image!.layers.entries()) {
      assert.equal((await hashStream((await layer.open()).pipe(createGunzip()))).digest, fx.diffIds[i]);
    }
    assert.deepEqual(await readdir(fx.dir).then((e) => e.filter((n) => n.startsWith('skiff-save-'))), [], 'spool removed');
  });

  test('oci-dir: a new layout, then more images added to it', async () => {
    const dir = join(await newDir('ocidir'), 'layout');
    await writeOciDir(dir, [toArchiveImage(base, ['a'])]);
    await writeOciDir(dir, [toArchiveImage(other, ['b'], false)], { compress: true });
    await writeOciDir(dir, [toArchiveImage(base, ['a'])]);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: unknown[] };
    assert.equal(index.manifests.length, 2);
    checkConfigVia(`oci:${dir}:a`);
    assert.ok(inspectRaw(`oci:${dir}:b`).layers.every((l) => l.mediaType.endsWith('+gzip')));
    const images = await (await openOciLayout(dir)).images();
    assert.deepEqual(images.map((i) => i.names), [['localhost/a:latest'], ['localhost/b:latest']]);
    assert.deepEqual((await readdir(join(dir, 'blobs', 'sha256'))).filter((n) => n.startsWith('.')), []);
  });

  test('docker-dir, plain or compressed; a foreign directory is refused', async () => {
    const dir = join(await newDir('dockerdir'), 'image');
    await writeDockerDir(dir, toArchiveImage(base, []));
    const manifest = inspectRaw(`dir:${dir}`);
    assert.equal(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.deepEqual(manifest.layers.map((l) => [l.mediaType, l.digest]), fx.diffIds.map((d) => ['application/vnd.docker.image.rootfs.diff.tar', d]));
    assert.equal(await readFile(join(dir, 'version'), 'utf8'), 'Directory Transport Version: 1.1\n');
    checkConfigVia(`dir:${dir}`);
    skopeo('copy', '-q', `dir:${dir}`, `oci:${await newDir('dockerdir-copy')}:x`);
    await writeDockerDir(dir, toArchiveImage(base, []), { compress: true });
    assert.ok(inspectRaw(`dir:${dir}`).layers.every((l) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
    assert.equal((await readdir(dir)).length, 3 + 3, 'only 3 layers, config, manifest.json and version');
    skopeo('copy', '-q', `dir:${dir}`, `oci:${await newDir('dockerdir-copy2')}:x`);
    const foreign = await newDir('foreign');
    await writeFile(join(foreign, 'precious'), 'keep me');
    await assert.rejects(writeDockerDir(foreign, toArchiveImage(base, [])), InvalidArgumentError);
    assert.equal(await readFile(join(foreign, 'precious'), 'utf8'), 'keep me');
  });

  test('a stored manifest is kept when it describes the blobs, else its annotations are', async () => {
    const dir = join(await newDir('verbatim'), 'layout');
    await writeOciDir(dir, [toArchiveImage(base, ['a'])]);
    const [written] = await (await openOciLayout(dir)).images();
    const parsed = JSON.parse(written!.manifestBytes!.toString()) as RawManifest;
    const stored = Buffer.from(JSON.stringify({ ...parsed, mediaType: 'application/vnd.oci.image.manifest.v1+json', annotations: { 'org.example': 'x' } }, null, 2));
    const out = join(await newDir('verbatim-archive'), 'out.tar');
    await writeArchiveFile(out, (o) => writeOciArchive(o, [{ ...toArchiveImage(base, ['a']), manifestBytes: stored }]));
    const [kept] = await (await openArchive(out)).images();
    assert.ok(kept!.manifestBytes!.equals(stored));
    await writeArchiveFile(out, (o) => writeOciArchive(o, [{ ...toArchiveImage(base, ['a']), manifestBytes: stored }], { compress: true }));
    const reader = await openArchive(out);
    readers.push(reader);
    const [rebuilt] = await reader.images();
    const manifest = JSON.parse(rebuilt!.manifestBytes!.toString()) as RawManifest;
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(manifest.annotations, { 'org.example': 'x' });
    assert.ok(manifest.layers.every((l) => l.mediaType.endsWith('+gzip')));
  });

  test('a layer that is not its diffID fails the write and leaves nothing behind', async () => {
    const dir = await newDir('bad');
    const image = toArchiveImage(base, ['bad:1']);
    const wrong: ArchiveImage = {
      ...image,
      layers: [{ ...image.layers[0]!, open: image.layers[1]!.open, size: undefined }, ...image.layers.slice(1)],
    };
    await assert.rejects(writeArchiveFile(join(dir, 'out.tar'), (o) => writeDockerArchive(o, [wrong], { tmpDir: dir })), DigestMismatchError);
    const short: ArchiveImage = { ...image, layers: [{ ...image.layers[1]!, size: 3 }] };
    await assert.rejects(writeArchiveFile(join(dir, 'out.tar'), (o) => writeOciArchive(o, [short])), CorruptContentError);
    const garbage: ArchiveImage = { ...image, layers: [{ diffId: fx.diffIds[0]!, size: 5, open: async () => Readable.from([Buffer.from('hello')]) }] };
    await assert.rejects(writeOciDir(join(dir, 'layout'), [garbage]), DigestMismatchError);
    assert.deepEqual(await readdir(join(dir, 'layout', 'blobs', 'sha256')), []);
    assert.deepEqual((await readdir(dir)).filter((n) => n !== 'layout'), []);
  });

  test('writeArchiveFile replaces a file atomically and writes devices in place', async () => {
    const dir = await newDir('atomic');
    const out = join(dir, 'out.tar');
    await writeFile(out, 'old');
    await assert.rejects(writeArchiveFile(out, async (o) => {
      o.write('partial');
      throw new Error('boom');
    }), /boom/);
    assert.equal(await readFile(out, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['out.tar']);
    await writeArchiveFile(out, async (o) => {
      o.write('new');
    });
    assert.equal(await readFile(out, 'utf8'), 'new');
    await writeArchiveFile('/dev/null', (o) => writeDockerArchive(o, [toArchiveImage(base, ['a'])]));
    assert.ok((await stat('/dev/null')).isCharacterDevice());
    await assert.rejects(writeArchiveFile(join(dir, 'missing', 'x.tar'), async () => {}), /ENOENT/);
  });
});
