// Manifest lists under concurrent writers: every `manifest add` from parallel processes
// lands in the list, one of several `manifest create`s of one name wins, and no temporary
// file is left behind. Also `manifest push --compression-format`.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { tool } from '../helpers/tools.ts';

const writers = 8;

describe('manifest lists: concurrent writers', () => {
  const env = new SkiffEnv();
  const digests: string[] = [];

  before(async () => {
    // Eight distinct images: a one-file rootfs each, imported.
    for (let i = 0; i < writers; i++) {
      const rootfs = join(env.dir, `rootfs-${i}`);
      mkdirSync(rootfs);
      writeFileSync(join(rootfs, 'id'), `image ${i}\n`);
      const tar = join(env.dir, `rootfs-${i}.tar`);
      await tool('tar', ['-cf', tar, '-C', rootfs, '.']);
      await env.runOk(['import', '-q', tar, `localhost/part:${i}`]);
      digests.push((await env.runOk(['image', 'inspect', '--format', '{{.Digest}}', `localhost/part:${i}`])).trim());
    }
    assert.equal(new Set(digests).size, writers);
  });
  after(() => env.cleanup());

  test(`${writers} processes adding to one list at once: no entry is lost`, async () => {
    for (const round of [1, 2]) {
      const list = `localhost/together:${round}`;
      await env.runOk(['manifest', 'create', list]);
      const results = await Promise.all(digests.map((_, i) => env.run(['manifest', 'add', list, `localhost/part:${i}`])));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const inspected = JSON.parse(await env.runOk(['manifest', 'inspect', list])) as { manifests: { digest: string }[] };
      assert.deepEqual(inspected.manifests.map((m) => m.digest).sort(), [...digests].sort(), `round ${round}`);
    }
    assert.deepEqual(readdirSync(join(env.root, 'manifest-lists')).filter((n) => !n.endsWith('.json') && n !== '.lock'), []);
  });

  test('several creates of one name at once: one wins, the others find the name in use', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => env.run(['manifest', 'create', 'localhost/contested:1'])));
    assert.equal(results.filter((r) => r.code === 0).length, 1, results.map((r) => r.stderr).join(''));
    for (const r of results.filter((x) => x.code !== 0)) {
      assert.equal(r.code, 125);
      assert.equal(r.stderr, 'Error: localhost/contested:1: image name is already in use\n');
    }
    const lists = readdirSync(join(env.root, 'manifest-lists')).filter((n) => n.endsWith('.json'));
    assert.equal(lists.length, 3);
  });

  test('manifest push --compression-format zstd: the instances\' layers are zstd', async () => {
    const registry = await TestRegistry.start();
    try {
      await env.runOk(['manifest', 'create', 'localhost/zlist:1', 'localhost/part:0', 'localhost/part:1']);
      await env.runOk(['manifest', 'push', '-q', '--tls-verify=false', '--format', 'oci', '--compression-format', 'zstd', 'localhost/zlist:1', `${registry.host}/zlist:1`]);
      const index = (await registry.inspect('zlist:1', true)) as { manifests: { digest: string }[] };
      assert.equal(index.manifests.length, 2);
      for (const m of index.manifests) {
        const manifest = (await registry.inspect(`zlist@${m.digest}`, true)) as { layers: { mediaType: string }[] };
        assert.deepEqual(manifest.layers.map((l) => l.mediaType), ['application/vnd.oci.image.layer.v1.tar+zstd']);
      }
    } finally {
      await registry.stop();
    }
  });
});
