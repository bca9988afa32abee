// run and create pull a missing image as --pull says (missing, always, never, newer).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const env = new SkiffEnv();
let registry: TestRegistry;
let image = '';
before(async () => {
  registry = await TestRegistry.start();
  await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
  image = `${registry.host}/busybox:latest`;
});
after(async () => {
  await env.cleanup();
  await registry.stop();
});

test('run pulls a missing image, with the pull lines on stderr and the output on stdout', async () => {
  const r = await env.run(['run', '--rm', '--tls-verify=false', image, 'echo', 'pulled and ran']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'pulled and ran\n');
  assert.match(r.stderr, new RegExp(`Trying to pull ${image.replace(/[.]/g, '\\.')}`));
  assert.match(await env.runOk(['images', '--format', '{{.Repository}}:{{.Tag}}']), new RegExp(image.replace(/[.]/g, '\\.')));
});

test('--pull=never with a missing image fails; -q pulls quietly; --pull=always pulls again', async () => {
  const never = await env.run(['create', '--pull=never', `${registry.host}/nothere:latest`]);
  assert.equal(never.code, 125);
  assert.equal(never.stderr, `Error: ${registry.host}/nothere:latest: image not known\n`);
  await env.runOk(['rmi', '-a', '-f']);
  const quiet = await env.run(['create', '-q', '--tls-verify=false', image]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '');
  assert.match(quiet.stdout, /^[0-9a-f]{64}\n$/);
  const again = await env.run(['create', '--pull=always', '--tls-verify=false', image]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /Trying to pull/);
});

test('an unknown pull policy is an error', async () => {
  const r = await env.run(['create', '--pull=sometimes', image]);
  assert.equal(r.code, 125);
  assert.equal(r.stderr, 'Error: unsupported pull policy "sometimes"\n');
});
