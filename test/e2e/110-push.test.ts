// `push` to the real distribution registry (read back by skopeo) and to archive transports.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { tool } from '../helpers/tools.ts';
import { FrontServer } from './registry-test-helpers.ts';

const noTls = '--tls-verify=false';

interface RawManifest {
  mediaType?: string;
  config: { digest: string; mediaType: string };
  layers: { mediaType: string; digest: string }[];
}

describe('push', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  let id = '';

  before(async () => {
    registry = await TestRegistry.start();
    await env.runOk(['load', '-i', await dockerArchive()]);
    id = (await env.runOk(['image', 'inspect', '--format', '{{.Id}}', 'localhost/busybox:latest'])).trim();
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
  });

  test('to a registry: skopeo reads it back with the same config digest; gzip layers', async () => {
    const dest = `${registry.host}/pushed:1`;
    const digestfile = join(env.dir, 'digest');
    const r = await env.run(['push', noTls, '--digestfile', digestfile, 'localhost/busybox:latest', dest]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'Getting image source signatures');
    assert.equal(lines.filter((l) => l.startsWith('Copying blob sha256:')).length, 4);
    assert.ok(lines.includes(`Copying config sha256:${id}`), r.stderr);
    assert.deepEqual(lines.slice(-2), ['Writing manifest to image destination', 'Storing signatures']);
    const raw = (await registry.inspect('pushed:1', true)) as RawManifest;
    assert.equal(raw.config.digest, `sha256:${id}`);
    assert.equal(raw.config.mediaType, 'application/vnd.docker.container.image.v1+json');
    assert.ok(raw.layers.every((l) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
    const inspected = (await registry.inspect('pushed:1')) as { Digest: string };
    assert.equal(readFileSync(digestfile, 'utf8'), inspected.Digest);
  });

  test('again: the blobs exist and are skipped; --format oci; pulled back to the same ID', async () => {
    const r = await env.run(['push', noTls, '--format', 'oci', 'localhost/busybox:latest', `docker://${registry.host}/pushed:oci`]);
    assert.equal(r.code, 0, r.stderr);
    // On a pipe Podman names every layer, skipped or not; 111-push-reuse checks what is skipped.
    assert.equal(r.stderr.split('\n').filter((l) => /^Copying blob sha256:[0-9a-f]{64}$/.test(l)).length, 4);
    const raw = (await registry.inspect('pushed:oci', true)) as RawManifest;
    assert.equal(raw.config.mediaType, 'application/vnd.oci.image.config.v1+json');
    assert.ok(raw.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip'));
    const other = new SkiffEnv();
    try {
      assert.equal(await other.runOk(['pull', '-q', noTls, `${registry.host}/pushed:oci`]), `${id}\n`);
    } finally {
      await other.cleanup();
    }
  });

  test('--compression-format zstd with OCI', async () => {
    await env.runOk(['push', '-q', noTls, '--format', 'oci', '--compression-format', 'zstd', 'localhost/busybox:latest', `${registry.host}/zstd:latest`]);
    const raw = (await registry.inspect('zstd:latest', true)) as RawManifest;
    assert.ok(raw.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'));
    const other = new SkiffEnv();
    try {
      assert.equal(await other.runOk(['pull', '-q', noTls, `${registry.host}/zstd:latest`]), `${id}\n`);
    } finally {
      await other.cleanup();
    }
  });

  test('the default destination is the image name; errors are one line, exit 125', async () => {
    await env.runOk(['tag', 'localhost/busybox:latest', `${registry.host}/named:latest`]);
    assert.equal((await env.run(['push', '-q', noTls, `${registry.host}/named:latest`])).code, 0);
    assert.equal(((await registry.inspect('named:latest', true)) as RawManifest).config.digest, `sha256:${id}`);
    const unknown = await env.run(['push', noTls, 'nosuchimage', `${registry.host}/x:latest`]);
    assert.equal(unknown.code, 125);
    assert.equal(unknown.stderr, 'Error: nosuchimage: image not known\n');
    const refused = await env.run(['push', '-q', '--retry=0', noTls, 'localhost/busybox:latest', '127.0.0.1:1/x:latest']);
    assert.equal(refused.code, 125);
    assert.match(refused.stderr, /^Error: initializing destination docker:\/\/127\.0\.0\.1:1\/x:latest: pinging container registry 127\.0\.0\.1:1: .*connection refused\n$/);
  });

  test('to archive transports: docker-archive, oci-archive, oci, dir', async () => {
    const d = env.dir;
    await env.runOk(['push', 'localhost/busybox:latest', `docker-archive:${join(d, 'a.tar')}:x/y:1`]);
    const manifest = JSON.parse(await tool('tar', ['-xOf', join(d, 'a.tar'), 'manifest.json']));
    assert.deepEqual(manifest[0].RepoTags, ['localhost/x/y:1']);
    await env.runOk(['push', 'localhost/busybox:latest', `oci-archive:${join(d, 'b.tar')}:busybox:1`]);
    await env.runOk(['push', 'localhost/busybox:latest', `oci:${join(d, 'layout')}:busybox:1`]);
    await env.runOk(['push', 'localhost/busybox:latest', `dir:${join(d, 'dir')}`]);
    for (const src of [`oci-archive:${join(d, 'b.tar')}:busybox:1`, `oci:${join(d, 'layout')}:busybox:1`, `dir:${join(d, 'dir')}`, `docker-archive:${join(d, 'a.tar')}`]) {
      const config = JSON.parse(await tool('skopeo', ['inspect', '--config', '--raw', src]));
      assert.ok(config.rootfs.diff_ids.length === 4, src);
    }
    assert.ok(existsSync(join(d, 'dir', 'manifest.json')));
  });
});

describe('push: authentication', () => {
  test('htpasswd: refused without credentials, accepted with --creds', async () => {
    const registry = await TestRegistry.start({ auth: { user: 'alice', password: 'wonderland' } });
    const env = new SkiffEnv();
    try {
      await env.runOk(['load', '-i', await dockerArchive()]);
      const denied = await env.run(['push', '-q', noTls, 'localhost/busybox:latest', `${registry.host}/a:1`]);
      assert.equal(denied.code, 125);
      assert.match(denied.stderr, /unauthorized: authentication required/);
      await env.runOk(['push', '-q', noTls, '--creds', 'alice:wonderland', 'localhost/busybox:latest', `${registry.host}/a:1`]);
      assert.ok(((await registry.inspect('a:1', true)) as RawManifest).layers.length === 4);
    } finally {
      await env.cleanup();
      await registry.stop();
    }
  });

  test('bearer tokens with push scope', async () => {
    const registry = await TestRegistry.start();
    const front = await FrontServer.start(registry, { bearer: { user: 'bob', password: 'builder' } });
    const env = new SkiffEnv();
    try {
      await env.runOk(['load', '-i', await dockerArchive()]);
      const anon = await env.run(['push', '-q', noTls, 'localhost/busybox:latest', `${front.host}/b:1`]);
      assert.equal(anon.code, 125);
      await env.runOk(['push', '-q', noTls, '--creds', 'bob:builder', 'localhost/busybox:latest', `${front.host}/b:1`]);
      assert.ok(((await registry.inspect('b:1', true)) as RawManifest).layers.length === 4);
    } finally {
      await env.cleanup();
      await front.stop();
      await registry.stop();
    }
  });
});
