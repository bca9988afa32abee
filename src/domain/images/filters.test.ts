import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from '../go-duration.ts';
import { compileImageFilters, pathMatch, referenceMatches, type FilterContext } from './filters.ts';

test('pathMatch follows Go path.Match', () => {
  assert.ok(pathMatch('local*/t*', 'localhost/two'));
  assert.ok(!pathMatch('*', 'a/b'));
  assert.ok(pathMatch('a?c', 'abc'));
  assert.ok(!pathMatch('a?c', 'a/c'));
  assert.ok(pathMatch('[a-c]x', 'bx'));
  assert.ok(pathMatch('[^a-c]x', 'dx'));
  assert.ok(!pathMatch('[', 'x'), 'a bad pattern matches nothing');
  assert.ok(pathMatch('a\\*', 'a*'));
});

test('a reference matches the name in full, without domain, or its last part', () => {
  for (const pattern of ['docker.io/library/baz:latest', 'library/baz', 'baz', 'baz:latest', 'docker.io/library/baz', '*/baz', 'ba?', 'baz:lat*']) {
    assert.ok(referenceMatches('docker.io/library/baz:latest', pattern), pattern);
  }
  for (const pattern of ['bar', 'baz:1', 'docker.io/baz', 'a2bc5a14ffdc']) {
    assert.ok(!referenceMatches('docker.io/library/baz:latest', pattern), pattern);
  }
});

test('Go durations', () => {
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('bogus'), undefined);
});

test('values of one key are alternatives; keys must all match; != negates', () => {
  const ctx: FilterContext = {
    created: () => 0,
    createdOf: () => 0,
    isDangling: () => false,
    isIntermediate: () => false,
    containers: () => 0,
    isManifestList: () => false,
  };
  const img = (Id: string, labels: Record<string, string>) => ({ Id, Names: [`localhost/${Id}:latest`], Labels: labels, ReadOnly: false });
  const images = [img('a', { foo: 'bar' }), img('b', { foo: 'baz', v: '1' }), img('c', {})];
  const ids = (...filters: string[]) => images.filter(compileImageFilters(filters, ctx)).map((i) => i.Id);
  assert.deepEqual(ids('label=foo'), ['a', 'b']);
  assert.deepEqual(ids('label=foo=bar', 'label=v'), ['a', 'b']);
  assert.deepEqual(ids('label=foo', 'reference=b'), ['b']);
  assert.deepEqual(ids('label!=foo'), ['c']);
  assert.deepEqual(ids('label=foo='), ['a', 'b']);
  assert.deepEqual(ids('id=a'), ['a']);
  assert.throws(() => ids('nokey'), { message: 'invalid image filter "nokey": must be in the format "filter=value or filter!=value"' });
});
