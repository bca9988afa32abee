import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from './challenge.ts';

test('a bearer challenge with quoted parameters', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
  ]);
});

test('a basic challenge, and unquoted values', () => {
  assert.deepEqual(parseChallenges('Basic realm="skiff-test"'), [{ scheme: 'basic', params: { realm: 'skiff-test' } }]);
  assert.deepEqual(parseChallenges('Bearer realm=x, service=y'), [{ scheme: 'bearer', params: { realm: 'x', service: 'y' } }]);
});

test('escaped quotes and several challenges in one header', () => {
  const got = parseChallenges('Basic realm="a \\"b\\"", Bearer realm="t",error="invalid_token"');
  assert.deepEqual(got, [
    { scheme: 'basic', params: { realm: 'a "b"' } },
    { scheme: 'bearer', params: { realm: 't', error: 'invalid_token' } },
  ]);
});

test('empty or garbage headers give nothing', () => {
  assert.deepEqual(parseChallenges(''), []);
  assert.deepEqual(parseChallenges('   '), []);
});
