/**
 * Runs real containers through conmon (infra/oci) with runc and with crun (root only): a
 * busybox root file system, a config.json from generateSpec, and the checks DESIGN.md §1
 * and §5 promise. It lives here, not beside conmon.ts, because infra may not import domain.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CannotInvokeError, CommandNotFoundError } from '../../../define/errors.ts';
import { attach } from '../../../infra/oci/attach.ts';
import { execContainer } from '../../../infra/oci/conmon-exec.ts';
import { attachSocketPath, createContainer, ctlPath } from '../../../infra/oci/conmon.ts';
import { readExitCode, waitForExitCode } from '../../../infra/oci/exit-file.ts';
import { crunBlockedByCgroupLayout, findRuntime, type OciRuntime } from '../../../infra/oci/runtime.ts';
import { processAlive, readLoginUid } from '../../../infra/sys/process.ts';
import { capabilityNames, defaultCapabilities } from './capabilities.ts';
import { formatSpec, generateSpec } from './generate-spec.ts';
import { readHostInfo } from './host-info.ts';
import { resolveUser } from './resolve-user.ts';
import { prepareRunFiles } from './run-files.ts';
import { seccompProfileFor } from './seccomp-profile.ts';

const isRoot = process.getuid?.() === 0;
const haveTools = existsSync('/bin/busybox') && existsSync('/usr/bin/conmon');
const skip = !isRoot ? 'needs root' : !haveTools ? 'needs busybox-static and conmon (bash scripts/setup.sh installs them)' : false;

let work = '';
let rootfs = '';

function makeRootfs(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'etc'));
  copyFileSync('/bin/busybox', join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  for (const cmd of ['sh', 'echo', 'cat', 'true', 'false', 'sleep', 'id', 'grep']) symlinkSync('busybox', join(dir, 'bin', cmd));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(dir, 'etc', 'group'), 'root:x:0:\nnobody:x:65534:\n');
  writeFileSync(join(dir, 'notexec'), 'just data\n', { mode: 0o644 });
}

/** crun refuses this VM's hybrid cgroups until hugetlb moves to v1 (TESTING.md); CI's setup does the same. */
function makeCrunUsable(): void {
  if (!crunBlockedByCgroupLayout('/sys/fs/cgroup')) return;
  mkdirSync('/sys/fs/cgroup/hugetlb', { recursive: true });
  execFileSync('mount', ['-t', 'cgroup', '-o', 'hugetlb', 'cgroup', '/sys/fs/cgroup/hugetlb']);
}

interface Ctr {
  id: string;
  bundle: string;
  exitDir: string;
  logPath: string;
  conmonPid: number;
}

interface RunOpts {
  args: string[];
  securityOpts?: string[];
  stdin?: boolean;
}

function specFor(id: string, bundle: string, opts: RunOpts): string {
  const securityOpts = opts.securityOpts ?? [];
  const runFiles = prepareRunFiles(join(bundle, 'userdata'), {
    hostname: id.slice(0, 12),
    name: `t-${id.slice(0, 6)}`,
    hosts: { addHosts: [], ips: [] },
    resolvConf: { dnsServers: [], dnsSearch: [], dnsOptions: [], privateNetwork: true },
    containerenv: { privileged: false, info: { engine: 'skiff-test', name: 't', id, image: 'busybox', imageId: 'x', rootless: false } },
  });
  const spec = generateSpec({
    id,
    name: `t-${id.slice(0, 6)}`,
    rootfs,
    image: { Cmd: opts.args },
    user: resolveUser(rootfs, ''),
    userSpec: '',
    securityOpts,
    seccompProfile: seccompProfileFor({ securityOpts, privileged: false }),
    namespaces: { pid: { mode: 'private' }, net: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'private' }, cgroup: { mode: 'host' } },
    runFiles,
    host: readHostInfo(),
  });
  return formatSpec(spec);
}

/** Creates the container through conmon (not started). */
async function create(runtime: OciRuntime, opts: RunOpts, cleanup: Ctr[]): Promise<Ctr> {
  const id = randomBytes(32).toString('hex');
  const bundle = join(work, id.slice(0, 16));
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), specFor(id, bundle, opts));
  const ctr: Ctr = { id, bundle, exitDir: join(bundle, 'exits'), logPath: join(bundle, 'ctr.log'), conmonPid: 0 };
  mkdirSync(ctr.exitDir);
  cleanup.push(ctr);
  const created = await createContainer({
    runtime,
    containerId: id,
    name: `t-${id.slice(0, 6)}`,
    bundle,
    pidFile: join(bundle, 'pidfile'),
    conmonPidFile: join(bundle, 'conmon.pid'),
    exitDir: ctr.exitDir,
    log: { driver: 'k8s-file', path: ctr.logPath },
    stdin: opts.stdin,
  });
  ctr.conmonPid = created.conmonPid;
  assert.ok(created.pid > 0 && created.conmonPid > 0);
  return ctr;
}

async function run(runtime: OciRuntime, opts: RunOpts, cleanup: Ctr[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const ctr = await create(runtime, opts, cleanup);
  await runtime.start(ctr.id);
  const code = await waitForExitCode({ exitDir: ctr.exitDir, containerId: ctr.id, conmonPid: ctr.conmonPid, timeoutMs: 20_000 });
  assert.equal(readExitCode(ctr.exitDir, ctr.id), code);
  const lines = readFileSync(ctr.logPath, 'utf8').split('\n').filter(Boolean);
  // k8s-file: `<RFC 3339 time> <stream> <F(ull line) or P(artial)> <text>`; partials continue the line.
  const pick = (stream: string) => {
    const out: string[] = [];
    let partial = '';
    for (const l of lines) {
      const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d) (stdout|stderr) ([FP]) (.*)$/.exec(l);
      assert.ok(m, `k8s-file line: ${JSON.stringify(l)}`);
      if (m[1] !== stream) continue;
      if (m[2] === 'P') partial += m[3];
      else {
        out.push(partial + m[3]);
        partial = '';
      }
    }
    if (partial) out.push(partial);
    return out;
  };
  return { code, stdout: pick('stdout'), stderr: pick('stderr') };
}

async function removeAll(runtime: OciRuntime, ctrs: Ctr[]): Promise<void> {
  for (const c of ctrs.splice(0)) {
    await runtime.delete(c.id, true).catch(() => {});
    if (c.conmonPid && processAlive(c.conmonPid)) process.kill(c.conmonPid, 'SIGKILL');
  }
}

function capMask(caps: readonly string[]): string {
  let mask = 0n;
  for (const c of caps) mask |= 1n << BigInt(capabilityNames.indexOf(c as (typeof capabilityNames)[number]));
  return mask.toString(16).padStart(16, '0');
}

/** Set in the loginuid test's child process, which runs one container instead of the tests. */
const childMode = process.env.SKIFF_TEST_LOGINUID_CHILD;

function registerTests(): void {
before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'skiff-conmon-'));
  rootfs = join(work, 'rootfs');
  makeRootfs(rootfs);
  makeCrunUsable();
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

for (const name of ['runc', 'crun']) {
  describe(`conmon with ${name}`, { skip }, () => {
    let runtime: OciRuntime;
    const cleanup: Ctr[] = [];
    before(() => {
      runtime = findRuntime(name, {}, join(work, `${name}-state`));
    });
    after(() => removeAll(runtime, cleanup));

    test('exit code file and k8s-file log', async () => {
      const r = await run(runtime, { args: ['sh', '-c', 'echo out; echo err >&2; cat /etc/hostname; exit 3'] }, cleanup);
      assert.equal(r.code, 3);
      assert.deepEqual(r.stdout, ['out', cleanup.at(-1)!.id.slice(0, 12)]);
      assert.deepEqual(r.stderr, ['err']);
      await removeAll(runtime, cleanup);
    });

    test('a missing command is CommandNotFoundError (127), a non-executable one CannotInvokeError (126)', async () => {
      await assert.rejects(create(runtime, { args: ['/no/such/command'] }, cleanup), (e: Error) => e instanceof CommandNotFoundError && e.exitCode === 127);
      await assert.rejects(create(runtime, { args: ['/notexec'] }, cleanup), (e: Error) => e instanceof CannotInvokeError && e.exitCode === 126);
      await removeAll(runtime, cleanup);
    });

    test('capabilities, seccomp and no-new-privileges as configured', async () => {
      const status = async (securityOpts: string[]) => {
        const r = await run(runtime, { args: ['grep', '-E', '^(CapEff|Seccomp|NoNewPrivs):', '/proc/self/status'], securityOpts }, cleanup);
        assert.equal(r.code, 0);
        return Object.fromEntries(r.stdout.map((l) => l.split(/:\s+/) as [string, string]));
      };
      const plain = await status([]);
      assert.equal(plain.CapEff, capMask(defaultCapabilities));
      assert.equal(plain.Seccomp, '2');
      assert.equal(plain.NoNewPrivs, '0');
      const nnp = await status(['no-new-privileges']);
      assert.equal(nnp.NoNewPrivs, '1');
      assert.equal((await status(['seccomp=unconfined'])).Seccomp, '0');
      await removeAll(runtime, cleanup);
    });

    test('attach: stdin in, stdout out', async () => {
      const ctr = await create(runtime, { args: ['sh', '-c', 'read x; echo got $x; echo to-err >&2'], stdin: true }, cleanup);
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (b: Buffer) => (out += b));
      stderr.on('data', (b: Buffer) => (err += b));
      const done = attach({
        socketPath: attachSocketPath({ bundle: ctr.bundle, containerId: ctr.id }),
        ctlPath: ctlPath(ctr.bundle),
        stdin,
        stdout,
        stderr,
        tty: false,
        onConnected: () => runtime.start(ctr.id),
      });
      stdin.write('hi\n');
      assert.equal(await done, 'exited');
      assert.equal(out, 'got hi\n');
      assert.equal(err, 'to-err\n');
      assert.equal(await waitForExitCode({ exitDir: ctr.exitDir, containerId: ctr.id, conmonPid: ctr.conmonPid, timeoutMs: 20_000 }), 0);
      await removeAll(runtime, cleanup);
    });

    test('exec sessions run through conmon and report exit codes', async () => {
      const ctr = await create(runtime, { args: ['sleep', '60'] }, cleanup);
      await runtime.start(ctr.id);
      const state = await runtime.state(ctr.id);
      assert.equal(state.status, 'running');
      const base = JSON.parse(readFileSync(join(ctr.bundle, 'config.json'), 'utf8')).process;
      const exec = (args: string[], input?: string) => {
        const stdout = new PassThrough();
        let out = '';
        stdout.on('data', (b: Buffer) => (out += b));
        const stdin = new PassThrough();
        stdin.end(input ?? '');
        const sessionId = randomBytes(8).toString('hex');
        const sessionDir = join(ctr.bundle, 'exec', sessionId);
        return execContainer({
          runtime,
          containerId: ctr.id,
          name: 't',
          sessionId,
          sessionDir,
          exitDir: join(sessionDir, 'exit'),
          process: { ...base, args, terminal: false },
          interactive: input !== undefined,
          stdin,
          stdout,
          stderr: new PassThrough(),
        }).then((r) => ({ ...r, out }));
      };
      const r = await exec(['sh', '-c', 'read x; echo exec $x; exit 5'], 'in\n');
      assert.deepEqual([r.exitCode, r.out], [5, 'exec in\n']);
      await assert.rejects(exec(['/no/such/command']), CommandNotFoundError);
      await runtime.kill(ctr.id, 'SIGKILL');
      assert.equal(await waitForExitCode({ exitDir: ctr.exitDir, containerId: ctr.id, conmonPid: ctr.conmonPid, timeoutMs: 20_000 }), 137);
      await removeAll(runtime, cleanup);
    });

    test('runtime verbs on a running container: ps, pause, resume, update, kill', async () => {
      // PID 1 ignores signals it has no handler for, hence the trap.
      const ctr = await create(runtime, { args: ['sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done'] }, cleanup);
      await runtime.start(ctr.id);
      const { pid } = await runtime.state(ctr.id);
      assert.ok((await runtime.ps(ctr.id)).includes(pid));
      await runtime.pause(ctr.id);
      assert.equal((await runtime.state(ctr.id)).status, 'paused');
      await runtime.resume(ctr.id);
      assert.equal((await runtime.state(ctr.id)).status, 'running');
      await runtime.update(ctr.id, { pids: { limit: 50 } });
      await runtime.kill(ctr.id, 'TERM');
      assert.equal(await waitForExitCode({ exitDir: ctr.exitDir, containerId: ctr.id, conmonPid: ctr.conmonPid, timeoutMs: 20_000 }), 7);
      await removeAll(runtime, cleanup);
    });

    test("the container inherits the caller's loginuid (no daemon in between)", async () => {
      // A child shell sets its loginuid (allowed once per process tree) and becomes node running
      // this file in child mode, which creates a container and reports what it saw.
      const env = { ...process.env, SKIFF_TEST_LOGINUID_CHILD: JSON.stringify({ name, work, rootfs }) };
      const self = fileURLToPath(import.meta.url);
      const child = spawn('/bin/sh', ['-c', 'echo 1001 > /proc/self/loginuid && exec "$0" "$1"', process.execPath, self], { stdio: ['ignore', 'pipe', 'pipe'], env });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b));
      child.stderr.on('data', (b: Buffer) => (err += b));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, err);
      const result = JSON.parse(out) as { caller: number; container: string };
      assert.equal(result.caller, 1001);
      assert.equal(result.container, '1001');
      assert.notEqual(readLoginUid(), 1001, 'the test process itself keeps its own loginuid');
    });
  });
}

}

/** Child mode: `cat /proc/self/loginuid` in a container, printed with the caller's own loginuid. */
async function loginuidChild(config: string): Promise<void> {
  const { name, work: workDir, rootfs: rootfsDir } = JSON.parse(config) as { name: string; work: string; rootfs: string };
  work = workDir;
  rootfs = rootfsDir;
  const runtime = findRuntime(name, {}, join(work, `${name}-state`));
  const cleanup: Ctr[] = [];
  try {
    const r = await run(runtime, { args: ['cat', '/proc/self/loginuid'] }, cleanup);
    process.stdout.write(JSON.stringify({ caller: readLoginUid(), container: r.stdout.join('\n') }));
  } finally {
    await removeAll(runtime, cleanup);
  }
}

if (childMode) await loginuidChild(childMode);
else registerTests();
