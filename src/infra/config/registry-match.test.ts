import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from './registries-conf.ts';
import { findRegistry, pullSources, refMatchingPrefix, rewriteLocation } from './registry-match.ts';

function registry(prefix: string, location: string, extra: Partial<Registry> = {}): Registry {
  return { prefix, location, insecure: false, blocked: false, mirrorByDigestOnly: false, mirrors: [], ...extra };
}

test('prefixes match only at name boundaries', () => {
  assert.equal(refMatchingPrefix('example.com/foo/img:1', 'example.com/foo'), 15);
  assert.equal(refMatchingPrefix('example.com/foo', 'example.com/foo'), 15);
  assert.equal(refMatchingPrefix('example.com/foobar/img', 'example.com/foo'), -1);
  assert.equal(refMatchingPrefix('example.com/foo@sha256:abc', 'example.com/foo'), 15);
  assert.equal(refMatchingPrefix('example.co', 'example.com'), -1);
});

test('wildcard prefixes match subdomains in the host only', () => {
  assert.equal(refMatchingPrefix('blah.example.com/foo/img:latest', '*.example.com'), 16);
  assert.equal(refMatchingPrefix('a.b.example.com:5000/img', '*.example.com'), 15);
  assert.equal(refMatchingPrefix('example.com/img', '*.example.com'), -1);
  assert.equal(refMatchingPrefix('other.com/x.example.com/img', '*.example.com'), -1);
  assert.equal(refMatchingPrefix('blah.example.community/img', '*.example.com'), -1);
});

test('findRegistry picks the longest matching prefix', () => {
  const conf = {
    registries: [
      registry('*.example.com', ''),
      registry('docker.io', 'docker.io'),
      registry('docker.io/library', 'mirror.local/lib'),
      registry('example.com', 'example.com'),
      registry('foo.example.com', 'foo.example.com', { insecure: true }),
    ],
  };
  assert.equal(findRegistry(conf, 'docker.io/library/alpine:latest')?.prefix, 'docker.io/library');
  assert.equal(findRegistry(conf, 'docker.io/user/alpine:latest')?.prefix, 'docker.io');
  assert.equal(findRegistry(conf, 'foo.example.com/img:1')?.prefix, 'foo.example.com');
  assert.equal(findRegistry(conf, 'bar.example.com/img:1')?.prefix, '*.example.com');
  assert.equal(findRegistry(conf, 'quay.io/img:1'), undefined);
});

test('rewriteLocation replaces the matched prefix', () => {
  assert.equal(
    rewriteLocation({ location: 'internal-registry-for-example.net/bar' }, 'example.com/foo', 'example.com/foo/myimage:latest'),
    'internal-registry-for-example.net/bar/myimage:latest',
  );
  assert.equal(rewriteLocation({ location: '' }, '*.example.com', 'blah.example.com/foo/img:1'), 'blah.example.com/foo/img:1');
  assert.equal(rewriteLocation({ location: 'mirror.io' }, '*.example.com', 'blah.example.com/foo/img:1'), 'mirror.io/foo/img:1');
  assert.throws(() => rewriteLocation({ location: 'x' }, 'quay.io', 'docker.io/a:b'));
});

test('pullSources lists usable mirrors, then the primary location', () => {
  const r = registry('example.com/foo', 'internal.example.net/bar', {
    mirrors: [
      { location: 'm0.local/foo', insecure: false },
      { location: 'm1.local/foo', insecure: true, pullFromMirror: 'digest-only' },
      { location: 'm2.local/foo', insecure: false, pullFromMirror: 'tag-only' },
    ],
  });
  assert.deepEqual(
    pullSources(r, 'example.com/foo/img:latest').map((s) => s.reference),
    ['m0.local/foo/img:latest', 'm2.local/foo/img:latest', 'internal.example.net/bar/img:latest'],
  );
  const byDigest = pullSources(r, 'example.com/foo/img@sha256:abcd');
  assert.deepEqual(
    byDigest.map((s) => [s.reference, s.endpoint.insecure]),
    [['m0.local/foo/img@sha256:abcd', false], ['m1.local/foo/img@sha256:abcd', true], ['internal.example.net/bar/img@sha256:abcd', false]],
  );
});

test('mirror-by-digest-only keeps tag pulls on the primary location', () => {
  const r = registry('docker.io', 'docker.io', { mirrorByDigestOnly: true, mirrors: [{ location: 'mirror.io', insecure: false }] });
  assert.deepEqual(pullSources(r, 'docker.io/library/a:1').map((s) => s.reference), ['docker.io/library/a:1']);
  assert.deepEqual(
    pullSources(r, 'docker.io/library/a@sha256:ff').map((s) => s.reference),
    ['mirror.io/library/a@sha256:ff', 'docker.io/library/a@sha256:ff'],
  );
});
