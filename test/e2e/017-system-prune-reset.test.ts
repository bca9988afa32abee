// `system prune` takes everything unused, in Podman's order (stopped containers, volumes with
// --volumes, networks, images), and `system reset` everything: the store's directories go,
// and nothing of it stays mounted or running.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { conmonsUnder, containerSkip, IMAGE, loadBusybox, mountsUnder } from './container-test-helpers.ts';

describe('system prune and system reset', { skip: containerSkip, concurrency: false }, () => {
  const env = new SkiffEnv();
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('prune: stopped containers, unused volumes (--volumes) and networks go; what runs stays', async () => {
    const stopped = (await env.runOk(['create', '--network', 'none', IMAGE, 'true'])).trim();
    await env.runOk(['network', 'create', 'unusednet']);
    await env.runOk(['volume', 'create', 'unusedvol']);
    await env.runOk(['run', '-d', '--name', 'keeper', '--network', 'none', '-v', 'usedvol:/u', IMAGE, 'sleep', '100']);
    const out = await env.runOk(['system', 'prune', '-f', '--volumes']);
    assert.equal(out, `Deleted Containers\n${stopped}\nDeleted Volumes\nunusedvol\nDeleted Networks\nunusednet\nTotal reclaimed space: ${out.split('space: ')[1]}`);
    assert.equal(await env.runOk(['ps', '-a', '--format', '{{.Names}}']), 'keeper\n');
    assert.equal(await env.runOk(['volume', 'ls', '-q']), 'usedvol\n');
    assert.equal(await env.runOk(['network', 'ls', '--format', '{{.Name}}']), 'podman\n');
  });

  test('reset: asks first; then everything goes, the store\'s directories too', async () => {
    const no = await env.run(['system', 'reset'], { input: 'n\n' });
    assert.equal(no.code, 0);
    assert.match(no.stdout, /^WARNING! This will remove:\n {8}- all containers\n/);
    assert.equal(await env.runOk(['ps', '-q']) !== '', true, 'nothing removed on "n"');
    await env.runOk(['secret', 'create', 'sec', '-'], { input: 'x' });
    await env.runOk(['system', 'reset', '-f']);
    assert.deepEqual(mountsUnder(env.dir), []);
    assert.deepEqual(conmonsUnder(env.dir), []);
    for (const dir of [env.root, env.runroot]) assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, `${dir} is gone`);
    // a fresh, empty store afterwards
    assert.equal(await env.runOk(['images', '-q']), '');
    assert.equal(await env.runOk(['secret', 'ls', '-q']), '');
  });
});
