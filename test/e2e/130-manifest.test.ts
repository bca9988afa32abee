// `manifest create|add|inspect|exists|push|rm` with local images and images in the registry.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { multiPlatformLayout, seedAll } from './registry-test-helpers.ts';

const noTls = '--tls-verify=false';

interface ListJson {
  mediaType: string;
  manifests: { digest: string; mediaType: string; platform?: { architecture: string; os: string; variant?: string } }[];
}

describe('manifest', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  let multi: Awaited<ReturnType<typeof multiPlatformLayout>>;
  before(async () => {
    registry = await TestRegistry.start();
    multi = await multiPlatformLayout();
    await seedAll(registry, `oci:${multi.dir}:multi`, 'multi:latest');
    await env.runOk(['load', '-i', await dockerArchive()]);
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
    rmSync(multi.dir, { recursive: true, force: true });
  });

  test('create, add a local image with overrides, inspect, exists', async () => {
    const id = (await env.runOk(['manifest', 'create', 'mylist'])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal((await env.run(['manifest', 'exists', 'mylist'])).code, 0);
    assert.equal((await env.run(['manifest', 'exists', 'nolist'])).code, 1);
    assert.equal((await env.runOk(['manifest', 'add', '--arch', 'arm64', '--variant', 'v8', '--annotation', 'a=b', 'mylist', 'localhost/busybox:latest'])).trim(), id);
    const list = JSON.parse(await env.runOk(['manifest', 'inspect', 'mylist'])) as ListJson;
    assert.equal(list.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
    assert.equal(list.manifests.length, 1);
    assert.deepEqual(list.manifests[0]!.platform, { architecture: 'arm64', os: 'linux', variant: 'v8' });
    const again = await env.run(['manifest', 'create', 'mylist']);
    assert.equal(again.code, 125);
  });

  test('add from a registry (--all takes every instance), push, skopeo sees the index', async () => {
    await env.runOk(['manifest', 'create', 'combined']);
    await env.runOk(['manifest', 'add', noTls, '--all', 'combined', `docker://${registry.host}/multi:latest`]);
    const list = JSON.parse(await env.runOk(['manifest', 'inspect', 'combined'])) as ListJson;
    assert.deepEqual(list.manifests.map((m) => m.platform?.architecture).sort(), ['amd64', 'arm64']);
    const r = await env.run(['manifest', 'push', noTls, 'combined', `docker://${registry.host}/combined:1`]);
    assert.equal(r.code, 0, r.stderr);
    const raw = (await registry.inspect('combined:1', true)) as ListJson;
    assert.deepEqual(raw.manifests.map((m) => m.digest).sort(), list.manifests.map((m) => m.digest).sort());
  });

  test('push a list of local images: instances pushed by digest, pulled per platform', async () => {
    await env.runOk(['manifest', 'create', 'locallist', 'localhost/busybox:latest']);
    const r = await env.run(['manifest', 'push', noTls, '--format', 'oci', 'locallist', `${registry.host}/locallist:1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Writing manifest list to image destination\nStoring list signatures\n$/);
    const raw = (await registry.inspect('locallist:1', true)) as ListJson & { mediaType?: string };
    assert.equal(raw.mediaType, 'application/vnd.oci.image.index.v1+json');
    const other = new SkiffEnv();
    try {
      const id = (await env.runOk(['image', 'inspect', '--format', '{{.Id}}', 'localhost/busybox:latest'])).trim();
      assert.equal(await other.runOk(['pull', '-q', noTls, '--arch', 'amd64', `${registry.host}/locallist:1`]), `${id}\n`);
    } finally {
      await other.cleanup();
    }
  });

  test('annotate an instance, then remove it from the list', async () => {
    const list = JSON.parse(await env.runOk(['manifest', 'inspect', 'mylist'])) as ListJson & { manifests: { annotations?: Record<string, string> }[] };
    const digest = list.manifests[0]!.digest;
    await env.runOk(['manifest', 'annotate', '--os', 'freebsd', '--annotation', 'c=d', 'mylist', digest]);
    const annotated = JSON.parse(await env.runOk(['manifest', 'inspect', 'mylist'])) as typeof list;
    assert.equal(annotated.manifests[0]!.platform!.os, 'freebsd');
    assert.deepEqual(annotated.manifests[0]!.annotations, { a: 'b', c: 'd' });
    await env.runOk(['manifest', 'remove', 'mylist', digest]);
    assert.deepEqual((JSON.parse(await env.runOk(['manifest', 'inspect', 'mylist'])) as ListJson).manifests, []);
    const gone = await env.run(['manifest', 'remove', 'mylist', digest]);
    assert.equal(gone.code, 125);
  });

  test('inspect of a list in the registry; rm', async () => {
    const remote = JSON.parse(await env.runOk(['manifest', 'inspect', noTls, `${registry.host}/multi:latest`])) as ListJson;
    assert.equal(remote.manifests.length, 2);
    const r = await env.run(['manifest', 'rm', 'mylist']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Untagged: localhost\/mylist:latest\nDeleted: [0-9a-f]{64}\n$/);
    assert.equal((await env.run(['manifest', 'exists', 'mylist'])).code, 1);
    const missing = await env.run(['manifest', 'rm', 'mylist']);
    assert.equal(missing.code, 125);
  });
});
