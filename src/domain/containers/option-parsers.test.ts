import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  checkContainerName, parseEntrypoint, parseHumanSize, parseKeyValues, parseLogDriver, parseLogOpts, parseMemorySwap, parseRamSize,
  parseRestartPolicy, parseSizeFlag, readLinesFile,
} from './option-parsers.ts';

test('sizes: binary units for memory, decimal for shm and log sizes', () => {
  assert.equal(parseRamSize('512m'), 512 * 1024 * 1024);
  assert.equal(parseRamSize('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseRamSize('100'), 100);
  assert.equal(parseRamSize('64MiB'), 64 * 1024 ** 2);
  assert.equal(parseHumanSize('65536k'), 65536000);
  assert.equal(parseHumanSize('1mb'), 1_000_000);
  assert.equal(parseMemorySwap('-1'), -1);
  assert.throws(() => parseSizeFlag('memory', '12zz'), { message: "invalid value for memory: invalid size: '12zz'" });
});

test('restart policies as Podman words them', () => {
  assert.deepEqual(parseRestartPolicy('on-failure:3'), { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(parseRestartPolicy('always'), { name: 'always', maxRetries: 0 });
  assert.deepEqual(parseRestartPolicy(''), { name: '', maxRetries: 0 });
  assert.throws(() => parseRestartPolicy('bogus'), /"bogus" is not a valid restart policy: invalid argument/);
  assert.throws(() => parseRestartPolicy('always:3'), /retries can only be specified with on-failure/);
  assert.throws(() => parseRestartPolicy('on-failure:x'), /strconv.Atoi: parsing "x": invalid syntax/);
});

test('entrypoint: a JSON array or one command; empty clears', () => {
  assert.deepEqual(parseEntrypoint('["sh","-c"]'), ['sh', '-c']);
  assert.deepEqual(parseEntrypoint('/bin/echo hi'), ['/bin/echo hi']);
  assert.deepEqual(parseEntrypoint('[not json'), ['[not json']);
  assert.deepEqual(parseEntrypoint(''), []);
});

test('names, key=value lists, log driver and options', () => {
  checkContainerName('web-1.a_b');
  assert.throws(() => checkContainerName('bad/name'), /names must match/);
  assert.throws(() => checkContainerName('-x'), /names must match/);
  assert.deepEqual(parseKeyValues(['a=1', 'b', 'a=2', 'c=x=y'], 'label'), { a: '2', b: '', c: 'x=y' });
  assert.equal(parseLogDriver('json-file'), 'k8s-file');
  assert.throws(() => parseLogDriver('bogus'), /invalid log driver/);
  assert.deepEqual(parseLogOpts(['max-size=1m', 'tag=x']), { 'max-size': '1m', tag: 'x' });
  assert.throws(() => parseLogOpts(['bogus']), { message: 'invalid log option "bogus"' });
});

test('env and label files: comments and blank lines skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-opt-'));
  try {
    writeFileSync(join(dir, 'env'), '# c\n\n  A=1\nB\r\nC=x y\n');
    assert.deepEqual(readLinesFile(join(dir, 'env'), 'env'), ['A=1', 'B', 'C=x y']);
    assert.throws(() => readLinesFile(join(dir, 'missing'), 'env'), /no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
