// `search` against the distribution registry, which has only the catalog API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const noTls = '--tls-verify=false';

describe('search', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  before(async () => {
    registry = await TestRegistry.start();
    const layout = `oci:${await ociLayout()}:busybox:latest`;
    await registry.seed(layout, 'busybox:latest');
    await registry.seed(layout, 'busybox:1.0');
    await registry.seed(layout, 'tools/busy:1');
    await registry.seed(layout, 'alpine:3');
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
  });

  test('matching catalog entries as NAME / DESCRIPTION', async () => {
    const r = await env.run(['search', noTls, `${registry.host}/busy`]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.trimEnd());
    assert.match(lines[0]!, /^NAME\s+DESCRIPTION$/);
    assert.deepEqual(lines.slice(1), [`${registry.host}/busybox`, `${registry.host}/tools/busy`]);
  });

  test('--limit, --format, search registries from registries.conf', async () => {
    assert.equal(await env.runOk(['search', noTls, '--limit', '1', '--format', '{{.Name}}', `${registry.host}/busy`]), `${registry.host}/busybox\n`);
    const e = new SkiffEnv();
    try {
      e.writeConfig('registries', `unqualified-search-registries = ["${registry.host}"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
      assert.equal(await e.runOk(['search', '--format', '{{.Name}}', 'alp']), `${registry.host}/alpine\n`);
    } finally {
      await e.cleanup();
    }
  });

  test('--list-tags', async () => {
    const r = await env.run(['search', noTls, '--list-tags', `${registry.host}/busybox`]);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(header, ['NAME', 'TAG']);
    assert.deepEqual(rows.sort(), [[`${registry.host}/busybox`, '1.0'], [`${registry.host}/busybox`, 'latest']]);
  });

  test('an unreachable registry is an error, exit 125', async () => {
    const r = await env.run(['search', noTls, '127.0.0.1:1/x']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^Error: couldn't search registry "127\.0\.0\.1:1": .*connection refused\n$/);
  });
});
