// `exec`: exit codes, environment, working directory, user, stdin, terminal, detached
// sessions and the errors, checked against what Podman 4.3.1 prints and returns.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { crunBlockedByCgroupLayout } from '../../src/infra/oci/runtime.ts';
import { dockerArchive, imageNames } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const image = imageNames.docker;

for (const runtime of ['runc', 'crun']) {
  const skip = runtime === 'crun' && crunBlockedByCgroupLayout() ? 'crun refuses this host\'s hybrid cgroup layout (see TESTING.md)' : false;
  describe(`exec (${runtime})`, { skip }, () => {
    const env = new SkiffEnv();
    before(async () => {
      env.writeConfig('containers', `[engine]\nruntime = "${runtime}"\n`);
      await env.runOk(['load', '-i', await dockerArchive()]);
      await env.runOk(['run', '-d', '--name', 'box', image, 'sleep', '1000']);
      await env.runOk(['create', '--name', 'idle', image, 'true']);
    });
    after(() => env.cleanup());

    test('runs the command and passes its output and exit code on', async () => {
      assert.equal(await env.runOk(['inspect', '--format', '{{.OCIRuntime}}', 'box']), `${runtime}\n`);
      const r = await env.run(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, 'out\n');
      assert.equal(r.stderr, 'err\n');
    });

    test('-e, --env-file, -w and -u change the process, not the container', async () => {
      const envFile = join(env.dir, 'exec.env');
      writeFileSync(envFile, '# a comment\nFROM_FILE=yes\n');
      const r = await env.run(['exec', '-e', 'A=b', '--env-file', envFile, '-w', '/tmp', '-u', '1000:1000', 'box', 'sh', '-c', 'echo $A $FROM_FILE $SKIFF_FIXTURE; pwd; id -u; id -g']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'b yes busybox\n/tmp\n1000\n1000\n');
      assert.equal(await env.runOk(['exec', 'box', 'pwd']), '/data\n');
      assert.equal(await env.runOk(['exec', '-u', 'app', 'box', 'id', '-un']), 'app\n');
    });

    test('-i forwards stdin; without it the process gets none', async () => {
      assert.equal(await env.runOk(['exec', '-i', 'box', 'cat'], { input: 'hello\n' }), 'hello\n');
      assert.equal(await env.runOk(['exec', 'box', 'cat'], { input: 'ignored\n' }), '');
    });

    test('-t gives the process a terminal', async () => {
      const r = await env.run(['exec', '-t', 'box', 'tty']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\/dev\/pts\/\d+\r?\n$/);
    });

    test('--privileged grants the whole bounding set', async () => {
      const plain = await env.runOk(['exec', 'box', 'grep', 'CapEff', '/proc/self/status']);
      const privileged = await env.runOk(['exec', '--privileged', 'box', 'grep', 'CapEff', '/proc/self/status']);
      assert.notEqual(plain, privileged);
      assert.equal(privileged, (await env.runOk(['exec', '--privileged', 'box', 'grep', 'CapBnd', '/proc/self/status'])).replace('CapBnd', 'CapEff'));
    });

    test('-d prints the session ID and leaves the process running', async () => {
      const r = await env.run(['exec', '-d', 'box', 'sh', '-c', 'sleep 0.2; echo done > /tmp/detached']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
      let out = '';
      for (let i = 0; i < 50 && out === ''; i++) {
        await sleep(100);
        out = (await env.run(['exec', 'box', 'cat', '/tmp/detached'])).stdout;
      }
      assert.equal(out, 'done\n');
    });

    test('127 for a missing command, 126 for one that cannot run', async () => {
      const missing = await env.run(['exec', 'box', '/nope']);
      assert.equal(missing.code, 127);
      assert.match(missing.stderr, /^Error: .*not found/);
      const notExec = await env.run(['exec', 'box', '/etc']);
      assert.equal(notExec.code, 126);
      assert.match(notExec.stderr, /^Error: .*(permission denied|Permission denied|not permitted)/);
    });

    test('errors of the session exit 255, as Podman\'s', async () => {
      const stopped = await env.run(['exec', 'idle', 'true']);
      assert.equal(stopped.code, 255);
      assert.equal(stopped.stderr, 'Error: can only create exec sessions on running containers: container state improper\n');
      const noCommand = await env.run(['exec', 'box']);
      assert.equal(noCommand.code, 255);
      assert.equal(noCommand.stderr, 'Error: must provide a non-empty command to start an exec session: invalid argument\n');
      const noUser = await env.run(['exec', '-u', 'nosuch', 'box', 'id']);
      assert.equal(noUser.code, 255);
      assert.equal(noUser.stderr, 'Error: unable to find user nosuch: no matching entries in passwd file\n');
    });

    test('errors before the session exit 125', async () => {
      const unknown = await env.run(['exec', 'nope', 'true']);
      assert.equal(unknown.code, 125);
      assert.equal(unknown.stderr, 'Error: no container with name or ID "nope" found: no such container\n');
      const flag = await env.run(['exec', '--foo', 'box', 'true']);
      assert.equal(flag.code, 125);
      assert.match(flag.stderr, /^Error: unknown flag: --foo/);
    });

    test('--latest picks the newest container', async () => {
      await env.runOk(['run', '-d', '--name', 'newest', image, 'sleep', '1000']);
      assert.equal(await env.runOk(['exec', '-l', 'cat', '/etc/hostname']), (await env.runOk(['inspect', '--format', '{{.Config.Hostname}}', 'newest'])));
    });
  });
}
