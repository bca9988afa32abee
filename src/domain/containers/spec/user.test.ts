import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { resolveInRoot, resolveUser } from './resolve-user.ts';
import { parseGroup, parsePasswd, resolveUserSpec } from './user.ts';

const passwdText = [
  'root:x:0:0:root:/root:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  'bob:x:1000:1000::/home/bob:/bin/sh',
  '# a comment',
  'broken line',
].join('\n');
const groupText = ['root:x:0:', 'nobody:x:65534:', 'bob:x:1000:', 'wheel:x:10:bob,root', 'staff:x:50:bob', ''].join('\n');
const passwd = parsePasswd(passwdText);
const group = parseGroup(groupText);
const resolve = (spec: string, groupAdd: string[] = []) => resolveUserSpec(spec, groupAdd, passwd, group);

test('parsers skip comments and malformed lines', () => {
  assert.equal(passwd.length, 3);
  assert.deepEqual(group.find((g) => g.name === 'wheel'), { name: 'wheel', gid: 10, members: ['bob', 'root'] });
});

// Expected values are what Podman 4.3.1 put in config.json for the same files.
test('resolves users and groups as Podman 4.3 does', () => {
  const cases: [string, string[], number, number, number[], string | undefined][] = [
    ['', [], 0, 0, [], '/root'],
    ['', ['100'], 0, 0, [100], '/root'],
    ['root', [], 0, 0, [0, 10], '/root'],
    ['0', [], 0, 0, [0, 10], '/root'],
    ['0:5', [], 0, 5, [5], '/root'],
    ['nobody', [], 65534, 65534, [65534], '/nonexistent'],
    ['nobody', ['100'], 65534, 65534, [65534, 100], '/nonexistent'],
    ['nobody:root', [], 65534, 0, [0], '/nonexistent'],
    ['bob', [], 1000, 1000, [1000, 10, 50], '/home/bob'],
    ['1000', [], 1000, 1000, [1000, 10, 50], '/home/bob'],
    ['bob:staff', [], 1000, 50, [50], '/home/bob'],
    ['bob', ['wheel', '77'], 1000, 1000, [1000, 10, 77, 50], '/home/bob'],
    ['1234', [], 1234, 0, [0], undefined],
    ['1234:5', [], 1234, 5, [5], undefined],
  ];
  for (const [spec, add, uid, gid, gids, home] of cases) {
    const u = resolve(spec, add);
    assert.deepEqual([u.uid, u.gid, u.additionalGids, u.home], [uid, gid, gids, home], `${spec} ${add.join(',')}`);
  }
});

test('unknown names are errors, unknown numbers are fine', () => {
  assert.throws(() => resolve('foo'), (e: Error) => e instanceof InvalidArgumentError && e.message === 'unable to find user foo: no matching entries in passwd file');
  assert.throws(() => resolve('0:foo'), /unable to find group foo: no matching entries in group file/);
  assert.throws(() => resolve('', ['nogroup']), /unable to find group nogroup/);
  assert.deepEqual(resolveUserSpec('42:43', [], undefined, undefined).additionalGids, [43]);
  assert.throws(() => resolveUserSpec('bob', [], undefined, undefined), /unable to find user bob/);
});

test('keep-groups is a flag, not a group', () => {
  const u = resolve('root', ['keep-groups']);
  assert.equal(u.keepGroups, true);
  assert.deepEqual(u.additionalGids, [0, 10]);
});

test('resolveUser reads the rootfs files and never follows links out of it', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'skiff-user-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'passwd'), passwdText);
  writeFileSync(join(root, 'data', 'group'), groupText);
  // Absolute links resolve inside the root: /etc/passwd -> /data/passwd of the container.
  symlinkSync('/data/passwd', join(root, 'etc', 'passwd'));
  symlinkSync('../../../../../../data/group', join(root, 'etc', 'group'));
  assert.deepEqual(resolveUser(root, 'bob').additionalGids, [1000, 10, 50]);
  assert.equal(resolveInRoot(root, '/etc/passwd'), join(root, 'data', 'passwd'));
  symlinkSync('/etc/shadow', join(root, 'etc', 'shadow-link'));
  assert.equal(resolveInRoot(root, '/etc/shadow-link'), join(root, 'etc', 'shadow'));
  const empty = mkdtempSync(join(tmpdir(), 'skiff-user-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  assert.deepEqual(resolveUser(empty, ''), { uid: 0, gid: 0, additionalGids: [], home: undefined, keepGroups: false });
});
