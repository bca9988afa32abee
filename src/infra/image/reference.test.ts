import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../define/errors.ts';
import {
  familiarName,
  familiarString,
  formatReference,
  parseNormalizedNamed,
  parseReference,
  referenceName,
  splitDockerDomain,
  tagNameOnly,
  trimNamed,
  withDigest,
  withTag,
} from './reference.ts';

const ff64 = 'f'.repeat(64);

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
}

// Cases from distribution's TestReferenceParse, minus IPv6 domains (containers/image
// v5.23, which Podman 4.3 uses, predates them).
const parseCases: Array<{ input: string; name: string; domain: string; tag?: string; digest?: string }> = [
  { input: 'test_com', name: 'test_com', domain: '' },
  { input: 'test.com:tag', name: 'test.com', domain: '', tag: 'tag' },
  { input: 'test.com:5000', name: 'test.com', domain: '', tag: '5000' },
  { input: 'test.com/repo:tag', name: 'test.com/repo', domain: 'test.com', tag: 'tag' },
  { input: 'test:5000/repo', name: 'test:5000/repo', domain: 'test:5000' },
  { input: 'test:5000/repo:tag', name: 'test:5000/repo', domain: 'test:5000', tag: 'tag' },
  { input: `test:5000/repo@sha256:${ff64}`, name: 'test:5000/repo', domain: 'test:5000', digest: `sha256:${ff64}` },
  {
    input: `test:5000/repo:tag@sha256:${ff64}`,
    name: 'test:5000/repo',
    domain: 'test:5000',
    tag: 'tag',
    digest: `sha256:${ff64}`,
  },
  { input: 'lowercase:Uppercase', name: 'lowercase', domain: '', tag: 'Uppercase' },
  {
    input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
    name: `${'a/'.repeat(127)}a`,
    domain: 'a',
    tag: 'tag-puts-this-over-max',
  },
  { input: 'sub-dom1.foo.com/bar/baz/quux', name: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com' },
  {
    input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    name: 'sub-dom1.foo.com/bar/baz/quux',
    domain: 'sub-dom1.foo.com',
    tag: 'some-long-tag',
  },
  {
    input: 'b.gcr.io/test.example.com/my-app:test.example.com',
    name: 'b.gcr.io/test.example.com/my-app',
    domain: 'b.gcr.io',
    tag: 'test.example.com',
  },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', name: 'xn--n3h.com/myimage', domain: 'xn--n3h.com', tag: 'xn--n3h.com' },
  {
    input: `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`,
    name: 'xn--7o8h.com/myimage',
    domain: 'xn--7o8h.com',
    tag: 'xn--7o8h.com',
    digest: `sha512:${'f'.repeat(128)}`,
  },
  { input: 'foo_bar.com:8080', name: 'foo_bar.com', domain: '', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', name: 'foo/foo_bar.com', domain: 'foo', tag: '8080' },
  { input: 'localhost/foo', name: 'localhost/foo', domain: 'localhost' },
  { input: 'localhost:5000/a/b/c:v1.0_rc-2', name: 'localhost:5000/a/b/c', domain: 'localhost:5000', tag: 'v1.0_rc-2' },
  { input: 'Upper.IO/x:1', name: 'Upper.IO/x', domain: 'Upper.IO', tag: '1' },
  { input: 'a__b', name: 'a__b', domain: '' },
  { input: 'a---b', name: 'a---b', domain: '' },
  { input: 'a.b_c-d', name: 'a.b_c-d', domain: '' },
  { input: '127.0.0.1:5000/library/debian', name: '127.0.0.1:5000/library/debian', domain: '127.0.0.1:5000' },
  { input: `x:${'T'.repeat(128)}`, name: 'x', domain: '', tag: 'T'.repeat(128) },
  { input: 'x:_tag', name: 'x', domain: '', tag: '_tag' },
];

test('parseReference accepts what reference.Parse accepts', () => {
  for (const c of parseCases) {
    const ref = parseReference(c.input);
    assert.equal(referenceName(ref), c.name, c.input);
    assert.equal(ref.domain, c.domain, c.input);
    assert.equal(ref.tag, c.tag, c.input);
    assert.equal(ref.digest, c.digest, c.input);
    assert.equal(formatReference(ref), c.input);
  }
});

test('parseReference rejects what reference.Parse rejects, with its messages', () => {
  const cases: Array<[string, string]> = [
    ['', 'repository name must have at least one component'],
    [':justtag', 'invalid reference format'],
    [`@sha256:${ff64}`, 'invalid reference format'],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest length'],
    [`validname@invaliddigest:${ff64}`, 'unsupported digest algorithm'],
    [`validname@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`foo@sha512:${'a'.repeat(64)}`, 'invalid checksum digest length'],
    [`foo@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`foo@SHA256:${'a'.repeat(64)}`, 'invalid checksum digest format'],
    ['foo@sha256:abc', 'invalid reference format'],
    ['Uppercase:tag', 'repository name must be lowercase'],
    ['Foo', 'repository name must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'repository name must be lowercase'],
    [`${'a/'.repeat(128)}a:tag`, 'repository name must not be more than 255 characters'],
    ['a'.repeat(256), 'repository name must not be more than 255 characters'],
    ['aa/asdf$$^/aa', 'invalid reference format'],
    ['[::1]:5000/repo', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['foo:-bad', 'invalid reference format'],
    [`x:${'t'.repeat(129)}`, 'invalid reference format'],
    ['foo//bar', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['-foo', 'invalid reference format'],
    ['foo-/bar', 'invalid reference format'],
    ['a___b', 'invalid reference format'],
    ['a..b', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['____/____', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['foo bar', 'invalid reference format'],
    ['foo:Bad@x', 'invalid reference format'],
  ];
  for (const [input, message] of cases) rejects(() => parseReference(input), message);
});

test('a 255-character name is the longest accepted', () => {
  assert.equal(referenceName(parseReference('a'.repeat(255))), 'a'.repeat(255));
});

test('pathological input does not make the matcher backtrack for long', () => {
  const started = performance.now();
  for (const input of [`${'a'.repeat(50_000)}!`, `${'a-'.repeat(25_000)}!`, `${'a.'.repeat(25_000)}/!`, `${'a/'.repeat(25_000)}!`]) {
    assert.throws(() => parseReference(input), InvalidArgumentError);
  }
  assert.ok(performance.now() - started < 2000);
});

test('parseNormalizedNamed adds docker.io and library/ as containers/image does', () => {
  const cases: Array<[string, string, string, string]> = [
    // input, full name, familiar name, path
    ['fooo/bar', 'docker.io/fooo/bar', 'fooo/bar', 'fooo/bar'],
    ['library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu', 'library/ubuntu'],
    ['ubuntu', 'docker.io/library/ubuntu', 'ubuntu', 'library/ubuntu'],
    ['docker.io/ubuntu', 'docker.io/library/ubuntu', 'ubuntu', 'library/ubuntu'],
    ['index.docker.io/ubuntu', 'docker.io/library/ubuntu', 'ubuntu', 'library/ubuntu'],
    ['index.docker.io/library/ubuntu-12.04-base', 'docker.io/library/ubuntu-12.04-base', 'ubuntu-12.04-base', 'library/ubuntu-12.04-base'],
    ['nonlibrary/ubuntu', 'docker.io/nonlibrary/ubuntu', 'nonlibrary/ubuntu', 'nonlibrary/ubuntu'],
    ['other/library', 'docker.io/other/library', 'other/library', 'other/library'],
    ['docker.io/library/a/b', 'docker.io/library/a/b', 'library/a/b', 'library/a/b'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase', 'private/moonbase'],
    ['example.com/privatebase', 'example.com/privatebase', 'example.com/privatebase', 'privatebase'],
    ['example.com:8000/privatebasee', 'example.com:8000/privatebasee', 'example.com:8000/privatebasee', 'privatebasee'],
    ['localhost/foo', 'localhost/foo', 'localhost/foo', 'foo'],
    ['localhost:5000/foo', 'localhost:5000/foo', 'localhost:5000/foo', 'foo'],
    ['foo/bar/baz', 'docker.io/foo/bar/baz', 'foo/bar/baz', 'foo/bar/baz'],
    [`docker.io/${'1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a'}`, 'docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a'],
  ];
  for (const [input, full, familiar, path] of cases) {
    const ref = parseNormalizedNamed(input);
    assert.equal(referenceName(ref), full, input);
    assert.equal(familiarName(ref), familiar, input);
    assert.equal(ref.path, path, input);
  }
  const tagged = parseNormalizedNamed(`busybox:1.36@sha256:${ff64}`);
  assert.equal(formatReference(tagged), `docker.io/library/busybox:1.36@sha256:${ff64}`);
  assert.equal(familiarString(tagged), `busybox:1.36@sha256:${ff64}`);
});

test('parseNormalizedNamed rejects with containers/image messages', () => {
  const hex = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
  const cases: Array<[string, string]> = [
    ['Foo', 'invalid reference format: repository name must be lowercase'],
    ['docker/Docker', 'invalid reference format: repository name must be lowercase'],
    ['Uppercase/lowercase:tag', 'invalid reference format: repository name must be lowercase'],
    ['docker.io/docker/Docker', 'invalid reference format: repository name must be lowercase'],
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    ['-docker', 'invalid reference format'],
    ['-docker/docker', 'invalid reference format'],
    ['-docker.io/docker/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['docker.io/docker///docker', 'invalid reference format'],
    ['', 'invalid reference format'],
    [`${'a'.repeat(245)}/b`, 'repository name must not be more than 255 characters'],
  ];
  for (const [input, message] of cases) rejects(() => parseNormalizedNamed(input), message);
  assert.equal(referenceName(parseNormalizedNamed('thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev')), 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev');
  assert.equal(referenceName(parseNormalizedNamed('A.io/x')), 'A.io/x');
});

test('splitDockerDomain', () => {
  assert.deepEqual(splitDockerDomain('busybox'), ['docker.io', 'library/busybox']);
  assert.deepEqual(splitDockerDomain('foo/bar'), ['docker.io', 'foo/bar']);
  assert.deepEqual(splitDockerDomain('localhost/bar'), ['localhost', 'bar']);
  assert.deepEqual(splitDockerDomain('quay.io/a/b'), ['quay.io', 'a/b']);
  assert.deepEqual(splitDockerDomain('host:1/a'), ['host:1', 'a']);
  assert.deepEqual(splitDockerDomain('index.docker.io/x'), ['docker.io', 'library/x']);
});

test('withTag, withDigest, tagNameOnly and trimNamed', () => {
  const ref = parseReference('test.com:8000/foo');
  assert.equal(formatReference(withTag(ref, 'TAG5')), 'test.com:8000/foo:TAG5');
  assert.equal(formatReference(withTag(parseReference(`foo@sha256:${ff64}`), 'v1')), `foo:v1@sha256:${ff64}`);
  rejects(() => withTag(ref, '-bad'), 'invalid tag format');
  rejects(() => withTag(ref, 't'.repeat(129)), 'invalid tag format');
  rejects(() => withTag(ref, ''), 'invalid tag format');
  assert.equal(formatReference(withDigest(ref, `sha256:${ff64}`)), `test.com:8000/foo@sha256:${ff64}`);
  rejects(() => withDigest(ref, 'sha256:abc'), 'invalid digest format');
  assert.equal(formatReference(tagNameOnly(ref)), 'test.com:8000/foo:latest');
  assert.equal(formatReference(tagNameOnly(parseReference('foo:v1'))), 'foo:v1');
  assert.equal(formatReference(tagNameOnly(parseReference(`foo@sha256:${ff64}`))), `foo@sha256:${ff64}`);
  assert.equal(formatReference(trimNamed(parseReference(`foo:v1@sha256:${ff64}`))), 'foo');
});

test('familiarString keeps foreign registries', () => {
  assert.equal(familiarString(parseNormalizedNamed('quay.io/podman/stable:v4')), 'quay.io/podman/stable:v4');
  assert.equal(familiarString(parseNormalizedNamed('docker.io/library/alpine:3')), 'alpine:3');
  assert.equal(familiarString(parseNormalizedNamed('docker.io/dmcgowan/myapp')), 'dmcgowan/myapp');
  assert.equal(familiarName(parseReference('localhost/foo')), 'localhost/foo');
});
