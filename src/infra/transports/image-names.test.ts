import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptContentError } from '../../define/errors.ts';
import { ociRefName, repoTagName } from './image-names.ts';

const digest = `sha256:${'a'.repeat(64)}`;

test('OCI ref names get Podman load’s names', () => {
  const cases: Array<[string, string]> = [
    ['name:tag', 'localhost/name:tag'],
    ['latest', 'localhost/latest:latest'],
    ['foo/bar', 'localhost/foo/bar:latest'],
    ['localhost/x:1', 'localhost/x:1'],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['quay.io/a/b', 'quay.io/a/b:latest'],
    ['registry:5000/a', 'registry:5000/a:latest'],
    [`quay.io/a:v1@${digest}`, `quay.io/a@${digest}`],
    [`quay.io/a@${digest}`, `quay.io/a@${digest}`],
  ];
  for (const [name, expected] of cases) {
    assert.equal(ociRefName({ 'org.opencontainers.image.ref.name': name }, 'index.json'), expected, name);
  }
  assert.equal(ociRefName(undefined, 'x'), undefined);
  assert.equal(ociRefName({}, 'x'), undefined);
  assert.equal(
    ociRefName({ 'org.opencontainers.image.ref.name': 'v1', 'io.containerd.image.name': 'docker.io/library/alpine:3' }, 'x'),
    'docker.io/library/alpine:3',
  );
  assert.throws(() => ociRefName({ 'org.opencontainers.image.ref.name': 'Upper' }, 'x'), CorruptContentError);
  assert.throws(() => ociRefName({ 'org.opencontainers.image.ref.name': 'a:b:c' }, 'x'), CorruptContentError);
});

test('docker-archive RepoTags are Docker names with a tag', () => {
  assert.equal(repoTagName('busybox:latest', 'm'), 'docker.io/library/busybox:latest');
  assert.equal(repoTagName('localhost/name:tag', 'm'), 'localhost/name:tag');
  assert.equal(repoTagName('example.com/fixture:v1', 'm'), 'example.com/fixture:v1');
  assert.throws(() => repoTagName('busybox', 'm'), CorruptContentError);
  assert.throws(() => repoTagName(`busybox@${digest}`, 'm'), CorruptContentError);
  assert.throws(() => repoTagName('Busybox:1', 'm'), /invalid reference format: repository name must be lowercase/);
});
