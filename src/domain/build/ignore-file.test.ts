import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIgnored, parseIgnoreFile } from './ignore-file.ts';

test('patterns, parents, exceptions and the last match winning', () => {
  const rules = parseIgnoreFile('# comment\n*.log\n/tmp\nbuild/**\n!build/keep.txt\nsecret?\n**/*.bak\n');
  assert.equal(isIgnored(rules, 'a.log'), true);
  assert.equal(isIgnored(rules, 'dir/a.log'), false);
  assert.equal(isIgnored(rules, 'tmp/x/y'), true);
  assert.equal(isIgnored(rules, 'build/out.o'), true);
  assert.equal(isIgnored(rules, 'build/keep.txt'), false);
  assert.equal(isIgnored(rules, 'secret1'), true);
  assert.equal(isIgnored(rules, 'secret12'), false);
  assert.equal(isIgnored(rules, 'deep/down/x.bak'), true);
  assert.equal(isIgnored(rules, 'x.bak'), true);
  assert.equal(isIgnored(rules, 'src/main.c'), false);
  assert.equal(isIgnored(parseIgnoreFile(''), 'anything'), false);
});
