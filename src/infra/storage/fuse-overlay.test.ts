import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseOverlayArgs } from './fuse-overlay.ts';

test("fuse-overlayfs gets overlay's options, as Podman passes them", () => {
  assert.deepEqual(fuseOverlayArgs({ lowerDirs: ['/l/a', '/l/b'], upperDir: '/c/diff', workDir: '/c/work', target: '/m' }), [
    '-o',
    'lowerdir=/l/a:/l/b,upperdir=/c/diff,workdir=/c/work',
    '/m',
  ]);
  assert.deepEqual(fuseOverlayArgs({ lowerDirs: ['/l/a'], target: '/m' }), ['-o', 'lowerdir=/l/a', '/m']);
});
