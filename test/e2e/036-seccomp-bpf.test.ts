// Seccomp programs skiff compiles once for crun (run.oci.seccomp_bpf_data): the same program
// crun would compile itself, byte for byte, reused from the run root, and never a reason
// for a container to run without its filter.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, loadBusybox, runtimes } from './container-test-helpers.ts';

const annotation = 'run.oci.seccomp_bpf_data';
const crun = runtimes.find((r) => r.name === 'crun')!;

interface BundleConfig {
  annotations?: Record<string, string>;
  process: { terminal?: boolean };
}

/** What crun compiles from a container's config.json when no program is given: it creates a
 * copy of the container in a crun root of its own and reads the seccomp.bpf it wrote there. */
function crunsOwnProgram(configPath: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-crun-bpf-'));
  try {
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as BundleConfig;
    delete config.annotations?.[annotation];
    config.process.terminal = false;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const root = join(dir, 'state');
    execFileSync('crun', ['--root', root, 'create', '--bundle', dir, 'bpf-check'], { stdio: 'ignore' });
    try {
      return readFileSync(join(root, 'bpf-check', 'seccomp.bpf'));
    } finally {
      execFileSync('crun', ['--root', root, 'delete', '--force', 'bpf-check']);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('seccomp programs compiled once for crun', { skip: crun.skip }, () => {
  const env = new SkiffEnv();
  const cacheDir = join(env.runroot, 'seccomp');
  const configOf = (id: string) => join(env.root, 'overlay-containers', id, 'userdata', 'config.json');
  const bundle = (id: string) => JSON.parse(readFileSync(configOf(id), 'utf8')) as BundleConfig;
  const profile = join(env.dir, 'deny-mkdir.json');

  before(async () => {
    await loadBusybox(env);
    writeFileSync(
      profile,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [
          { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' },
          // two conditions on one argument: one rule each (either matches)
          {
            names: ['personality'],
            action: 'SCMP_ACT_ERRNO',
            errnoRet: 22,
            args: [
              { index: 0, value: 8, op: 'SCMP_CMP_EQ' },
              { index: 0, value: 131072, op: 'SCMP_CMP_EQ' },
            ],
          },
          { names: ['no_such_syscall_here'], action: 'SCMP_ACT_ERRNO' },
        ],
      }),
    );
  });
  after(() => env.cleanup());

  async function initialised(args: string[]): Promise<string> {
    const id = (await env.runOk(['create', '--runtime', 'crun', '--network', 'none', ...args, IMAGE, 'sleep', '100'])).trim();
    await env.runOk(['init', id]);
    return id;
  }

  test('the default profile: crun gets the program it would have compiled, and the container is filtered', async () => {
    const id = await initialised([]);
    const given = bundle(id).annotations?.[annotation];
    assert.ok(given, 'config.json carries the compiled program');
    const loaded = readFileSync(join(env.runroot, 'crun', id, 'seccomp.bpf'));
    assert.deepEqual(loaded, Buffer.from(given, 'base64'));
    assert.deepEqual(loaded, crunsOwnProgram(configOf(id)));
    await env.runOk(['start', id]);
    const status = await env.runOk(['exec', id, 'cat', '/proc/self/status']);
    assert.match(status, /^Seccomp:\s+2$/m);
    await env.runOk(['rm', '-f', '-t', '0', id]);
  });

  test('a profile of the user\'s: the same program as crun\'s, denials as the profile says', async () => {
    const id = await initialised(['--security-opt', `seccomp=${profile}`]);
    assert.deepEqual(Buffer.from(bundle(id).annotations![annotation]!, 'base64'), crunsOwnProgram(configOf(id)));
    await env.runOk(['rm', '-f', '-t', '0', id]);
    const denied = await env.run(['run', '--rm', '--runtime', 'crun', '--security-opt', `seccomp=${profile}`, IMAGE, 'mkdir', '/tmp/x']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Operation not permitted/);
    assert.equal(await env.runOk(['run', '--rm', '--runtime', 'crun', IMAGE, 'sh', '-c', 'mkdir /tmp/x && echo made']), 'made\n');
  });

  test('compiled once: later containers read the kept program; a damaged or stale one is made again', async () => {
    const entries = () => readdirSync(cacheDir).filter((f) => !f.startsWith('.'));
    const before = new Map(entries().map((f) => [f, statSync(join(cacheDir, f)).mtimeMs]));
    assert.equal(before.size, 2, 'one program per profile');
    await env.runOk(['run', '--rm', '--runtime', 'crun', IMAGE, 'true']);
    for (const [f, mtime] of before) assert.equal(statSync(join(cacheDir, f)).mtimeMs, mtime, `${f} reused`);

    for (const damage of [
      () => Buffer.from('garbage'),
      (text: Buffer) => Buffer.concat([Buffer.from('{"lib":"/usr/lib/nowhere/libseccomp.so.2","sig":"1:2:3"}\n'), text.subarray(text.indexOf(10) + 1)]),
      (text: Buffer) => text.subarray(0, text.length - 3),
      // another section's program under this name: never taken for this one
      (text: Buffer) => {
        const end1 = text.indexOf(10);
        const end2 = text.indexOf(10, end1 + 1);
        return Buffer.concat([text.subarray(0, end1 + 1), Buffer.from('{"defaultAction":"SCMP_ACT_ALLOW"}\n'), text.subarray(end2 + 1)]);
      },
    ]) {
      for (const f of before.keys()) writeFileSync(join(cacheDir, f), damage(readFileSync(join(cacheDir, f))));
      const id = await initialised([]);
      assert.deepEqual(Buffer.from(bundle(id).annotations![annotation]!, 'base64'), crunsOwnProgram(configOf(id)));
      await env.runOk(['rm', '-f', '-t', '0', id]);
    }
    assert.equal(entries().length, 2);
    assert.deepEqual(readdirSync(cacheDir).filter((f) => f.startsWith('.')), [], 'no temporary files left');
  });

  test('no program for runc, without seccomp, or when the user speaks to crun\'s compiler', async () => {
    for (const args of [
      ['--runtime', 'runc'],
      ['--runtime', 'crun', '--security-opt', 'seccomp=unconfined'],
      ['--runtime', 'crun', '--annotation', 'run.oci.seccomp_fail_unknown_syscall=1'],
    ]) {
      const id = (await env.runOk(['create', '--network', 'none', ...args, IMAGE, 'true'])).trim();
      await env.runOk(['init', id]);
      assert.equal(bundle(id).annotations?.[annotation], undefined, args.join(' '));
      await env.runOk(['rm', '-f', id]);
    }
  });
});
