import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addUserEntries, keepIdMappings, parseIdMap } from './keep-id.ts';

test('keepIdMappings puts the user at namespace 0 and shifts lower ids up by one', () => {
  assert.deepEqual(keepIdMappings(1001, 65536), [
    { containerID: 0, hostID: 1, size: 1001 },
    { containerID: 1001, hostID: 0, size: 1 },
    { containerID: 1002, hostID: 1002, size: 64534 },
  ]);
  assert.deepEqual(keepIdMappings(1001, 1), [{ containerID: 1001, hostID: 0, size: 1 }]);
  assert.deepEqual(keepIdMappings(0, 10), [
    { containerID: 0, hostID: 0, size: 1 },
    { containerID: 1, hostID: 1, size: 9 },
  ]);
});

test('parseIdMap finds the host id of 0 and the mapped total', () => {
  assert.deepEqual(parseIdMap('         0       1001          1\n         1     100000      65535\n'), { hostOfZero: 1001, count: 65536 });
});

test('addUserEntries appends the user and group once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-keepid-'));
  try {
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(dir, 'etc/group'), 'root:x:0:\n');
    const user = { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice' };
    addUserEntries(dir, user);
    addUserEntries(dir, user);
    assert.equal(readFileSync(join(dir, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\nalice:*:1001:1001:alice:/home/alice:/bin/sh\n');
    assert.equal(readFileSync(join(dir, 'etc/group'), 'utf8'), 'root:x:0:\nalice:x:1001:alice\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
