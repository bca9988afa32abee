import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectBuildArgs, keyValueMap, parseIsolation, parsePlatform, platformArgs, timestampIso } from './build-args.ts';

test('--build-arg-file then --build-arg: later wins, bare names come from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-buildargs-'));
  try {
    const file = join(dir, 'args.conf');
    writeFileSync(file, '# comment\n\nA=1\n  B=two words\nFROM_ENV\nMISSING\nPRE*\nC=\n');
    const env = { FROM_ENV: 'e', PREFIX_X: 'x', PREFIX_Y: 'y', D: 'd' };
    assert.deepEqual(collectBuildArgs([file], ['A=override', 'D', 'C', 'E'], env), {
      A: 'override', B: 'two words', FROM_ENV: 'e', PREFIX_X: 'x', PREFIX_Y: 'y', D: 'd',
    });
    assert.throws(() => collectBuildArgs([join(dir, 'nope')], [], {}), /parsing build-arg file ".*nope": open .*nope: no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('platform arguments as Buildah predefines them', () => {
  const args = platformArgs({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(Object.fromEntries(args), {
    TARGETPLATFORM: 'linux/arm/v7', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7',
    BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
  });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.throws(() => parsePlatform('linux'), /invalid platform syntax/);
});

test('--isolation names, --timestamp times, k=v maps', () => {
  assert.equal(parseIsolation('OCI'), 'oci');
  assert.equal(parseIsolation('rootless'), 'rootless');
  assert.equal(parseIsolation('chroot'), 'chroot');
  assert.throws(() => parseIsolation('vm'), /^InvalidArgumentError: unrecognized isolation type "vm"$/);
  assert.equal(timestampIso(0), '1970-01-01T00:00:00Z');
  assert.equal(timestampIso(1700000000), '2023-11-14T22:13:20Z');
  assert.deepEqual(keyValueMap(['a=1', 'b', 'c=x=y']), { a: '1', b: '', c: 'x=y' });
});
