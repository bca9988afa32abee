// The container lifecycle with real conmon and both runtimes: create, init, start, stop,
// kill, pause, unpause, restart, wait, attach, rm, exists, prune, cleanup and inspect; the
// exit command and restart policies with no skiff running; and a store that stays
// consistent under 20 parallel run/rm loops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';
import { IMAGE, conmonsUnder, containerSkip, inspectField, loadBusybox, mountsUnder, runtimes, waitFor } from './container-test-helpers.ts';

const inspectKeys = [
  'Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ImageDigest', 'ImageName', 'Rootfs', 'Pod', 'ResolvConfPath', 'HostnamePath',
  'HostsPath', 'StaticDir', 'OCIConfigPath', 'OCIRuntime', 'ConmonPidFile', 'PidFile', 'Name', 'RestartCount', 'Driver', 'MountLabel',
  'ProcessLabel', 'AppArmorProfile', 'EffectiveCaps', 'BoundingCaps', 'ExecIDs', 'GraphDriver', 'Mounts', 'Dependencies',
  'NetworkSettings', 'Namespace', 'IsInfra', 'IsService', 'Config', 'HostConfig',
];

for (const rt of runtimes) {
  describe(`lifecycle with ${rt.name}`, { skip: rt.skip, concurrency: true }, () => {
    const env = new SkiffEnv();
    const skiff = (args: string[]) => env.run(['--runtime', rt.name, ...args]);
    const ok = async (args: string[]) => {
      const r = await skiff(args);
      assert.equal(r.code, 0, `skiff ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const status = (name: string) => inspectField(env, name, '{{.State.Status}}');
    before(() => loadBusybox(env));
    after(() => env.cleanup());

    test('create, start, stop, stop again, start again, rm', async () => {
      const id = (await ok(['create', '--name', 'c1', IMAGE, 'sleep', '100'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      assert.equal(await status('c1'), 'created');
      assert.equal(await ok(['start', 'c1']), 'c1\n');
      assert.equal(await status('c1'), 'running');
      assert.match(await inspectField(env, 'c1', '{{.State.Pid}} {{.State.ConmonPid}}'), /^[1-9]\d* [1-9]\d*$/);
      assert.equal(await ok(['start', 'c1']), 'c1\n');
      assert.equal(await ok(['stop', '-t', '0', 'c1']), 'c1\n');
      assert.equal(await inspectField(env, 'c1', '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}'), 'exited 137 0');
      // Stopping a stopped container is not an error (Podman 4.3).
      assert.equal(await ok(['stop', 'c1']), 'c1\n');
      assert.equal(await ok(['start', 'c1']), 'c1\n');
      assert.equal(await status('c1'), 'running');
      const rm = await skiff(['rm', 'c1']);
      assert.equal(rm.code, 2);
      assert.equal(rm.stderr, `Error: cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper\n`);
      assert.equal(await ok(['rm', '-f', '-t', '0', 'c1']), 'c1\n');
      // by full ID: a short name like c1 is also a hex ID prefix that another container may match
      assert.equal((await skiff(['container', 'exists', id])).code, 1);
      assert.deepEqual(conmonsUnder(id), []);
    });

    test('stop sends the stop signal first and SIGKILL after the timeout', async () => {
      await ok(['run', '-d', '--name', 'c2', IMAGE, 'sh', '-c', 'trap "exit 42" TERM; while true; do sleep 0.1; done']);
      assert.equal(await ok(['stop', 'c2']), 'c2\n');
      assert.equal(await inspectField(env, 'c2', '{{.State.ExitCode}}'), '42');
      await ok(['start', 'c2']);
      await ok(['run', '-d', '--name', 'c2b', '--stop-signal', 'USR1', IMAGE, 'sleep', '100']);
      const started = Date.now();
      assert.equal(await ok(['stop', '-t', '1', 'c2b']), 'c2b\n');
      assert.ok(Date.now() - started >= 1000, 'waited for the timeout');
      assert.equal(await inspectField(env, 'c2b', '{{.State.ExitCode}}'), '137');
    });

    test('kill -s, pause and unpause, and their state errors', async () => {
      const id = (await ok(['run', '-d', '--name', 'c3', IMAGE, 'sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done'])).trim();
      assert.equal(await ok(['pause', 'c3']), 'c3\n');
      assert.equal(await status('c3'), 'paused');
      assert.match(await ok(['ps', '--filter', 'name=^c3$', '--format', '{{.Status}}', '-a']), /^Paused\n$/);
      const unpauseRunning = await skiff(['pause', 'c3']);
      assert.equal(unpauseRunning.code, 125);
      assert.equal(await ok(['unpause', 'c3']), 'c3\n');
      const notPaused = await skiff(['unpause', 'c3']);
      assert.equal(notPaused.code, 125);
      assert.equal(notPaused.stderr, `Error: "${id}" is not paused, can't unpause: container state improper\n`);
      assert.equal(await ok(['kill', '-s', 'USR1', 'c3']), 'c3\n');
      assert.equal(await ok(['wait', 'c3']), '7\n');
      const kill = await skiff(['kill', 'c3']);
      assert.equal(kill.code, 125);
      assert.equal(kill.stderr, `Error: can only kill running containers. ${id} is in state exited: container state improper\n`);
      const pause = await skiff(['pause', 'c3']);
      assert.equal(pause.stderr, `Error: "exited" is not running, can't pause: container state improper\n`);
    });

    test('a detached container that exits is recorded by the exit command, with no skiff running', async () => {
      const id = (await ok(['run', '-d', '--name', 'c4', IMAGE, 'sh', '-c', 'echo bye; exit 5'])).trim();
      // No skiff command until conmon's exit command has done its work; inspect never cleans up.
      await waitFor('the exit command', () => mountsUnder(`${env.runroot}/mounts/container/${id}`).length === 0 && conmonsUnder(id).length === 0);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await inspectField(env, 'c4', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 5');
      assert.match(await ok(['ps', '-a', '--filter', 'name=c4', '--format', '{{.Status}}']), /^Exited \(5\) .* ago\n$/);
    });

    test('an attached run killed with -9 leaves the cleanup to the exit command; one that lives does it itself', async () => {
      // other tests of this suite run attached containers at the same time: only ours count
      const claimOf = (id: string) => readdirSync(join(env.runroot, 'locks')).filter((f) => f === `${id}.cleanup`);
      const child = spawn(skiffBin, [...env.globalArgs(), '--runtime', rt.name, 'run', '--name', 'killed9', IMAGE, 'sh', '-c', 'sleep 1; exit 6'], { env: env.env as NodeJS.ProcessEnv, stdio: 'ignore' });
      const id = await waitFor('the container to run', async () => {
        const r = await env.run(['inspect', '--format', '{{.State.Status}} {{.Id}}', 'killed9']);
        return r.stdout.startsWith('running ') ? r.stdout.trim().split(' ')[1]! : '';
      });
      assert.deepEqual(claimOf(id), [`${id}.cleanup`], 'the attached run claims the cleanup');
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      // Only the exit command removes a claim its owner left: it ran, and did the cleanup.
      await waitFor('the exit command', () => claimOf(id).length === 0 && mountsUnder(`${env.runroot}/mounts/container/${id}`).length === 0);
      assert.equal(await inspectField(env, 'killed9', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 6');

      assert.equal((await skiff(['run', '--name', 'lived9', IMAGE, 'sh', '-c', 'exit 7'])).code, 7);
      assert.equal(await inspectField(env, 'lived9', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 7');
      assert.deepEqual(claimOf(await inspectField(env, 'lived9', '{{.Id}}')), [], 'a run that cleaned up leaves no claim');
    });

    test('restart policy on-failure:2 restarts twice, by the exit command', async () => {
      await ok(['run', '-d', '--name', 'c5', '--restart', 'on-failure:2', IMAGE, 'sh', '-c', 'exit 1']);
      await waitFor('two restarts', async () => (await inspectField(env, 'c5', '{{.RestartCount}} {{.State.Status}}')) === '2 exited', 30_000);
      assert.equal(await inspectField(env, 'c5', '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}'), '1 on-failure 2');
    });

    test('restart policy always is not applied after a user stop', async () => {
      await ok(['run', '-d', '--name', 'c6', '--restart', 'always', IMAGE, 'sleep', '100']);
      await ok(['stop', '-t', '0', 'c6']);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await inspectField(env, 'c6', '{{.State.Status}} {{.RestartCount}}'), 'exited 0');
    });

    test('restart, init, wait, attach and start --attach', async () => {
      await ok(['run', '-d', '--name', 'c7', IMAGE, 'sleep', '100']);
      const pid = await inspectField(env, 'c7', '{{.State.Pid}}');
      assert.equal(await ok(['restart', '-t', '0', 'c7']), 'c7\n');
      assert.notEqual(await inspectField(env, 'c7', '{{.State.Pid}}'), pid);
      assert.equal(await status('c7'), 'running');

      await ok(['create', '--name', 'c8', IMAGE, 'sh', '-c', 'echo attached; exit 3']);
      assert.equal(await ok(['init', 'c8']), 'c8\n');
      assert.equal(await status('c8'), 'created');
      const started = await skiff(['start', '--attach', 'c8']);
      assert.equal(started.code, 3);
      assert.equal(started.stdout, 'attached\n');

      await ok(['run', '-d', '--name', 'c9', IMAGE, 'sh', '-c', 'sleep 1; echo late; exit 4']);
      const attached = await skiff(['attach', 'c9']);
      assert.equal(attached.code, 4);
      assert.equal(attached.stdout, 'late\n');
      assert.equal(await ok(['wait', 'c9', 'c8']), '4\n3\n');
    });

    test('inspect: Podman\'s fields in Podman\'s order, and --format', async () => {
      await ok(['run', '-d', '--name', 'c10', '-l', 'k=v', '--restart', 'on-failure:3', '--memory', '64m', IMAGE, 'sleep', '100']);
      const [data] = JSON.parse(await ok(['container', 'inspect', 'c10'])) as Record<string, any>[];
      assert.deepEqual(Object.keys(data!), inspectKeys);
      assert.equal(data!.Name, 'c10');
      assert.equal(data!.ImageName, IMAGE);
      assert.equal(data!.OCIRuntime, rt.name);
      assert.equal(data!.State.Status, 'running');
      assert.equal(data!.State.Running, true);
      assert.deepEqual(data!.Config.Cmd, ['sleep', '100']);
      assert.equal(data!.Config.Labels.k, 'v');
      assert.equal(data!.Config.StopSignal, 15);
      assert.deepEqual(data!.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
      assert.equal(data!.HostConfig.Memory, 67108864);
      assert.deepEqual(data!.HostConfig.CapDrop, ['CAP_AUDIT_WRITE', 'CAP_MKNOD', 'CAP_NET_RAW']);
      assert.equal(data!.Path, 'sleep');
      assert.deepEqual(data!.Args, ['100']);
      assert.match(await ok(['inspect', '--format', '{{.State.Pid}}', 'c10']), /^[1-9]\d*\n$/);
      assert.equal(await ok(['container', 'inspect', '-f', '{{.Name}} {{.Config.Labels.k}}', 'c10']), 'c10 v\n');
      const missing = await skiff(['container', 'inspect', 'nosuch']);
      assert.equal(missing.code, 125);
      assert.equal(missing.stdout, '[]\n');
      assert.equal(missing.stderr, 'Error: inspecting object: no such container nosuch\n');
    });
  });
}

describe('lifecycle', { skip: containerSkip, concurrency: true }, () => {
  const env = new SkiffEnv();
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('missing containers: stop, kill, start 125; rm 1 (nothing removed)', async () => {
    await env.runOk(['create', '--name', 'keep', IMAGE, 'true']);
    for (const verb of ['stop', 'kill', 'start', 'pause', 'wait']) {
      const r = await env.run([verb, 'nosuch']);
      assert.equal(r.code, 125, verb);
      assert.equal(r.stderr, 'Error: no container with name or ID "nosuch" found: no such container\n', verb);
    }
    const rm = await env.run(['rm', 'nosuch', 'keep']);
    assert.equal(rm.code, 1);
    assert.equal((await env.run(['container', 'exists', 'keep'])).code, 0);
    assert.equal(await env.runOk(['rm', '--ignore', 'nosuch', 'keep']), 'keep\n');
  });

  test('rm of a container others join: refused, unless they go too (named, or --depend)', async () => {
    const idA = (await env.runOk(['run', '-d', '--name', 'dep-a', '--network', 'none', IMAGE, 'sleep', '100'])).trim();
    const idB = (await env.runOk(['run', '-d', '--name', 'dep-b', '--network', 'container:dep-a', IMAGE, 'sleep', '100'])).trim();
    await env.runOk(['run', '-d', '--name', 'dep-c', '--pid', 'container:dep-b', '--network', 'none', IMAGE, 'sleep', '100']);
    const refused = await env.run(['rm', '-f', '-t', '0', 'dep-a']);
    assert.equal(refused.code, 125);
    assert.equal(refused.stderr, `Error: container ${idA} has dependent containers which must be removed before it: ${idB}: container already exists\n`);
    assert.equal((await env.run(['container', 'exists', 'dep-a'])).code, 0);
    // starting a container starts the ones whose namespaces it joins, as Podman does
    await env.runOk(['stop', '-t', '0', 'dep-c', 'dep-b', 'dep-a']);
    await env.runOk(['start', 'dep-c']);
    for (const n of ['dep-a', 'dep-b', 'dep-c']) assert.equal(await inspectField(env, n, '{{.State.Status}}'), 'running', n);
    await env.runOk(['rm', '-f', '-t', '0', '--depend', 'dep-a']);
    for (const n of ['dep-a', 'dep-b', 'dep-c']) assert.equal((await env.run(['container', 'exists', n])).code, 1, n);

    await env.runOk(['run', '-d', '--name', 'dep-d', '--network', 'none', IMAGE, 'sleep', '100']);
    await env.runOk(['run', '-d', '--name', 'dep-e', '--ipc', 'container:dep-d', '--network', 'none', IMAGE, 'sleep', '100']);
    assert.equal(await env.runOk(['rm', '-f', '-t', '0', 'dep-d', 'dep-e']), 'dep-d\ndep-e\n');
  });

  test('a container killed by the OOM killer shows it', async () => {
    const r = await env.run(['run', '--name', 'oom', '--memory', '10m', '--memory-swap', '10m', IMAGE, 'sh', '-c', 'head -c 50m /dev/zero | tail >/dev/null']);
    assert.equal(r.code, 137, r.stderr);
    assert.equal(await inspectField(env, 'oom', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'true 137');
    assert.match(await env.runOk(['ps', '-a', '--filter', 'name=oom', '--format', '{{.Status}}']), /^Exited \(137\) /);
  });

  test('inspect brings a container whose conmon died up to date, as ps does', async () => {
    await env.runOk(['run', '-d', '--name', 'orphan', '--network', 'none', IMAGE, 'sleep', '1']);
    const [pid, conmon] = (await inspectField(env, 'orphan', '{{.State.Pid}} {{.State.ConmonPid}}')).split(' ').map(Number);
    // no conmon: no exit file and no exit command when the container ends
    process.kill(conmon!, 'SIGKILL');
    const ended = () => {
      try {
        return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return true;
      }
    };
    await waitFor('the container to end', ended, 10_000);
    assert.equal(await inspectField(env, 'orphan', '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}'), 'exited -1 0');
    assert.equal(await env.runOk(['container', 'inspect', '--format', '{{.State.Running}}', 'orphan']), 'false\n');
    await env.runOk(['rm', 'orphan']);
  });

  test('exists, prune, cleanup', async () => {
    await env.runOk(['run', '--name', 'p1', '-l', 'prune-test=1', IMAGE, 'true']);
    await env.runOk(['create', '--name', 'p2', '-l', 'prune-test=1', IMAGE, 'true']);
    const id3 = (await env.runOk(['run', '-d', '--name', 'p3', '-l', 'prune-test=1', IMAGE, 'sleep', '100'])).trim();
    assert.equal((await env.run(['container', 'exists', 'p1'])).code, 0);
    assert.equal(await env.runOk(['container', 'cleanup', 'p3']), 'p3\n');
    assert.equal(await inspectField(env, 'p3', '{{.State.Status}}'), 'running');
    const pruned = (await env.runOk(['container', 'prune', '-f', '--filter', 'label=prune-test'])).trim().split('\n');
    assert.equal(pruned.length, 2);
    assert.ok(!pruned.includes(id3));
    assert.equal((await env.run(['container', 'exists', 'p1'])).code, 1);
    assert.equal((await env.run(['container', 'exists', 'p2'])).code, 1);
    assert.equal((await env.run(['container', 'exists', 'p3'])).code, 0);
    await env.runOk(['rm', '-f', '-t', '0', 'p3']);
  });

  test('20 parallel run -d / rm -f loops beside ps leave a consistent store', async () => {
    const env = new SkiffEnv();
    await loadBusybox(env);
    const loops = Array.from({ length: 20 }, async (_, i) => {
      for (let j = 0; j < 2; j++) {
        const id = (await env.runOk(['run', '-d', '--label', 'stress=1', IMAGE, 'sleep', '100'])).trim();
        assert.equal(await env.runOk(['rm', '-f', '-t', '0', id]), `${id}\n`, `loop ${i}`);
      }
    });
    let stop = false;
    const ps = (async () => {
      while (!stop) {
        const r = await env.run(['ps', '-a', '--filter', 'label=stress']);
        assert.equal(r.code, 0, r.stderr);
      }
    })();
    await Promise.all(loops);
    stop = true;
    await ps;
    assert.equal(await env.runOk(['ps', '-aq', '--filter', 'label=stress']), '');
    assert.deepEqual(mountsUnder(`${env.runroot}/mounts/container`).filter((m) => m !== `${env.runroot}/mounts/container`), []);
    assert.deepEqual(conmonsUnder(env.root), []);
    await env.cleanup();
  });
});
