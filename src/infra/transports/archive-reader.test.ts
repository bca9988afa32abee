import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { CorruptContentError, DigestMismatchError, InvalidArgumentError, NoSuchImageError, PathEscapeError } from '../../define/errors.ts';
import { openArchive, openArchiveStream, openDockerDir, openOciLayout } from './archive-reader.ts';
import type { ImageArchiveReader, SourceImage } from './types.ts';
import { buildFixtures, extract, fixturesUnavailable, hashStream, pack, sha256, skopeo, type Fixtures } from './fixtures.test.ts';

const skip = fixturesUnavailable();
let fx: Fixtures;

async function imagesOf(reader: ImageArchiveReader): Promise<SourceImage[]> {
  try {
    return await reader.images();
  } finally {
    await reader.close();
  }
}

async function readLayers(image: SourceImage): Promise<Array<{ digest: string; size: number }>> {
  const out = [];
  for (const layer of image.layers) out.push(await hashStream(await layer.open()));
  return out;
}

/** Checks an image read from a docker-format source: every layer is its diffID. */
async function checkDockerImage(image: SourceImage): Promise<void> {
  assert.equal(image.configDigest, fx.configDigest);
  assert.equal(sha256(image.configBytes), fx.configDigest);
  assert.deepEqual(image.layers.map((l) => l.diffId), fx.diffIds);
  assert.deepEqual((await readLayers(image)).map((l) => l.digest), fx.diffIds);
}

describe('reading archives made by skopeo', { skip }, () => {
  before(async () => {
    fx = await buildFixtures();
  });
  after(async () => {
    await fx?.cleanup();
  });

  test('docker-archive: names, config, diffIDs, generated manifest', async () => {
    const reader = await openArchive(fx.dockerArchive);
    assert.equal(reader.format, 'docker-archive');
    const images = await imagesOf(reader);
    assert.equal(images.length, 1);
    const [image] = images;
    assert.deepEqual(image!.names, ['example.com/fixture:v1']);
    await checkDockerImage(image!);
    const inspected = JSON.parse(skopeo('inspect', `docker-archive:${fx.dockerArchive}`)) as { Digest: string };
    assert.equal(sha256(image!.manifestBytes!), inspected.Digest, 'same manifest digest as containers/image generates');
    assert.deepEqual(image!.layers.map((l) => l.digest), fx.diffIds);
  });

  test('oci-archive: ref name under localhost/, blobs as stored', async () => {
    const reader = await openArchive(fx.ociArchive);
    assert.equal(reader.format, 'oci-archive');
    const [image, ...rest] = await imagesOf(reader);
    assert.equal(rest.length, 0);
    assert.deepEqual(image!.names, ['localhost/fixture:v1']);
    assert.equal(image!.configDigest, fx.configDigest);
    assert.equal(image!.manifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(image!.layers.map((l) => l.diffId), fx.diffIds);
    assert.deepEqual(
      image!.layers.map((l) => [l.digest, l.size, l.mediaType]),
      fx.manifest.layers.map((l) => [l.digest, l.size, l.mediaType]),
    );
    const read = await readLayers(image!);
    assert.deepEqual(read, fx.manifest.layers.map((l) => ({ digest: l.digest, size: l.size })));
  });

  test('gzip- and zstd-compressed archives', async () => {
    const gz = join(fx.dir, 'docker-archive.tar.gz');
    await writeFile(gz, gzipSync(await readFile(fx.dockerArchive)));
    const reader = await openArchive(gz, { tmpDir: fx.dir });
    const [image] = await reader.images();
    await checkDockerImage(image!);
    await reader.close();
    const zst = join(fx.dir, 'oci-archive.tar.zst');
    await writeFile(zst, zstdCompressSync(await readFile(fx.ociArchive)));
    const [ociImage] = await imagesOf(await openArchive(zst));
    assert.deepEqual(ociImage!.names, ['localhost/fixture:v1']);
  });

  test('a stream (stdin), compressed or not', async () => {
    const reader = await openArchiveStream(createReadStream(fx.dockerArchive));
    const [image] = await reader.images();
    await checkDockerImage(image!);
    await reader.close();
    // The magic number arrives split over chunks.
    const gz = gzipSync(await readFile(fx.ociArchive));
    const chunked = Readable.from([gz.subarray(0, 2), gz.subarray(2, 3), gz.subarray(3, 7), gz.subarray(7)]);
    const [ociImage] = await imagesOf(await openArchiveStream(chunked));
    assert.equal(ociImage!.configDigest, fx.configDigest);
  });

  test('a docker-archive repacked by GNU tar with two images, ./ names and a legacy layout', async () => {
    const otherArchive = join(fx.dir, 'other.tar');
    skopeo('copy', '-q', `oci:${fx.layout}:other`, `docker-archive:${otherArchive}:other:2`);
    const work = join(fx.dir, 'two');
    const manifestOf = async (archive: string, name: string): Promise<Array<{ Layers: string[] }>> =>
      JSON.parse(await readFile(join(await extract(archive, work, name), 'manifest.json'), 'utf8'));
    const [base] = await manifestOf(fx.dockerArchive, 'base');
    const [other] = await manifestOf(otherArchive, 'other');
    // One tree holding both archives' files (the second manifest.json overwrites the first).
    const a = await extract(fx.dockerArchive, work, 'tree');
    await extract(otherArchive, work, 'tree');
    // Legacy layout: the first layer as a real <id>/layer.tar, gzip-compressed.
    const firstLayer = base!.Layers[0]!;
    await mkdir(join(a, 'legacy0'), { recursive: true });
    await writeFile(join(a, 'legacy0', 'layer.tar'), gzipSync(await readFile(join(a, firstLayer))));
    const legacyBase = { ...base!, Layers: ['legacy0/layer.tar', ...base!.Layers.slice(1)] };
    await writeFile(join(a, 'manifest.json'), JSON.stringify([legacyBase, other]));
    const repacked = join(fx.dir, 'two.tar');
    pack(a, repacked);
    const images = await imagesOf(await openArchive(repacked));
    assert.deepEqual(images.map((i) => i.names), [['example.com/fixture:v1'], ['docker.io/library/other:2']]);
    await checkDockerImage(images[0]!);
    assert.deepEqual((await readLayers(images[1]!)).map((l) => l.digest), fx.diffIds);
    assert.notEqual(images[1]!.configDigest, fx.configDigest);
  });

  test('OCI layout directory, with and without a ref name; dir: directory', async () => {
    const all = await imagesOf(await openOciLayout(fx.layout));
    assert.deepEqual(all.map((i) => i.names), [['localhost/base:latest'], ['localhost/other:latest']]);
    const [base] = await imagesOf(await openOciLayout(fx.layout, 'base'));
    assert.equal(base!.configDigest, fx.configDigest);
    await assert.rejects((await openOciLayout(fx.layout, 'nope')).images(), NoSuchImageError);
    const viaOpen = await openArchive(fx.layout);
    assert.equal(viaOpen.format, 'oci-dir');
    await viaOpen.close();

    const reader = await openDockerDir(fx.dockerDir);
    assert.equal(reader.format, 'docker-dir');
    const [image] = await imagesOf(reader);
    assert.deepEqual(image!.names, []);
    assert.equal(image!.configDigest, fx.configDigest);
    assert.deepEqual(image!.layers.map((l) => l.diffId), fx.diffIds);
    assert.deepEqual((await readLayers(image!)).map((l) => l.digest), fx.manifest.layers.map((l) => l.digest));
    assert.equal((await openArchive(fx.dockerDir)).format, 'docker-dir');
  });

  test('a nested image index is resolved for the platform, or lists what it has', async () => {
    const layout = join(fx.dir, 'nested');
    await extract(fx.ociArchive, fx.dir, 'nested');
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8'));
    const entry = index.manifests[0];
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: entry.mediaType, digest: `sha256:${'0'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: entry.mediaType, digest: entry.digest, size: entry.size, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      }),
    );
    await writeFile(join(layout, 'blobs', 'sha256', sha256(nested).slice(7)), nested);
    index.manifests = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(nested), size: nested.length, annotations: entry.annotations }];
    await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    const [image] = await imagesOf(await openOciLayout(layout, undefined, { platform: { os: 'linux', architecture: 'amd64' } }));
    assert.equal(image!.configDigest, fx.configDigest);
    assert.deepEqual(image!.names, ['localhost/fixture:v1']);
    const reader = await openOciLayout(layout, undefined, { platform: { os: 'linux', architecture: 's390x' } });
    await assert.rejects(reader.images(), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.match(err.message, /architecture s390x.*available: linux\/arm64\/v8, linux\/amd64/);
      return true;
    });
  });
});

describe('damaged archives', { skip }, () => {
  before(async () => {
    fx = await buildFixtures();
  });
  after(async () => {
    await fx?.cleanup();
  });

  async function corruptCopy(source: string, name: string, at: (data: Buffer) => number): Promise<string> {
    const data = Buffer.from(await readFile(source));
    const pos = at(data);
    data[pos] = data[pos]! ^ 0xff;
    const out = join(fx.dir, name);
    await writeFile(out, data);
    return out;
  }

  test('a flipped byte in a layer fails its stream with DigestMismatchError', async () => {
    // The first member of skopeo's docker-archive is the first layer: flip a byte well inside it.
    const damaged = await corruptCopy(fx.dockerArchive, 'flip-docker.tar', () => 512 + 100_000);
    const [image] = await (await openArchive(damaged)).images();
    await assert.rejects(hashStream(await image!.layers[0]!.open()), DigestMismatchError);
    assert.equal((await hashStream(await image!.layers[1]!.open())).digest, fx.diffIds[1]);

    const oci = await extract(fx.ociArchive, fx.dir, 'flip-oci');
    const blob = join(oci, 'blobs', 'sha256', fx.manifest.layers[0]!.digest.slice(7));
    const data = await readFile(blob);
    data[data.length - 20] = data[data.length - 20]! ^ 0xff;
    await writeFile(blob, data);
    const [ociImage] = await imagesOf(await openOciLayout(oci));
    await assert.rejects(hashStream(await ociImage!.layers[0]!.open()), (err: Error) => {
      assert.ok(err instanceof DigestMismatchError);
      assert.equal(err.expected, fx.manifest.layers[0]!.digest);
      return true;
    });
  });

  test('a damaged config or manifest blob is a DigestMismatchError at once', async () => {
    const oci = await extract(fx.ociArchive, fx.dir, 'flip-config');
    const config = join(oci, 'blobs', 'sha256', fx.configDigest.slice(7));
    const text = await readFile(config, 'utf8');
    await writeFile(config, text.replace('skiff tests', 'skiff_tests'));
    await assert.rejects((await openOciLayout(oci)).images(), DigestMismatchError);
  });

  test('a truncated archive is a CorruptContentError', async () => {
    const data = await readFile(fx.dockerArchive);
    const truncated = join(fx.dir, 'truncated.tar');
    await writeFile(truncated, data.subarray(0, Math.floor(data.length / 2)));
    await assert.rejects(openArchive(truncated), CorruptContentError);
    const gz = join(fx.dir, 'truncated.tar.gz');
    const compressed = gzipSync(data);
    await writeFile(gz, compressed.subarray(0, compressed.length - 1000));
    await assert.rejects(openArchive(gz), CorruptContentError);
  });

  test('a missing blob is a CorruptContentError naming it', async () => {
    const oci = await extract(fx.ociArchive, fx.dir, 'missing');
    const digest = fx.manifest.layers[2]!.digest;
    await rm(join(oci, 'blobs', 'sha256', digest.slice(7)));
    const archive = join(fx.dir, 'missing.tar');
    pack(oci, archive);
    await assert.rejects((await openArchive(archive)).images(), (err: Error) => {
      assert.ok(err instanceof CorruptContentError);
      assert.ok(err.message.includes(digest), err.message);
      return true;
    });

    const docker = await extract(fx.dockerArchive, fx.dir, 'missing-docker');
    await rm(join(docker, `${fx.diffIds[1]!.slice(7)}.tar`));
    const dockerArchive = join(fx.dir, 'missing-docker.tar');
    pack(docker, dockerArchive);
    await assert.rejects((await openArchive(dockerArchive)).images(), (err: Error) => {
      assert.ok(err instanceof CorruptContentError);
      assert.ok(err.message.includes(fx.diffIds[1]!), err.message);
      return true;
    });
  });

  test('malformed JSON is a CorruptContentError', async () => {
    const docker = await extract(fx.dockerArchive, fx.dir, 'bad-json');
    await writeFile(join(docker, 'manifest.json'), '[{"Config": ');
    const archive = join(fx.dir, 'bad-json.tar');
    pack(docker, archive);
    await assert.rejects((await openArchive(archive)).images(), CorruptContentError);

    const oci = await extract(fx.ociArchive, fx.dir, 'bad-index');
    await writeFile(join(oci, 'index.json'), '{"schemaVersion": 2, "manifests": [{"digest": "sha256:abc"}]}');
    await assert.rejects((await openOciLayout(oci)).images(), CorruptContentError);
    await writeFile(join(oci, 'index.json'), 'nonsense');
    await assert.rejects((await openOciLayout(oci)).images(), CorruptContentError);
  });

  test('paths climbing out of the archive are refused', async () => {
    const docker = await extract(fx.dockerArchive, fx.dir, 'escape');
    const manifest = JSON.parse(await readFile(join(docker, 'manifest.json'), 'utf8'));
    manifest[0].Layers[0] = '../../../../etc/passwd';
    await writeFile(join(docker, 'manifest.json'), JSON.stringify(manifest));
    const archive = join(fx.dir, 'escape.tar');
    pack(docker, archive);
    await assert.rejects((await openArchive(archive)).images(), PathEscapeError);

    manifest[0].Layers[0] = 'evil/layer.tar';
    await writeFile(join(docker, 'manifest.json'), JSON.stringify(manifest));
    await mkdir(join(docker, 'evil'));
    await symlink('../../../../../etc/passwd', join(docker, 'evil', 'layer.tar'));
    pack(docker, archive);
    await assert.rejects((await openArchive(archive)).images(), PathEscapeError);
  });

  test('files that are not archives', async () => {
    const garbage = join(fx.dir, 'garbage.tar');
    await writeFile(garbage, Buffer.alloc(4096, 'x'));
    await assert.rejects(openArchive(garbage), CorruptContentError);
    const empty = join(fx.dir, 'empty.tar');
    await writeFile(empty, '');
    await assert.rejects(openArchive(empty), CorruptContentError);
    await assert.rejects(openArchive(join(fx.dir, 'does-not-exist')), InvalidArgumentError);
    const plain = join(fx.dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'file'), 'x');
    pack(plain, join(fx.dir, 'plain.tar'));
    await assert.rejects(openArchive(join(fx.dir, 'plain.tar')), CorruptContentError);
  });
});
