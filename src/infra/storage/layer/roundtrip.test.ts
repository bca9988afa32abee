import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyBuffer, buildTree, describeTree, reassembled, run, sha256, tempDir } from './test-kit.test.ts';

const gnuTarFormats: Array<[string, string[]]> = [
  ['gnu', ['--format=gnu']],
  ['oldgnu', ['--format=oldgnu']],
  ['posix with xattrs', ['--format=posix', '--xattrs', '--xattrs-include=*']],
];

for (const [name, flags] of gnuTarFormats) {
  test(`GNU tar, ${name} format: applies faithfully and reassembles byte for byte`, async (t) => {
    const base = tempDir(t);
    const src = join(base, 'src');
    mkdirSync(src);
    buildTree(src, { sparse: true });
    const tarPath = join(base, 'layer.tar');
    await run('tar', [...flags, '--sparse', '--numeric-owner', '-C', src, '-cf', tarPath, '.']);
    const tar = readFileSync(tarPath);
    const a = await applyBuffer(base, tar, { expectedDiffId: sha256(tar) });
    const xattrs = flags.includes('--xattrs');
    assert.deepEqual(describeTree(a.dir, { xattrs }), describeTree(src, { xattrs }));
    assert.ok(lstatSync(join(a.dir, 'sparse')).blocks * 512 < 1 << 20, 'the sparse file keeps its holes');
    assert.equal(sha256(await reassembled(a)), sha256(tar));
  });
}

test('GNU tar sparse formats 0.0, 0.1 and 1.0', async (t) => {
  const base = tempDir(t);
  const src = join(base, 'src');
  mkdirSync(src);
  buildTree(src, { sparse: true });
  for (const version of ['0.0', '0.1', '1.0']) {
    const tarPath = join(base, `sparse-${version}.tar`);
    await run('tar', ['--format=posix', '--sparse', `--sparse-version=${version}`, '-C', src, '-cf', tarPath, 'sparse', 'empty']);
    const tar = readFileSync(tarPath);
    const a = await applyBuffer(base, tar);
    assert.equal(sha256(readFileSync(join(a.dir, 'sparse'))), sha256(readFileSync(join(src, 'sparse'))), version);
    assert.equal(a.fileSize, 8_000_000);
    assert.equal(sha256(await reassembled(a)), sha256(tar), version);
  }
});

test('gzip and zstd layers made by the command-line tools', async (t) => {
  const base = tempDir(t);
  const src = join(base, 'src');
  mkdirSync(src);
  buildTree(src);
  const tarPath = join(base, 'layer.tar');
  await run('tar', ['--format=posix', '--xattrs', '--xattrs-include=*', '-C', src, '-cf', tarPath, '.']);
  await run('gzip', ['-k', tarPath]);
  await run('zstd', ['-q', '-k', tarPath, '-o', `${tarPath}.zst`]);
  const tar = readFileSync(tarPath);
  for (const blob of [readFileSync(`${tarPath}.gz`), readFileSync(`${tarPath}.zst`)]) {
    const a = await applyBuffer(base, blob, { expectedDigest: sha256(blob), expectedDiffId: sha256(tar) });
    assert.deepEqual(describeTree(a.dir), describeTree(src));
    assert.equal(sha256(await reassembled(a)), sha256(tar));
  }
});

interface OciLayer {
  digest: string;
  diffId: string;
  blob: Buffer;
}

async function umociLayers(layout: string, tag: string): Promise<OciLayer[]> {
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', ...digest.split(':')));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
  const desc = index.manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === tag)!;
  const manifest = JSON.parse(blob(desc.digest).toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
  const config = JSON.parse(blob(manifest.config.digest).toString()) as { rootfs: { diff_ids: string[] } };
  return manifest.layers.map((l, i) => ({ digest: l.digest, diffId: config.rootfs.diff_ids[i]!, blob: blob(l.digest) }));
}

test('layers written by Go (umoci): digests check, whiteouts apply, tars reassemble', async (t) => {
  const base = tempDir(t);
  const layout = join(base, 'oci');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:t`]);
  await run('umoci', ['unpack', '--image', `${layout}:t`, join(base, 'b1')]);
  const rootfs1 = join(base, 'b1/rootfs');
  buildTree(rootfs1);
  await run('umoci', ['repack', '--image', `${layout}:t`, join(base, 'b1')]);
  await run('umoci', ['unpack', '--image', `${layout}:t`, join(base, 'b2')]);
  const rootfs2 = join(base, 'b2/rootfs');
  unlinkSync(join(rootfs2, 'etc/passwd'));
  rmSync(join(rootfs2, 'données'), { recursive: true });
  writeFileSync(join(rootfs2, 'bin/new'), 'added');
  await run('umoci', ['repack', '--image', `${layout}:t`, join(base, 'b2')]);

  const layers = await umociLayers(layout, 't');
  assert.equal(layers.length, 2);
  const applied = [];
  for (const l of layers) {
    const a = await applyBuffer(base, l.blob, { expectedDigest: l.digest, expectedDiffId: l.diffId });
    assert.equal(a.diffId, l.diffId);
    assert.equal(sha256(await reassembled(a)), l.diffId);
    applied.push(a);
  }
  const [lower, upper] = applied as [typeof applied[0], typeof applied[0]];
  assert.deepEqual(describeTree(lower.dir), describeTree(rootfs1));
  for (const gone of ['etc/passwd', 'données']) {
    const st = lstatSync(join(upper.dir, gone));
    assert.ok(st.isCharacterDevice() && st.rdev === 0, `${gone} is a whiteout`);
  }
  assert.equal(readFileSync(join(upper.dir, 'bin/new'), 'utf8'), 'added');
  assert.ok(!readdirSync(join(upper.dir, 'etc')).some((n) => n.startsWith('.wh.')));
});
