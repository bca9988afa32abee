import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSubids } from './subids.ts';

test('parseSubids matches the user by name or uid and skips malformed lines', () => {
  const text = 'alice:100000:65536\nbob:165536:65536\n1001:300000:10\nalice:x:1\n\nalice:500000:0\n';
  assert.deepEqual(parseSubids(text, { name: 'alice', uid: 1001 }), [
    { start: 100000, count: 65536 },
    { start: 300000, count: 10 },
  ]);
  assert.deepEqual(parseSubids(text, { name: 'carol', uid: 1002 }), []);
});
