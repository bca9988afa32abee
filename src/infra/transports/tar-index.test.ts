import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptContentError, PathEscapeError } from '../../define/errors.ts';
import { cleanArchivePath, TarIndex } from './tar-index.ts';
import { tarHeader, TarWriter } from './tar-writer.ts';
import { hashStream } from './fixtures.test.ts';
import { createWriteStream } from 'node:fs';

let dir: string;
const longName = `${'d'.repeat(120)}/${'f'.repeat(110)}.txt`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skiff-tar-index-'));
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'd'.repeat(120)), { recursive: true });
  await writeFile(join(tree, longName), 'long name\n');
  await writeFile(join(tree, 'big.bin'), Buffer.alloc(100_000, 7));
  await writeFile(join(tree, 'empty'), '');
  await symlink('big.bin', join(tree, 'link'));
  await link(join(tree, 'big.bin'), join(tree, 'hard'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('cleanArchivePath', () => {
  assert.equal(cleanArchivePath('./a//b/'), 'a/b');
  assert.equal(cleanArchivePath('/a/./b'), 'a/b');
  assert.equal(cleanArchivePath('a/../b'), 'b');
  assert.throws(() => cleanArchivePath('../a'), PathEscapeError);
  assert.throws(() => cleanArchivePath('a/../../b'), PathEscapeError);
  assert.throws(() => cleanArchivePath('/..'), PathEscapeError);
});

for (const format of ['gnu', 'pax', 'ustar'] as const) {
  test(`members of a GNU tar ${format} archive, links followed`, async () => {
    const archive = join(dir, `${format}.tar`);
    // ustar cannot hold the 110-character file name; GNU and PAX extensions can.
    const members = format === 'ustar' ? ['big.bin', 'empty', 'link', 'hard'] : ['.'];
    execFileSync('tar', [`--format=${format}`, '-cf', archive, '-C', join(dir, 'tree'), ...members]);
    const index = await TarIndex.open(archive);
    const big = index.resolve('big.bin')!;
    assert.equal(big.size, 100_000);
    assert.deepEqual(await hashStream(index.openEntry(big)), await hashStream(index.openEntry(index.resolve('link')!)));
    assert.equal((await hashStream(index.openEntry(index.resolve('./hard')!))).size, 100_000);
    assert.equal(index.resolve('empty')!.size, 0);
    assert.equal((await index.readEntry(index.resolve('empty')!, 10, 'empty')).length, 0);
    assert.equal(index.resolve('nope'), undefined);
    if (format !== 'ustar') {
      assert.equal((await index.readEntry(index.resolve(longName)!, 100, 'long')).toString(), 'long name\n');
      assert.throws(() => index.resolve('d'.repeat(120)), CorruptContentError, 'a directory is not a blob');
    }
    await assert.rejects(index.readEntry(big, 1000, 'big.bin'), CorruptContentError);
    assert.deepEqual(await index.head(big, 3), Buffer.from([7, 7, 7]));
  });
}

test('headers written by TarWriter read back, including a split long name', async () => {
  const archive = join(dir, 'written.tar');
  const out = createWriteStream(archive);
  const writer = new TarWriter(out);
  const name = `${'p'.repeat(120)}/${'n'.repeat(90)}`;
  await writer.dir('blobs');
  await writer.file(name, 5, Buffer.from('hello'));
  await writer.file('short', 2, Buffer.from('hi'));
  await writer.symlink('blobs/s', '../short');
  await writer.finish();
  const index = await TarIndex.open(archive);
  assert.equal((await index.readEntry(index.resolve(name)!, 10, 'long')).toString(), 'hello');
  assert.equal((await index.readEntry(index.resolve('blobs/s')!, 10, 's')).toString(), 'hi');
  assert.equal(index.entry('blobs')!.type, 'dir');
  const listed = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
  assert.match(listed, /-r--r--r-- 0\/0 +5 1970-01-01 00:00 p+\/n+/);
  assert.equal(tarHeader('x', 'file', 2 ** 34, 0o644)[124], 0x80, 'base-256 size beyond 8 GiB');
});

test('damaged archives are CorruptContentErrors', async () => {
  const archive = join(dir, 'gnu.tar');
  const data = await readFile(archive);
  const cut = join(dir, 'cut.tar');
  await writeFile(cut, data.subarray(0, 512 * 3 + 100));
  await assert.rejects(TarIndex.open(cut), /truncated/);
  const bad = Buffer.from(data);
  bad[10] = bad[10]! ^ 0xff;
  await writeFile(cut, bad);
  await assert.rejects(TarIndex.open(cut), CorruptContentError);
  await writeFile(cut, data.subarray(0, 700));
  await assert.rejects(TarIndex.open(cut), CorruptContentError);
});
