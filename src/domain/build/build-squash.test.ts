import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lgetxattr, lsetxattr, mknod, S_IFCHR } from '../../infra/sys/fs-syscalls.ts';
import { clampTimes, mergeLayerDirs } from './build-squash.ts';

const root = mkdtempSync(join(tmpdir(), 'skiff-squash-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    if (rel.endsWith('/')) mkdirSync(join(dir, rel), { recursive: true });
    else writeFileSync(join(dir, rel), content);
  }
  return dir;
}

function listing(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).sort().flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    const st = lstatSync(join(dir, r));
    if (st.isDirectory()) return [`${r}/`, ...listing(dir, r)];
    if (st.isCharacterDevice()) return [`${r} (whiteout)`];
    if (st.isSymbolicLink()) return [`${r} -> ${readlinkSync(join(dir, r))}`];
    return [`${r}=${readFileSync(join(dir, r), 'utf8')}`];
  });
}

const isRoot = process.getuid?.() === 0;

test('layers merge bottom to top: replaced files, whiteouts, opaque directories', { skip: !isRoot && 'needs root for whiteouts (mknod)' }, () => {
  const l1 = tree('l1', { 'a': 'a1', 'dir/x': 'x1', 'dir/y': 'y1', 'gone': 'g', 'opq/old': 'o', 'file-then-dir': 'f' });
  symlinkSync('a', join(l1, 'link'));
  const l2 = tree('l2', { 'a': 'a2', 'dir/z': 'z2', 'opq/new': 'n', 'file-then-dir/inside': 'i', 'base-gone/': '' });
  mknod(join(l2, 'gone'), S_IFCHR, 0, 0);
  mknod(join(l2, 'dir', 'y'), S_IFCHR, 0, 0);
  mknod(join(l2, 'from-base'), S_IFCHR, 0, 0);
  lsetxattr(join(l2, 'opq'), 'trusted.overlay.opaque', Buffer.from('y'));
  const below = new Set(['from-base', 'opq']);
  const onBase = join(root, 'on-base');
  mkdirSync(onBase);
  mergeLayerDirs([l1, l2], onBase, { format: 'overlay-root', existsBelow: (rel) => below.has(rel) });
  assert.deepEqual(listing(onBase), [
    'a=a2', 'base-gone/', 'dir/', 'dir/x=x1', 'dir/z=z2', 'file-then-dir/', 'file-then-dir/inside=i', 'from-base (whiteout)', 'link -> a', 'opq/', 'opq/new=n',
  ]);
  assert.equal(lgetxattr(join(onBase, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
  const alone = join(root, 'alone');
  mkdirSync(alone);
  mergeLayerDirs([l1, l2], alone, { format: 'overlay-root' });
  assert.ok(!listing(alone).includes('from-base (whiteout)'));
  assert.equal(lgetxattr(join(alone, 'opq'), 'trusted.overlay.opaque'), undefined);
});

test('owners, modes and times are kept; clampTimes sets them all', { skip: !isRoot && 'needs root to chown' }, () => {
  const l = tree('meta', { 'd/f': 'data' });
  chownSync(join(l, 'd/f'), 1000, 1001);
  chmodSync(join(l, 'd/f'), 0o4750);
  utimesSync(join(l, 'd'), 1000, 1000);
  const out = join(root, 'meta-out');
  mkdirSync(out);
  mergeLayerDirs([l], out, { format: 'overlay-root' });
  const st = statSync(join(out, 'd/f'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [1000, 1001, 0o4750]);
  assert.equal(statSync(join(out, 'd')).mtimeMs, 1000_000);
  clampTimes(out, 42);
  assert.equal(statSync(join(out, 'd')).mtimeMs, 42_000);
  assert.equal(statSync(join(out, 'd/f')).mtimeMs, 42_000);
});
