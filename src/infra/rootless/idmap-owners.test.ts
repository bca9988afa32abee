import assert from 'node:assert/strict';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UnmappedIdError } from '../../define/errors.ts';
import { copyShifted, ownerIdSize } from './idmap-owners.ts';

const skip = process.getuid?.() === 0 ? false : 'needs root to own files by other uids';
let dir: string;
let src: string;
before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'skiff-idmap-owners-'));
  src = join(dir, 'src');
  mkdirSync(join(src, 'home/app'), { recursive: true });
  writeFileSync(join(src, 'file'), 'x');
  linkSync(join(src, 'file'), join(src, 'hardlink'));
  writeFileSync(join(src, 'setuid'), '');
  chmodSync(join(src, 'setuid'), 0o4755);
  symlinkSync('file', join(src, 'link'));
  chownSync(join(src, 'home/app'), 1000, 1001);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shift = (id: number) => (id < 2000 ? id + 100000 : undefined);

test('copyShifted moves every owner once (hard links too) and keeps setuid bits', { skip }, () => {
  const dest = join(dir, 'dest');
  mkdirSync(dest);
  copyShifted(src, dest, shift, shift, 'test');
  const owner = (rel: string) => {
    const st = lstatSync(join(dest, rel));
    return [st.uid, st.gid];
  };
  assert.deepEqual(owner(''), [100000, 100000]);
  assert.deepEqual(owner('file'), [100000, 100000]);
  assert.equal(lstatSync(join(dest, 'hardlink')).ino, lstatSync(join(dest, 'file')).ino);
  assert.deepEqual(owner('link'), [100000, 100000]);
  assert.deepEqual(owner('home/app'), [101000, 101001]);
  assert.equal(lstatSync(join(dest, 'setuid')).mode & 0o7777, 0o4755);
});

test('an owner the mapping cannot show names the file and the id', { skip }, () => {
  const dest = join(dir, 'dest2');
  mkdirSync(dest);
  assert.throws(
    () => copyShifted(src, dest, (id) => (id === 0 ? 5 : undefined), (id) => id, '0:5:1'),
    (err: Error) => err instanceof UnmappedIdError && /^\/home\/app in the image is owned by uid 1000, which the container's user namespace \(0:5:1\) does not map/.test(err.message),
  );
});

test('ownerIdSize is the highest owner, +1', { skip }, () => {
  assert.equal(ownerIdSize([src]), 1002);
});
