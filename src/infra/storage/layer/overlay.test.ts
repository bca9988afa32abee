import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MNT_DETACH, MS_RDONLY, mount, umount2 } from '../../sys/mount.ts';
import { applyBuffer, packTar, tempDir } from './test-kit.test.ts';
import { createXattrWhiteout, type WhiteoutFormat } from './whiteout.ts';

/** Runs `check` on a read-only overlay of `lowers` (topmost first), unmounted afterwards. */
function withOverlay(target: string, lowers: string[], extra: string, check: () => void): void {
  mkdirSync(target, { recursive: true });
  mount('overlay', target, 'overlay', MS_RDONLY, `lowerdir=${lowers.join(':')}${extra}`);
  try {
    check();
  } finally {
    umount2(target, MNT_DETACH);
  }
}

const lowerLayer = packTar([
  { name: 'etc/', type: 'directory' },
  { name: 'etc/keep', data: 'kept' },
  { name: 'etc/deleted', data: 'old' },
  { name: 'cache/', type: 'directory' },
  { name: 'cache/old', data: 'old' },
  { name: 'cache/sub/older', data: 'older' },
  { name: 'gone/', type: 'directory' },
  { name: 'gone/inside', data: 'x' },
]);

const upperLayer = packTar([
  { name: 'etc/', type: 'directory' },
  { name: 'etc/.wh.deleted', data: '' },
  { name: 'cache/', type: 'directory' },
  { name: 'cache/.wh..wh..opq', data: '' },
  { name: 'cache/new', data: 'new' },
  { name: '.wh.gone', data: '' },
]);

for (const [format, options] of [['overlay-root', ''], ['overlay-user', ',userxattr']] as Array<[WhiteoutFormat, string]>) {
  test(`an overlay of applied layers (${format}) hides whiteouts and opaque directories' lower contents`, async (t) => {
    const base = tempDir(t);
    const lower = await applyBuffer(base, await lowerLayer, { whiteoutFormat: format });
    const upper = await applyBuffer(base, await upperLayer, { whiteoutFormat: format });
    const merged = join(base, 'merged');
    withOverlay(merged, [upper.dir, lower.dir], options, () => {
      assert.deepEqual(readdirSync(merged).sort(), ['cache', 'etc']);
      assert.deepEqual(readdirSync(join(merged, 'etc')), ['keep']);
      assert.equal(readFileSync(join(merged, 'etc/keep'), 'utf8'), 'kept');
      assert.equal(existsSync(join(merged, 'etc/deleted')), false);
      assert.deepEqual(readdirSync(join(merged, 'cache')), ['new']);
      assert.equal(existsSync(join(merged, 'gone')), false);
    });
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(merged), 'unmounted');
  });
}

for (const [format, options] of [['overlay-root', ''], ['overlay-user', ',userxattr']] as Array<[WhiteoutFormat, string]>) {
  test(`the regular-file whiteout form is honoured by overlayfs (${format})`, async (t) => {
    const base = tempDir(t);
    const lower = join(base, 'lower');
    const upper = join(base, 'upper');
    mkdirSync(join(lower, 'd'), { recursive: true });
    mkdirSync(join(upper, 'd'), { recursive: true });
    for (const name of ['a', 'b']) writeFileSync(join(lower, 'd', name), name);
    createXattrWhiteout(join(upper, 'd/a'), join(upper, 'd'), format);
    const merged = join(base, 'merged');
    withOverlay(merged, [upper, lower], options, () => {
      assert.deepEqual(readdirSync(join(merged, 'd')), ['b']);
      assert.equal(existsSync(join(merged, 'd/a')), false);
    });
  });
}
