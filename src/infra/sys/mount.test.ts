import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyscallError } from './libc.ts';
import { MNT_DETACH, MS_NOSUID, mount, umount2 } from './mount.ts';

test('mount and umount2 a tmpfs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-mount-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mount('tmpfs', dir, 'tmpfs', MS_NOSUID, 'size=1m,mode=700');
  try {
    const line = readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === dir);
    assert.match(line ?? '', /^tmpfs \S+ tmpfs rw,nosuid/);
    writeFileSync(join(dir, 'f'), 'x');
  } finally {
    umount2(dir, MNT_DETACH);
  }
  assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(dir));
  assert.throws(() => umount2(dir), (err: unknown) => err instanceof SyscallError && err.errno === 22);
  assert.throws(() => mount('none', dir, 'no-such-fs', 0, ''), SyscallError);
});
