import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lgetxattr, llistxattr, lremovexattr, lsetxattr, makedev, mknod, S_IFCHR, S_IFIFO } from './fs-syscalls.ts';
import { SyscallError } from './libc.ts';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('makedev encodes like glibc', () => {
  // Values printed by a C program using <sys/sysmacros.h>.
  assert.equal(makedev(8, 1), 2049n);
  assert.equal(makedev(0x12345, 0x6789a), 316661085455770n);
  assert.equal(makedev(4095, 0xfffff), 4294967295n);
});

test('mknod makes devices and fifos; an existing path fails with EEXIST', (t) => {
  const dir = scratch(t);
  mknod(join(dir, 'null'), S_IFCHR | 0o600, 1, 3);
  assert.equal(lstatSync(join(dir, 'null')).rdev, lstatSync('/dev/null').rdev);
  mknod(join(dir, 'fifo'), S_IFIFO | 0o600);
  assert.ok(lstatSync(join(dir, 'fifo')).isFIFO());
  assert.throws(() => mknod(join(dir, 'fifo'), S_IFIFO | 0o600), (err: unknown) => err instanceof SyscallError && err.errno === 17);
});

test('xattrs: set, get (binary), list, remove, and never through a symlink', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'f');
  writeFileSync(file, '');
  symlinkSync(file, join(dir, 'l'));
  const value = Buffer.from([0, 1, 2, 0xff]);
  lsetxattr(file, 'user.a', value);
  lsetxattr(file, 'user.empty', Buffer.alloc(0));
  assert.deepEqual(lgetxattr(file, 'user.a'), value);
  assert.deepEqual(lgetxattr(file, 'user.empty'), Buffer.alloc(0));
  assert.equal(lgetxattr(file, 'user.missing'), undefined);
  assert.deepEqual(llistxattr(file).sort(), ['user.a', 'user.empty']);
  assert.deepEqual(llistxattr(join(dir, 'l')), []);
  assert.equal(lgetxattr(join(dir, 'l'), 'user.a'), undefined);
  lremovexattr(file, 'user.a');
  assert.deepEqual(llistxattr(file), ['user.empty']);
  assert.throws(() => lremovexattr(file, 'user.a'), SyscallError);
  assert.throws(() => lgetxattr(join(dir, 'nope'), 'user.a'), (err: unknown) => err instanceof SyscallError && err.errno === 2);
});
