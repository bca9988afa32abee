import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import { parseToml, withoutCommentLines } from './toml-file.ts';

const opts = { integersAsBigInt: false, unsafeKeyBehaviour: 'drop' } as const;

test('comment lines are emptied, keeping line numbers; values, inline comments and arrays are untouched', () => {
  const text = '# top\n[containers]\n  # indented\nlabel = true # inline\ncaps = [\n  "CHOWN",\n  # "NET_RAW",\n  "KILL",\n]\r\n\t# tab\r\nx = "#not a comment"\n';
  const out = withoutCommentLines(text);
  assert.equal(out.split('\n').length, text.split('\n').length);
  assert.deepEqual(parse(out, opts), parse(text, opts));
  assert.doesNotMatch(out, /top|indented|NET_RAW|tab/);
});

test('text with a multi-line string is parsed as it is: a # line there is content', () => {
  for (const text of ['s = """\n# kept\n"""\n', "s = '''\n# kept\n'''\n"]) {
    assert.equal(withoutCommentLines(text), text);
    assert.equal(parseToml('t.conf', text).data['s'], '# kept\n');
  }
});

test('errors still name the right line', () => {
  assert.throws(() => parseToml('/etc/x.conf', '# one\n# two\n[a]\nb = = 1\n'), /^ConfigError: \/etc\/x\.conf:4: /);
});

test('the containers.conf Debian ships parses to the same tables either way', { skip: !existsSync('/usr/share/containers/containers.conf') }, () => {
  const text = readFileSync('/usr/share/containers/containers.conf', 'utf8');
  assert.deepEqual(parse(withoutCommentLines(text), opts), parse(text, opts));
});
