// registries.conf as Podman applies it on pull: a mirror is tried before the registry, a
// `location` rewrites where a prefix is pulled from, a blocked registry is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const env = new SkiffEnv();
let registry: TestRegistry;
before(async () => {
  registry = await TestRegistry.start();
  await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'mirror/busybox:latest');
  await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'rewritten/busybox:latest');
  // the registry named by the image does not exist (port 9 on loopback refuses): only the
  // mirror and the rewritten location can serve it
  env.writeConfig(
    'registries',
    `
[[registry]]
prefix = "mirrored.skiff.test"
location = "127.0.0.1:9"
insecure = true
[[registry.mirror]]
location = "${registry.host}/mirror"
insecure = true

[[registry]]
prefix = "moved.skiff.test/app"
location = "${registry.host}/rewritten"
insecure = true

[[registry]]
prefix = "blocked.skiff.test"
location = "${registry.host}"
blocked = true
`,
  );
});
after(async () => {
  await env.cleanup();
  await registry.stop();
});

test('a mirror serves the pull when the registry itself is unreachable', async () => {
  const r = await env.run(['pull', 'mirrored.skiff.test/busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.equal((await env.runOk(['images', '--format', '{{.Repository}}:{{.Tag}}'])).trim(), 'mirrored.skiff.test/busybox:latest');
});

test('location rewrites the prefix; the image keeps the name it was pulled by', async () => {
  const r = await env.run(['pull', 'moved.skiff.test/app/busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(await env.runOk(['images', '--format', '{{.Repository}}']), /moved\.skiff\.test\/app\/busybox/);
});

test('a blocked registry is refused with a clear error', async () => {
  const r = await env.run(['pull', 'blocked.skiff.test/busybox:latest']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /\nError: initializing source docker:\/\/blocked\.skiff\.test\/busybox:latest: registry blocked\.skiff\.test is blocked in registries\.conf\n$/);
});
