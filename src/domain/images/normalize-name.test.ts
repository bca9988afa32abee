import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeName } from './normalize-name.ts';

test('short names get localhost/ and :latest; docker.io names library/', () => {
  assert.deepEqual(normalizeName('foo'), { name: 'localhost/foo:latest', digested: false });
  assert.deepEqual(normalizeName('foo:BAR'), { name: 'localhost/foo:BAR', digested: false });
  assert.deepEqual(normalizeName('a/b'), { name: 'localhost/a/b:latest', digested: false });
  assert.deepEqual(normalizeName('docker.io/alpine'), { name: 'docker.io/library/alpine:latest', digested: false });
  assert.deepEqual(normalizeName('localhost:5000/x/y:1'), { name: 'localhost:5000/x/y:1', digested: false });
  const digest = 'sha256:344c97cf9944ca8c550614885056563a0ed85b04e4cbae5ca0de205b6684785d';
  assert.deepEqual(normalizeName(`x:1@${digest}`), { name: `localhost/x@${digest}`, digested: true });
});

test('errors read as libimage words them', () => {
  assert.throws(() => normalizeName('BAD'), { message: 'normalizing name "BAD": normalizing name "BAD": repository name must be lowercase' });
  assert.throws(() => normalizeName('Foo/bar'), { message: 'normalizing name "Foo/bar": invalid reference format: repository name must be lowercase' });
  assert.throws(() => normalizeName('a b'), { message: 'normalizing name "a b": normalizing name "a b": invalid reference format' });
  assert.throws(() => normalizeName(''), { message: 'normalizing name "": normalizing name "": repository name must have at least one component' });
});
