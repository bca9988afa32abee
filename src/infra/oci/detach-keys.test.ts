import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { DetachMatcher, parseDetachKeys } from './detach-keys.ts';

test('parseDetachKeys reads Docker key notation', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-_,ctrl-[')], [97, 0, 31, 27]);
  assert.equal(parseDetachKeys('').length, 0);
  assert.throws(() => parseDetachKeys('ctrl-1'), InvalidArgumentError);
  assert.throws(() => parseDetachKeys('ab'), /invalid detach keys/);
});

test('the matcher finds the sequence across chunks and holds back partial matches', () => {
  const m = new DetachMatcher(parseDetachKeys('ctrl-p,ctrl-q'));
  assert.deepEqual(m.feed(Buffer.from('ab\x10')), { forward: Buffer.from('ab'), detached: false });
  assert.deepEqual(m.feed(Buffer.from('x')), { forward: Buffer.from('\x10x'), detached: false });
  assert.deepEqual(m.feed(Buffer.from('\x10')), { forward: Buffer.alloc(0), detached: false });
  assert.deepEqual(m.feed(Buffer.from('\x11rest')), { forward: Buffer.alloc(0), detached: true });
  assert.deepEqual(m.feed(Buffer.from('hi\x10\x11')), { forward: Buffer.from('hi'), detached: true });
});

test('self-overlapping sequences and flush', () => {
  const m = new DetachMatcher(Buffer.from('aab'));
  assert.deepEqual(m.feed(Buffer.from('aaab')), { forward: Buffer.from('a'), detached: true });
  assert.deepEqual(m.feed(Buffer.from('xa')), { forward: Buffer.from('x'), detached: false });
  assert.deepEqual(m.flush(), Buffer.from('a'));
  const none = new DetachMatcher(Buffer.alloc(0));
  assert.deepEqual(none.feed(Buffer.from('\x10\x11')), { forward: Buffer.from('\x10\x11'), detached: false });
});
