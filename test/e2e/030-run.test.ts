// `run` and `create` with real conmon and both runtimes: output, exit codes, the flags a
// container gets (checked from inside it), foreground and detached modes, and robustness
// against a skiff killed half-way. Exit codes and messages are Podman 4.3's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';
import { IMAGE, conmonsUnder, containerSkip, inspectField, loadBusybox, mountsUnder, runtimes, waitFor } from './container-test-helpers.ts';

for (const rt of runtimes) {
  describe(`run with ${rt.name}`, { skip: rt.skip, concurrency: true }, () => {
    const env = new SkiffEnv();
    const run = (args: string[], input?: string) => env.run(['--runtime', rt.name, 'run', ...args], input === undefined ? {} : { input });
    before(() => loadBusybox(env));
    after(() => env.cleanup());

    test('prints the command output exactly, stdout and stderr apart', async () => {
      const r = await run(['--rm', IMAGE, 'sh', '-c', 'echo hello; echo oops >&2']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hello\n');
      assert.equal(r.stderr, 'oops\n');
    });

    test("exits with the container's exit code", async () => {
      const r = await run(['--rm', IMAGE, 'sh', '-c', 'exit 3']);
      assert.equal(r.code, 3, r.stderr);
    });

    test('127 for a command that does not exist, 126 for one that cannot run', async () => {
      const missing = await run(['--rm', IMAGE, '/nope']);
      assert.equal(missing.code, 127);
      assert.match(missing.stderr, /^Error: .*\/nope.*: OCI runtime attempted to invoke a command that was not found\n$/);
      const notExec = await run(['--rm', IMAGE, '/data/file.txt']);
      assert.equal(notExec.code, 126);
      assert.match(notExec.stderr, /^Error: .*: OCI permission denied\n$/);
    });

    test('-i forwards piped input to the container', async () => {
      const r = await run(['--rm', '-i', IMAGE, 'sh', '-c', 'cat; echo done'], 'line one\nline two\n');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'line one\nline two\ndone\n');
    });

    test("the container inherits the caller's loginuid", async () => {
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const args = [...env.globalArgs(), '--runtime', rt.name, 'run', '--rm', IMAGE, 'cat', '/proc/self/loginuid'].map((a) => `'${a}'`).join(' ');
        const child = spawn('sh', ['-c', `echo 1001 > /proc/self/loginuid && exec '${skiffBin}' ${args}`], { env: env.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
      assert.equal(r.code, 0);
      assert.equal(r.out, '1001');
    });

    test('-t gives the process a terminal', async () => {
      const cmd = [skiffBin, ...env.globalArgs(), '--runtime', rt.name, 'run', '--rm', '-t', IMAGE, 'tty'].map((a) => `'${a}'`).join(' ');
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: env.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (b: Buffer) => (text += b.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(text));
      });
      assert.equal(out.replace(/\r/g, ''), '/dev/pts/0\n');
    });

    test('-d prints the ID; stop and rm take it down leaving nothing behind', async () => {
      const r = await run(['-d', '--name', `d-${rt.name}`, IMAGE, 'sleep', '100']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
      const id = r.stdout.trim();
      assert.equal(await inspectField(env, id, '{{.State.Status}}'), 'running');
      assert.equal((await env.runOk(['stop', '-t', '0', `d-${rt.name}`])), `d-${rt.name}\n`);
      assert.equal(await inspectField(env, id, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
      assert.equal(await env.runOk(['rm', id]), `${id}\n`);
      assert.deepEqual(mountsUnder(`${env.runroot}/mounts/container/${id}`), []);
      assert.deepEqual(conmonsUnder(id), []);
    });
  });
}

describe('run', { skip: containerSkip, concurrency: true }, () => {
  const env = new SkiffEnv();
  const work = mkdtempSync(join(tmpdir(), 'skiff-run-'));
  before(() => loadBusybox(env));
  after(async () => {
    await env.cleanup();
    rmSync(work, { recursive: true, force: true });
  });
  const out = async (args: string[]) => env.runOk(['run', '--rm', ...args]);

  test('-e, --env-file, -w, -u, --hostname', async () => {
    const envFile = join(work, 'env');
    writeFileSync(envFile, '# comment\nFROM_FILE=yes\n\nBOTH=file\n');
    const text = await out(['-e', 'A=1', '--env-file', envFile, '-e', 'BOTH=flag', '-w', '/tmp', '-u', 'app', '--hostname', 'myhost', IMAGE,
      'sh', '-c', 'echo $A $FROM_FILE $BOTH $SKIFF_FIXTURE $HOME; pwd; id -u; id -un; hostname; cat /etc/hostname']);
    assert.equal(text, '1 yes flag busybox /home/app\n/tmp\n1000\napp\nmyhost\nmyhost\n');
  });

  test('--entrypoint replaces the image entrypoint; the command follows it', async () => {
    assert.equal(await out(['--entrypoint', 'echo', IMAGE, 'hi', 'there']), 'hi there\n');
    assert.equal(await out(['--entrypoint', '["sh","-c"]', IMAGE, 'echo json']), 'json\n');
  });

  test('--read-only: the root is read-only, /tmp is a tmpfs', async () => {
    assert.equal(await out(['--read-only', IMAGE, 'sh', '-c', 'touch /x 2>/dev/null || echo ro; touch /tmp/y && echo tmp-ok']), 'ro\ntmp-ok\n');
  });

  test('-v binds a host directory (ro honoured); --tmpfs mounts a tmpfs', async () => {
    const host = mkdtempSync(join(work, 'bind-'));
    writeFileSync(join(host, 'f'), 'from host\n');
    assert.equal(await out(['-v', `${host}:/b:ro`, IMAGE, 'sh', '-c', 'cat /b/f; touch /b/g 2>/dev/null || echo ro']), 'from host\nro\n');
    assert.equal(await out(['-v', `${host}:/b`, IMAGE, 'sh', '-c', 'echo hi > /b/new']), '');
    assert.equal(await out(['--tmpfs', '/scratch:size=1m', IMAGE, 'sh', '-c', 'grep " /scratch " /proc/mounts | cut -d" " -f3']), 'tmpfs\n');
  });

  test('capabilities: defaults, --cap-drop, --privileged; no-new-privileges', async () => {
    const capEff = async (...flags: string[]) => BigInt(`0x${(await out([...flags, IMAGE, 'sh', '-c', 'grep CapEff /proc/self/status | cut -f2'])).trim()}`);
    const CHOWN = 1n;
    const base = await capEff();
    assert.equal(base, 0x800405fbn);
    assert.equal(await capEff('--cap-drop', 'CHOWN'), base & ~CHOWN);
    assert.ok((await capEff('--privileged')) > base);
    assert.equal(await out(['--security-opt', 'no-new-privileges', IMAGE, 'sh', '-c', 'grep NoNewPrivs /proc/self/status | cut -f2']), '1\n');
    assert.equal(await out([IMAGE, 'sh', '-c', 'grep NoNewPrivs /proc/self/status | cut -f2']), '0\n');
  });

  test('--ulimit sets rlimits', async () => {
    assert.equal(await out(['--ulimit', 'nofile=100:200', IMAGE, 'sh', '-c', 'ulimit -n; ulimit -Hn']), '100\n200\n');
  });

  test('--memory and --pids-limit reach the cgroup', async () => {
    const text = await out(['--memory', '64m', '--pids-limit', '50', IMAGE, 'sh', '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max']);
    assert.equal(text, '67108864\n50\n');
  });

  test('--network none has only loopback and no resolv.conf; host shares the host network', async () => {
    assert.equal(await out(['--network', 'none', IMAGE, 'sh', '-c', 'ls /sys/class/net; test -e /etc/resolv.conf || echo no-resolv']), 'lo\nno-resolv\n');
    assert.match(await out(['--network', 'host', IMAGE, 'cat', '/etc/resolv.conf']), /nameserver/);
  });

  test('--rm in the foreground leaves no container; -d --rm is removed by the exit command', async () => {
    await out(['--name', 'gone-fg', IMAGE, 'true']);
    assert.equal((await env.run(['container', 'exists', 'gone-fg'])).code, 1);
    await env.runOk(['run', '-d', '--rm', '--name', 'gone-bg', IMAGE, 'true']);
    await waitFor('the exit command to remove gone-bg', async () => (await env.run(['container', 'exists', 'gone-bg'])).code === 1);
  });

  test('--sig-proxy forwards the signals skiff receives to the container', async () => {
    const child = spawn(skiffBin, [...env.globalArgs(), 'run', '--rm', IMAGE, 'sh', '-c', 'trap "echo got TERM; exit 9" TERM; echo ready; while true; do sleep 0.1; done'], { env: env.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor('the container to be ready', () => out.includes('ready'));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 9);
    assert.equal(out, 'ready\ngot TERM\n');
  });

  test('a name in use is refused with Podman\'s message and 125', async () => {
    const id = (await env.runOk(['create', '--name', 'taken', IMAGE, 'true'])).trim();
    const r = await env.run(['run', '--name', 'taken', IMAGE, 'true']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, `Error: creating container storage: the container name "taken" is already in use by ${id}. You have to remove that container to be able to reuse that name: that name is already in use\n`);
  });

  test('bad input: unknown image, invalid flag values (125, nothing created)', async () => {
    const cases: [string[], string | RegExp][] = [
      // a short name that is not local is pulled, and no search registries are configured
      [['nosuch'], /^Error: short-name "nosuch" did not resolve to an alias and no unqualified-search registries are defined in "[^"]+registries\.conf"\n$/],
      [['--pull', 'never', 'nosuch'], 'Error: nosuch: image not known\n'],
      [['--restart', 'bogus', IMAGE], 'Error: running container create option: "bogus" is not a valid restart policy: invalid argument\n'],
      [['-m', '12zz', IMAGE], "Error: invalid value for memory: invalid size: '12zz'\n"],
      [['--name', 'bad/name', IMAGE], 'Error: running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n'],
      [['-v', '/nonexistent-skiff:/x', IMAGE], 'Error: statfs /nonexistent-skiff: no such file or directory\n'],
      [['--stop-signal', 'FOO', IMAGE], 'Error: invalid signal: FOO\n'],
      [['--network', 'none', '--network', 'host', IMAGE], 'Error: cannot set multiple networks without bridge network mode, selected mode none: invalid argument\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await env.run(['run', '--rm', '--label', 'bad-input=1', ...args, 'true']);
      assert.equal(r.code, 125, args.join(' '));
      if (typeof stderr === 'string') assert.equal(r.stderr, stderr, args.join(' '));
      else assert.match(r.stderr, stderr, args.join(' '));
    }
    assert.equal(await env.runOk(['ps', '-aq', '--filter', 'label=bad-input']), '');
  });

  test('--user that the image does not know fails at start with 126', async () => {
    const r = await env.run(['run', '--rm', '-u', 'nosuch', IMAGE, 'true']);
    assert.equal(r.code, 126);
    assert.equal(r.stderr, 'Error: unable to find user nosuch: no matching entries in passwd file\n');
  });

  test('a skiff killed at any point of run leaves no half container that blocks the name', async () => {
    for (const delayMs of [5, 60, 120, 180, 260]) {
      const child = spawn(skiffBin, [...env.globalArgs(), 'run', '--name', 'killed', IMAGE, 'sleep', '100'], { env: env.env as NodeJS.ProcessEnv, stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      // A container that got to run is a real one: `rm -f` is the one cleanup it may need.
      if ((await env.run(['inspect', '--format', '{{.State.Status}}', 'killed'])).stdout.trim() === 'running') await env.runOk(['rm', '-f', '-t', '0', 'killed']);
      const again = await env.run(['run', '--rm', '--name', 'killed', IMAGE, 'echo', 'again']);
      assert.equal(again.code, 0, `after a kill at ${delayMs} ms: ${again.stderr}`);
      assert.equal(again.stdout, 'again\n');
    }
    assert.equal((await env.run(['container', 'exists', 'killed'])).code, 1);
    assert.deepEqual(mountsUnder(`${env.runroot}/mounts`).filter((m) => m.includes('/container/')), []);
  });
});
