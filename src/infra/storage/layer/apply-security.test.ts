import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { CorruptContentError, PathEscapeError } from '../../../define/errors.ts';
import { lgetxattr } from '../../sys/fs-syscalls.ts';
import { applyBuffer, packTar, reassembled, sha256, tempDir, type PackEntry } from './test-kit.test.ts';

/** A directory outside the layer with one file in it, and a check that neither changed. */
function outside(base: string): { dir: string; untouched: () => void } {
  const dir = `${base}/outside`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/target`, 'precious');
  return {
    dir,
    untouched: () => {
      assert.deepEqual(readdirSync(dir), ['target']);
      assert.equal(readFileSync(`${dir}/target`, 'utf8'), 'precious');
      assert.equal(lstatSync(`${dir}/target`).mode & 0o7777, 0o644);
      assert.equal(lgetxattr(dir, 'trusted.overlay.opaque'), undefined);
    },
  };
}

const refused: Array<[string, (out: string) => PackEntry[], typeof PathEscapeError | typeof CorruptContentError]> = [
  ['a ".." that climbs out', () => [{ name: '../outside/x', data: 'evil' }], PathEscapeError],
  ['a ".." in the middle', () => [{ name: 'a/../../outside/x', data: 'evil' }], PathEscapeError],
  ['a write through an absolute symlink', (out) => [
    { name: 'a', type: 'symlink', linkname: out },
    { name: 'a/x', data: 'evil' },
  ], PathEscapeError],
  ['a write through a symlink to ..', () => [
    { name: 'up', type: 'symlink', linkname: '..' },
    { name: 'up/outside/x', data: 'evil' },
  ], PathEscapeError],
  ['a write through a symlink to ../..', () => [
    { name: 'sub/', type: 'directory' },
    { name: 'sub/up', type: 'symlink', linkname: '../..' },
    { name: 'sub/up/outside/target', data: 'evil' },
  ], PathEscapeError],
  ['a write through a symlink in a deeper component', (out) => [
    { name: 'a/b', type: 'symlink', linkname: out },
    { name: 'a/b/c/d', data: 'evil' },
  ], PathEscapeError],
  ['a directory replaced by a symlink, then written through', (out) => [
    { name: 'd/', type: 'directory' },
    { name: 'd/ok', data: 'fine' },
    { name: 'd', type: 'symlink', linkname: out },
    { name: 'd/x', data: 'evil' },
  ], PathEscapeError],
  ['a symlink in the path even when it stays inside the layer', () => [
    { name: 'usr/lib/', type: 'directory' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'lib/x', data: 'x' },
  ], PathEscapeError],
  ['a hard link climbing out', () => [{ name: 'h', type: 'link', linkname: '../outside/target' }], PathEscapeError],
  ['a hard link through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 'h', type: 'link', linkname: 's/target' },
  ], PathEscapeError],
  ['a hard link to /etc/passwd', () => [{ name: 'h', type: 'link', linkname: '/etc/passwd' }], CorruptContentError],
  ['a whiteout through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 's/.wh.target', data: '' },
  ], PathEscapeError],
  ['an opaque marker through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 's/.wh..wh..opq', data: '' },
  ], PathEscapeError],
  ['a device node through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 's/null', type: 'character-device', devmajor: 1, devminor: 3 },
  ], PathEscapeError],
  ['a directory through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 's/newdir/', type: 'directory', mode: 0o777 },
  ], PathEscapeError],
  ['a symlink through a symlink', (out) => [
    { name: 's', type: 'symlink', linkname: out },
    { name: 's/l', type: 'symlink', linkname: '/etc/shadow' },
  ], PathEscapeError],
];

for (const [what, entries, errorClass] of refused) {
  test(`refuses ${what}, writing nothing outside`, async (t) => {
    const base = tempDir(t);
    const out = outside(base);
    const layers = `${base}/layers`;
    mkdirSync(layers);
    await assert.rejects(applyBuffer(layers, await packTar(entries(out.dir))), errorClass);
    out.untouched();
  });
}

test('absolute names land inside the layer', async (t) => {
  const base = tempDir(t);
  const out = outside(base);
  const tar = await packTar([{ name: `${out.dir}/target`, data: 'inside' }, { name: '/etc/x', data: 'y' }]);
  const a = await applyBuffer(base, tar);
  assert.equal(readFileSync(`${a.dir}${out.dir}/target`, 'utf8'), 'inside');
  assert.equal(readFileSync(`${a.dir}/etc/x`, 'utf8'), 'y');
  out.untouched();
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('an entry over a symlink replaces the link instead of writing through it', async (t) => {
  const base = tempDir(t);
  const out = outside(base);
  const tar = await packTar([
    { name: 'f', type: 'symlink', linkname: `${out.dir}/target` },
    { name: 'f', data: 'replaced', mode: 0o777 },
    { name: 'd', type: 'symlink', linkname: out.dir },
    { name: 'd/', type: 'directory', mode: 0o700 },
    { name: 'd/x', data: 'inside' },
    { name: 'n', type: 'symlink', linkname: `${out.dir}/target` },
    { name: 'n', type: 'fifo', mode: 0o666 },
    { name: 'h', type: 'symlink', linkname: `${out.dir}/target` },
    { name: 'real', data: 'r' },
    { name: 'h', type: 'link', linkname: 'real' },
  ]);
  const a = await applyBuffer(base, tar);
  assert.equal(readFileSync(`${a.dir}/f`, 'utf8'), 'replaced');
  assert.ok(lstatSync(`${a.dir}/d`).isDirectory());
  assert.equal(readFileSync(`${a.dir}/d/x`, 'utf8'), 'inside');
  assert.ok(lstatSync(`${a.dir}/n`).isFIFO());
  assert.equal(lstatSync(`${a.dir}/h`).ino, lstatSync(`${a.dir}/real`).ino);
  out.untouched();
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('symlinks pointing outside are stored as they are, never followed', async (t) => {
  const base = tempDir(t);
  const out = outside(base);
  const tar = await packTar([
    { name: 'abs', type: 'symlink', linkname: `${out.dir}/target` },
    { name: 'rel', type: 'symlink', linkname: '../../../../outside/target' },
    { name: 'self', type: 'symlink', linkname: 'self' },
  ]);
  const a = await applyBuffer(base, tar);
  assert.equal(readlinkSync(`${a.dir}/abs`), `${out.dir}/target`);
  assert.equal(readlinkSync(`${a.dir}/rel`), '../../../../outside/target');
  out.untouched();
  assert.ok(!existsSync(`${a.dir}/outside`));
});
