import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { tarDirectory } from './tar-dir.ts';
import { applyBuffer, buildTree, collect, describeTree, reassembled, run, sha256, tempDir } from './test-kit.test.ts';

test('tarDirectory is deterministic and applies back to the same tree', async (t) => {
  const base = tempDir(t);
  const src = join(base, 'src');
  mkdirSync(src);
  buildTree(src, { sparse: true });
  const tar = await collect(tarDirectory(src));
  assert.deepEqual(await collect(tarDirectory(src)), tar);
  const a = await applyBuffer(base, tar, { expectedDiffId: sha256(tar) });
  assert.deepEqual(describeTree(a.dir), describeTree(src));
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('GNU tar and tar-stream read what tarDirectory writes', async (t) => {
  const base = tempDir(t);
  const src = join(base, 'src');
  mkdirSync(src);
  buildTree(src);
  const tarPath = join(base, 'out.tar');
  writeFileSync(tarPath, await collect(tarDirectory(src)));
  const out = join(base, 'gnu');
  mkdirSync(out);
  await run('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', tarPath, '-C', out]);
  assert.deepEqual(describeTree(out), describeTree(src));

  const names = (await run('tar', ['-tf', tarPath])).trim().split('\n');
  assert.deepEqual(names.slice(0, 2), ['bigid', 'bin/']);
  assert.ok(names.indexOf('bin/ash') < names.indexOf('bin/busybox'), 'sorted by name within a directory');
  assert.ok(names.indexOf('bin/sh') < names.indexOf('block'), 'depth first');

  const extract = tarStream.extract();
  const seen: Array<[string, string]> = [];
  extract.on('entry', (header, stream, next) => {
    seen.push([header.name, header.type ?? '']);
    stream.on('end', next);
    stream.resume();
  });
  Readable.from([await collect(tarDirectory(src))]).pipe(extract);
  await new Promise((resolve, reject) => extract.on('finish', () => resolve(undefined)).on('error', reject));
  assert.ok(seen.some(([n, type]) => n === 'bin/busybox' && type === 'link'), 'the second name of an inode is a hard link');
  assert.ok(seen.some(([n, type]) => n === 'dev/null' && type === 'character-device'));
  assert.ok(seen.some(([n]) => n.length > 255));
});

test('an empty directory gives an empty archive', async (t) => {
  const base = tempDir(t);
  const tar = await collect(tarDirectory(base));
  assert.deepEqual(tar, Buffer.alloc(1024));
});
