// Health checks as Podman 4.3 runs them: `healthcheck run` execs the check in the running
// container, records Status/FailingStreak/Log in the state, honours retries, the timeout and
// the start period; `inspect` shows State.Health and `ps` the status and the health filter.
// This VM has no systemd as PID 1, so no timer runs the checks: the tests run them by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, inspectField, loadBusybox, runtimes, waitFor } from './container-test-helpers.ts';

const rt = runtimes[0]!;

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[] | null;
}

describe(`healthcheck with ${rt.name}`, { skip: rt.skip, concurrency: true }, () => {
  const env = new SkiffEnv();
  const skiff = (args: string[]) => env.run(['--runtime', rt.name, ...args]);
  const ok = async (args: string[]) => {
    const r = await skiff(args);
    assert.equal(r.code, 0, `skiff ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const health = async (name: string) => JSON.parse(await inspectField(env, name, '{{json .State.Health}}')) as Health;
  const check = (name: string) => skiff(['healthcheck', 'run', name]);
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('a passing check: silent exit 0, healthy, logged; ps shows it', async () => {
    await ok(['run', '-d', '--name', 'ok1', '--health-cmd', 'echo fine', IMAGE, 'sleep', '100']);
    assert.deepEqual(await health('ok1'), { Status: 'starting', FailingStreak: 0, Log: null });
    assert.match(await ok(['ps', '--filter', 'name=ok1', '--format', '{{.Status}}']), /^Up .* ago \(starting\)\n$/);
    assert.equal(await ok(['ps', '--filter', 'name=ok1', '--filter', 'health=starting', '--format', '{{.Names}}']), 'ok1\n');
    const r = await check('ok1');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    const h = await health('ok1');
    assert.deepEqual([h.Status, h.FailingStreak, h.Log?.length, h.Log?.[0]?.ExitCode, h.Log?.[0]?.Output], ['healthy', 0, 1, 0, 'fine\n']);
    assert.match(h.Log![0]!.Start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(JSON.parse(await inspectField(env, 'ok1', '{{json .State.Healthcheck}}')), h);
    assert.equal((await inspectField(env, 'ok1', '{{json .State}}')).includes('"Healthcheck"'), false);
    assert.match(await ok(['ps', '--filter', 'name=ok1', '--format', '{{.Status}}']), /^Up .* ago \(healthy\)\n$/);
    assert.match(await ok(['ps', '--filter', 'name=ok1']), /Up .* ago \(healthy\) +ok1\n$/);
    assert.equal(await ok(['ps', '--filter', 'name=ok1', '--filter', 'health=healthy', '--format', '{{.Names}}']), 'ok1\n');
    assert.equal(await ok(['ps', '--filter', 'name=ok1', '--filter', 'health=unhealthy', '--format', '{{.Names}}']), '');
  });

  test('failures: "unhealthy", exit 1, unhealthy after the retries; success resets', async () => {
    await ok(['run', '-d', '--name', 'bad1', '--health-cmd', 'echo no; test -e /tmp/ok', '--health-retries', '2', IMAGE, 'sleep', '100']);
    let r = await check('bad1');
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'unhealthy\n', '']);
    assert.deepEqual([(await health('bad1')).Status, (await health('bad1')).FailingStreak], ['starting', 1]);
    r = await check('bad1');
    assert.deepEqual([r.code, r.stdout], [1, 'unhealthy\n']);
    const h = await health('bad1');
    assert.deepEqual([h.Status, h.FailingStreak, h.Log!.map((e) => e.ExitCode), h.Log![1]!.Output], ['unhealthy', 2, [1, 1], 'no\n']);
    assert.equal(await ok(['ps', '--filter', 'name=bad1', '--filter', 'health=unhealthy', '--format', '{{.Names}}']), 'bad1\n');
    await ok(['exec', 'bad1', 'touch', '/tmp/ok']);
    assert.equal((await check('bad1')).code, 0);
    assert.deepEqual([(await health('bad1')).Status, (await health('bad1')).FailingStreak], ['healthy', 0]);
  });

  test('a check past its timeout fails with -1 and Podman\'s error', async () => {
    await ok(['run', '-d', '--name', 'slow1', '--health-cmd', 'sleep 2', '--health-timeout', '1s', '--health-retries', '1', IMAGE, 'sleep', '100']);
    const r = await check('slow1');
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', 'Error: healthcheck command exceeded timeout of 1s\n']);
    const h = await health('slow1');
    assert.deepEqual([h.Status, h.FailingStreak, h.Log?.[0]?.ExitCode], ['unhealthy', 1, -1]);
  });

  test('failures during the start period do not count', async () => {
    await ok(['run', '-d', '--name', 'sp1', '--health-cmd', 'false', '--health-retries', '1', '--health-start-period', '60s', IMAGE, 'sleep', '100']);
    const r = await check('sp1');
    assert.deepEqual([r.code, r.stdout], [1, 'unhealthy\n']);
    const h = await health('sp1');
    assert.deepEqual([h.Status, h.FailingStreak, h.Log?.length], ['starting', 0, 1]);
  });

  test('--health-on-failure=kill kills an unhealthy container; a restart starts over', async () => {
    await ok(['run', '-d', '--name', 'kill1', '--health-cmd', 'false', '--health-retries', '1', '--health-on-failure', 'kill', IMAGE, 'sleep', '100']);
    assert.equal((await check('kill1')).code, 1);
    await waitFor('kill1 to exit', async () => (await inspectField(env, 'kill1', '{{.State.Status}} {{.State.Health.Status}}')) === 'exited unhealthy');
    await ok(['start', 'kill1']);
    const h = await health('kill1');
    assert.deepEqual([h.Status, h.FailingStreak, h.Log?.length], ['starting', 0, 1]);
  });

  test('errors: no healthcheck, not running, no such container', async () => {
    const id = (await ok(['run', '-d', '--name', 'plain1', IMAGE, 'sleep', '100'])).trim();
    let r = await check('plain1');
    assert.deepEqual([r.code, r.stderr], [125, `Error: container ${id} has no defined healthcheck\n`]);
    assert.deepEqual(await health('plain1'), { Status: '', FailingStreak: 0, Log: null });
    assert.equal(await ok(['ps', '--filter', 'name=plain1', '--format', '{{.Status}}']).then((s) => s.includes('(')), false);
    const stopped = (await ok(['create', '--name', 'stopped1', '--health-cmd', 'true', IMAGE, 'sleep', '100'])).trim();
    r = await check('stopped1');
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', `Error: container ${stopped} is not running\n`]);
    r = await check('nosuch1');
    assert.deepEqual([r.code, r.stderr], [125, 'Error: unable to look up nosuch1 to perform a health check: no container with name or ID "nosuch1" found: no such container\n']);
    const none = await ok(['ps', '-a', '--filter', 'health=none', '--format', '{{.Names}}']);
    assert.equal(none.split('\n').includes('plain1'), true);
    assert.equal(none.split('\n').includes('stopped1'), false);
  });
});
