import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepIdHostId, keepIdMappings, parseIdMap } from './keep-id.ts';

test('keepIdMappings puts the user at namespace 0 and shifts lower ids up by one', () => {
  assert.deepEqual(keepIdMappings(1001, 65536), [
    { containerID: 0, hostID: 1, size: 1001 },
    { containerID: 1001, hostID: 0, size: 1 },
    { containerID: 1002, hostID: 1002, size: 64534 },
  ]);
  assert.deepEqual(keepIdMappings(1001, 1), [{ containerID: 1001, hostID: 0, size: 1 }]);
});

test('keepIdHostId inverts the mapping for file owners', () => {
  for (const [c, ns] of [[0, 1], [1000, 1001], [1001, 0], [1002, 1002]] as const) assert.equal(keepIdHostId(c, 1001), ns);
});

test('parseIdMap finds the host id of 0 and the mapped total', () => {
  assert.deepEqual(parseIdMap('         0       1001          1\n         1     100000      65535\n'), { hostOfZero: 1001, count: 65536 });
});
