import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes, randomInt, randomUuid } from './random.ts';

test('randomBytes gives the length asked for, and differs between calls', () => {
  assert.equal(randomBytes(32).length, 32);
  assert.notDeepEqual(randomBytes(16), randomBytes(16));
});

test('randomInt stays in [0, max) and reaches every value', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) {
    const v = randomInt(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7);
    seen.add(v);
  }
  assert.equal(seen.size, 7);
});

test('randomUuid is a version 4 UUID', () => {
  assert.match(randomUuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
