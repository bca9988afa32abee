// container clone: the original's configuration under a new name and ID, fresh anonymous
// volumes, limits and image overridden when asked; --run starts it, --destroy removes the
// original.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, inspectField, loadBusybox } from './container-test-helpers.ts';

describe('container clone', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  before(() => loadBusybox(env));
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    env.cleanup();
  });

  test('the same configuration under <name>-clone, -clone1; fresh anonymous volumes and hostname', async () => {
    const orig = (await env.runOk(['create', '--name', 'orig', '--network', 'none', '-e', 'FOO=bar', '-l', 'tier=web', '--memory', '64m', '-v', '/data', IMAGE, 'sleep', '300'])).trim();
    const first = (await env.runOk(['container', 'clone', 'orig'])).trim();
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.notEqual(first, orig);
    const second = (await env.runOk(['container', 'clone', 'orig'])).trim();
    assert.equal(await inspectField(env, first, '{{.Name}}'), 'orig-clone');
    assert.equal(await inspectField(env, second, '{{.Name}}'), 'orig-clone1');
    const same = '{{.Config.Env}} {{.Config.Cmd}} {{.Config.Labels}} {{.HostConfig.Memory}} {{.ImageName}}';
    assert.equal(await inspectField(env, first, same), await inspectField(env, orig, same));
    const volume = (id: string) => inspectField(env, id, '{{range .Mounts}}{{.Name}}{{end}}');
    assert.notEqual(await volume(first), await volume(orig));
    assert.equal(await inspectField(env, first, '{{.Config.Hostname}}'), first.slice(0, 12));
    await env.runOk(['start', first]);
    assert.equal(await env.runOk(['exec', first, 'sh', '-c', 'echo $FOO; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max']), 'bar\n67108864\n');
    await env.runOk(['rm', '-f', '-t', '0', first, second]);
  });

  test('NAME and IMAGE arguments, limits overridden, --run and --destroy', async () => {
    await env.runOk(['create', '--name', 'base', '--network', 'none', '--memory', '64m', '--cpu-shares', '512', IMAGE, 'sleep', '300']);
    const id = (await env.runOk(['container', 'clone', '--memory', '32m', '--run', 'base', 'renamed', IMAGE])).trim();
    assert.equal(await inspectField(env, 'renamed', '{{.Id}} {{.State.Status}} {{.HostConfig.Memory}} {{.HostConfig.CpuShares}}'), `${id} running 33554432 512`);
    await env.runOk(['container', 'clone', '--destroy', '--name', 'moved', 'base']);
    assert.equal((await env.run(['container', 'exists', 'base'])).code, 1);
    assert.equal(await inspectField(env, 'moved', '{{.Config.Cmd}}'), '[sleep 300]');
  });

  test('bad input: an unknown container, a name in use', async () => {
    const r = await env.run(['container', 'clone', 'nosuch']);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: no container with name or ID "nosuch" found: no such container\n']);
    await env.runOk(['create', '--name', 'taken', '--network', 'none', IMAGE, 'true']);
    const holder = (await inspectField(env, 'taken', '{{.Id}}')).trim();
    const clash = await env.run(['container', 'clone', 'taken', 'taken']);
    assert.equal(clash.code, 125);
    assert.equal(clash.stderr, `Error: creating container storage: the container name "taken" is already in use by ${holder}. You have to remove that container to be able to reuse that name: that name is already in use\n`);
  });
});
