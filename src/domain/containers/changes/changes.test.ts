import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lsetxattr, mknod, S_IFCHR } from '../../../infra/sys/fs-syscalls.ts';
import { changesJson, withoutContainerMountPoints, type Change } from './change.ts';
import { overlayChanges } from './overlay-changes.ts';
import { treeChanges } from './tree-changes.ts';

const base = mkdtempSync(join(tmpdir(), 'skiff-changes-'));
after(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function dir(files: Record<string, string | null>): string {
  const root = join(base, String(n++));
  mkdirSync(root);
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    if (content === null) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(join(abs, '..'), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  return root;
}

function lines(changes: Change[]): string[] {
  return changes.map((c) => `${c.kind} ${c.path}`);
}

const old = new Date('2020-01-01T00:00:00Z');
function age(root: string, ...paths: string[]): void {
  for (const p of paths) utimesSync(join(root, p), old, old);
}

describe('overlayChanges', () => {
  test('added, changed, whiteouts and opaque directories, in walk order with parents first', () => {
    const lower = dir({ 'etc/passwd': 'root', 'etc/group': 'g', 'data/file': 'x', 'data/opaque/a': 'a', 'keep': null });
    age(lower, 'etc', 'data', 'data/opaque', 'keep');
    const upper = dir({ 'etc/passwd': 'root+', 'new/deep/file': 'n', 'data/opaque/z': 'z', 'keep': null });
    age(upper, 'keep');
    mknod(join(upper, 'data/file'), S_IFCHR, 0, 0);
    lsetxattr(join(upper, 'data/opaque'), 'trusted.overlay.opaque', Buffer.from('y'));
    age(upper, 'etc', 'data');
    const changes = overlayChanges(upper, [lower], { whiteoutFormat: 'overlay-root' });
    assert.deepEqual(lines(changes), [
      'C /data',
      'D /data/file',
      'D /data/opaque',
      'A /data/opaque/z',
      'C /etc/passwd',
      'A /new',
      'A /new/deep',
      'A /new/deep/file',
    ]);
  });

  test('a path a lower layer whited out is new again; a directory only in the upper layer is added', () => {
    const bottom = dir({ 'a/f': 'old' });
    const middle = dir({});
    mknod(join(middle, 'a'), S_IFCHR, 0, 0);
    const upper = dir({ 'a/f': 'new' });
    assert.deepEqual(lines(overlayChanges(upper, [middle, bottom], { whiteoutFormat: 'overlay-root' })), ['A /a', 'A /a/f']);
  });

  test('an opaque directory with no lower counterpart is simply added', () => {
    const lower = dir({});
    const upper = dir({ 'fresh/x': '1' });
    lsetxattr(join(upper, 'fresh'), 'trusted.overlay.opaque', Buffer.from('y'));
    assert.deepEqual(lines(overlayChanges(upper, [lower], { whiteoutFormat: 'overlay-root' })), ['A /fresh', 'A /fresh/x']);
  });

  test('user.overlay xattrs in the rootless format', () => {
    const lower = dir({ 'd/a': 'a', 'gone': 'g' });
    age(lower, 'd');
    const upper = dir({ 'd/b': 'b' });
    lsetxattr(join(upper, 'd'), 'user.overlay.opaque', Buffer.from('y'));
    writeFileSync(join(upper, 'gone'), '');
    lsetxattr(join(upper, 'gone'), 'user.overlay.whiteout', Buffer.from('y'));
    assert.deepEqual(lines(overlayChanges(upper, [lower], { whiteoutFormat: 'overlay-user' })), ['D /d', 'A /d/b', 'D /gone']);
  });

  test('a symlink in a lower layer is never followed to decide what changed', () => {
    const outside = dir({ 'secret/file': 'x' });
    const lower = dir({});
    symlinkSync(join(outside, 'secret'), join(lower, 'link'));
    const upper = dir({ 'link/file': 'y' });
    assert.deepEqual(lines(overlayChanges(upper, [lower], { whiteoutFormat: 'overlay-root' })), ['C /link', 'A /link/file']);
  });
});

describe('treeChanges', () => {
  test('what the new tree added, changed and deleted', () => {
    const before = dir({ 'etc/passwd': 'root', 'etc/group': 'g', 'gone/x': '1', 'same': 's' });
    const now = dir({ 'etc/passwd': 'root+', 'etc/group': 'g', 'new/f': 'n', 'same': 's' });
    for (const root of [before, now]) age(root, 'etc/group', 'same', 'etc');
    assert.deepEqual(lines(treeChanges(now, before)), ['C /etc', 'C /etc/passwd', 'A /new', 'A /new/f', 'D /gone']);
  });

  test('a directory that replaced a file is changed, and its contents are added', () => {
    const before = dir({ 'x': 'file' });
    const now = dir({ 'x/inner': 'i' });
    assert.deepEqual(lines(treeChanges(now, before)), ['C /x', 'A /x/inner']);
  });
});

test('changesJson lists only non-empty kinds, in Podman order', () => {
  assert.deepEqual(changesJson([{ kind: 'A', path: '/a' }, { kind: 'C', path: '/c' }]), { changed: ['/c'], added: ['/a'] });
  assert.deepEqual(JSON.stringify(changesJson([{ kind: 'D', path: '/d' }, { kind: 'C', path: '/c' }])), '{"changed":["/c"],"deleted":["/d"]}');
});

test('the mount points of every container are left out', () => {
  const all: Change[] = [{ kind: 'C', path: '/etc' }, { kind: 'A', path: '/etc/hosts' }, { kind: 'A', path: '/run' }, { kind: 'A', path: '/run/x' }];
  assert.deepEqual(lines(withoutContainerMountPoints(all)), ['C /etc', 'A /run/x']);
});
