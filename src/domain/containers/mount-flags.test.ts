import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from './mount-flags.ts';

test('-v: binds (relative sources resolved), named and anonymous volumes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-mnt-'));
  try {
    mkdirSync(join(dir, 'sub'));
    assert.deepEqual(parseVolumeFlag(`${dir}:/b:ro,z`, '/'), { type: 'bind', source: dir, destination: '/b', options: ['ro', 'z'] });
    assert.equal(parseVolumeFlag('./sub:/c', dir).source, join(dir, 'sub'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(parseVolumeFlag('data:/d', '/'), { type: 'volume', source: '', destination: '/d', options: [], name: 'data' });
  assert.deepEqual(parseVolumeFlag('/anon', '/'), { type: 'volume', source: '', destination: '/anon', options: [], name: '' });
  assert.throws(() => parseVolumeFlag('/nonexistent-skiff:/x', '/'), { message: 'statfs /nonexistent-skiff: no such file or directory' });
  assert.throws(() => parseVolumeFlag('relative', '/'), { message: 'invalid container path "relative", must be an absolute path' });
  assert.throws(() => parseVolumeFlag('/tmp:/x:bogus', '/'), /invalid option type "bogus"/);
  assert.throws(() => parseVolumeFlag('/tmp:/x:ro,rw', '/'), /ro or rw options more than once/);
});

test('--mount and --tmpfs', () => {
  assert.deepEqual(parseMountFlag('type=bind,src=/tmp,dst=/t,ro=true', '/'), { type: 'bind', source: '/tmp', destination: '/t', options: ['ro'] });
  assert.deepEqual(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=700', '/'), { type: 'tmpfs', source: 'tmpfs', destination: '/t', options: ['size=1048576', 'mode=700'] });
  assert.deepEqual(parseMountFlag('type=volume,source=v,destination=/v', '/'), { type: 'volume', source: '', destination: '/v', options: [], name: 'v' });
  assert.throws(() => parseMountFlag('type=bind,dst=/t', '/'), /must set source of bind mount/);
  assert.throws(() => parseMountFlag('src=/tmp,dst=/t', '/'), /type must be specified/);
  assert.throws(() => parseMountFlag('type=bind,src=/tmp', '/'), /must set target of mount/);
  assert.deepEqual(parseTmpfsFlag('/run:size=1m,mode=1777'), ['/run', 'size=1m,mode=1777']);
  assert.deepEqual(parseTmpfsFlag('/tmp'), ['/tmp', '']);
});
