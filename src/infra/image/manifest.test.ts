import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptContentError, InvalidArgumentError } from '../../define/errors.ts';
import {
  buildDockerManifest,
  buildOciIndex,
  buildOciManifest,
  detectManifestMediaType,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
} from './manifest.ts';
import { formatPlatform, hostPlatform, selectPlatformManifest } from './platform.ts';
import { MediaType, type Descriptor } from './types.ts';

const d = (c: string): string => `sha256:${c.repeat(64)}`;

// As containers/image (Podman 4.3) marshals them, copied from `podman save` output.
const podmanOciManifest =
  '{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b371dfbc60a51551acaf4fd047063000afd0c35d63e94c557d485807fc014bd1","size":415},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:c1143c9b3b037ed6db384162c2940dac6a0cc47492ef6d38b95f31723fbee385","size":1083788}]}';
const podmanDockerManifest =
  '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":415,"digest":"sha256:b371dfbc60a51551acaf4fd047063000afd0c35d63e94c557d485807fc014bd1"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":1987584,"digest":"sha256:137b7cf63ac6ffe1892c5d2e79bcecd7bd8982249ccf566b1b25dd25358314dd"}]}';
const podmanIndex =
  '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:113da6d70ac7c7a6ec8e446621b27dd1d14a3276d578f6ca838750ceef8ec965","size":348,"annotations":{"org.opencontainers.image.ref.name":"localhost/name:tag"}}]}';

test('built manifests and indexes are byte-identical to Podman’s', () => {
  const oci = parseImageManifest(Buffer.from(podmanOciManifest));
  assert.equal(buildOciManifest({ config: oci.config, layers: oci.layers }).toString(), podmanOciManifest);
  const docker = parseImageManifest(Buffer.from(podmanDockerManifest));
  assert.equal(docker.mediaType, MediaType.dockerManifest);
  assert.equal(buildDockerManifest(docker.config, docker.layers).toString(), podmanDockerManifest);
  assert.equal(buildOciIndex(parseImageIndex(Buffer.from(podmanIndex)).manifests).toString(), podmanIndex);
});

test('annotations are sorted and the mediaType member kept on request', () => {
  const built = buildOciManifest({
    config: { mediaType: MediaType.ociConfig, digest: d('a'), size: 2 },
    layers: [{ mediaType: MediaType.ociLayer, digest: d('b'), size: 3, annotations: { z: '1', a: '<2>' } }],
    annotations: { 'org.b': 'x', 'org.a': 'y' },
    withMediaTypeField: true,
  });
  assert.equal(
    built.toString(),
    `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${d('a')}","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"${d('b')}","size":3,"annotations":{"a":"\\u003c2\\u003e","z":"1"}}],"annotations":{"org.a":"y","org.b":"x"}}`,
  );
  assert.equal(parseImageManifest(built).hasMediaTypeField, true);
});

test('media types are guessed as containers/image guesses them', () => {
  const guess = (value: unknown): string => detectManifestMediaType(Buffer.from(JSON.stringify(value)));
  assert.equal(guess({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig } }), MediaType.ociManifest);
  assert.equal(guess({ schemaVersion: 2, config: { mediaType: MediaType.dockerConfig } }), MediaType.dockerManifest);
  assert.equal(guess({ schemaVersion: 2, manifests: [] }), MediaType.ociIndex);
  assert.equal(guess({ schemaVersion: 1, signatures: [] }), MediaType.dockerSchema1Signed);
  assert.equal(guess({ mediaType: MediaType.dockerManifestList }), MediaType.dockerManifestList);
});

test('malformed manifests, indexes and configs are CorruptContentErrors', () => {
  const bad = [
    'not json',
    '[]',
    JSON.stringify({ schemaVersion: 1, fsLayers: [] }),
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('a'), size: 1 } }),
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: 'sha256:abc', size: 1 }, layers: [] }),
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('a'), size: -1 }, layers: [] }),
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('a'), size: 1 }, layers: [{ digest: d('b'), size: 1 }] }),
    JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('a'), size: 1 }, layers: [], annotations: { a: 1 } }),
  ];
  for (const text of bad) assert.throws(() => parseImageManifest(Buffer.from(text)), CorruptContentError, text);
  assert.throws(() => parseImageIndex(Buffer.from('{"schemaVersion":2}')), CorruptContentError);
  assert.throws(() => parseImageIndex(Buffer.from(`{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"${d('a')}","size":"1"}]}`)), CorruptContentError);
  assert.throws(() => parseImageConfig(Buffer.from('{"architecture":"amd64"}')), CorruptContentError);
  assert.throws(() => parseImageConfig(Buffer.from('{"rootfs":{"type":"layers","diff_ids":["sha256:x"]}}')), CorruptContentError);
  assert.deepEqual(parseImageConfig(Buffer.from(`{"rootfs":{"type":"layers","diff_ids":["${d('c')}"]}}`)).rootfs.diff_ids, [d('c')]);
});

test('platform selection', () => {
  const entry = (os: string, architecture: string, variant?: string): Descriptor => ({
    mediaType: MediaType.ociManifest,
    digest: d(architecture === 'amd64' ? '1' : architecture === 'arm64' ? '2' : '3'),
    size: 1,
    platform: variant ? { os, architecture, variant } : { os, architecture },
  });
  const list = [entry('linux', 'arm64'), entry('linux', 'amd64'), entry('linux', 'arm', 'v7'), { mediaType: 'x', digest: d('9'), size: 1 }];
  assert.equal(selectPlatformManifest(list, { os: 'linux', architecture: 'amd64' }).digest, d('1'));
  assert.equal(selectPlatformManifest(list, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, d('2'));
  assert.equal(selectPlatformManifest(list, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, d('3'));
  assert.throws(() => selectPlatformManifest(list, { os: 'linux', architecture: 'arm', variant: 'v6' }), InvalidArgumentError);
  assert.throws(
    () => selectPlatformManifest(list, { os: 'windows', architecture: 'amd64' }),
    /OS windows \(available: linux\/arm64, linux\/amd64, linux\/arm\/v7, unknown\)/,
  );
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' }), 'linux/arm64/v8');
  assert.equal(hostPlatform().os, 'linux');
  assert.equal(hostPlatform().architecture, process.arch === 'x64' ? 'amd64' : hostPlatform().architecture);
});
