import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadContainersConf } from '../../infra/config/containers-conf.ts';
import { buildContainerConfig, containerEnv, type BuildConfigInput } from './build-config.ts';
import type { ContainerCreateOptions } from './create-options.ts';
import { freeContainerName, randomContainerName } from './random-name.ts';

const empty = mkdtempSync(join(tmpdir(), 'skiff-conf-'));
after(() => rmSync(empty, { recursive: true, force: true }));
const conf = loadContainersConf({ systemRoot: empty, env: { HOME: empty }, rootless: false, host: { systemd: false, cgroup2: false, selinux: false, seccompOverride: false, sessionBus: false } });
const id = 'f'.repeat(64);

function build(options: Partial<ContainerCreateOptions>, image?: BuildConfigInput['image']['config']) {
  return buildContainerConfig(buildInput(options, image));
}

function buildInput(options: Partial<ContainerCreateOptions>, image: BuildConfigInput['image']['config'] = { Cmd: ['sh'], Env: ['PATH=/bin', 'IMG=1'], WorkingDir: '/data', Labels: { a: 'img' } }): BuildConfigInput {
  return {
    id, name: 'n', options: { image: 'busybox', ...options }, image: { id: 'i'.repeat(64), name: 'localhost/busybox:latest', digest: 'sha256:d', config: image },
    conf, runtime: 'crun', cgroupManager: 'cgroupfs', engineArgs: [], defaultLogPath: '/x/ctr.log', created: '2026-01-01T00:00:00Z',
  };
}

test('image settings are the defaults, flags override them', () => {
  const c = build({});
  assert.deepEqual([c.path, c.args, c.command, c.entrypoint], ['sh', [], ['sh'], []]);
  assert.equal(c.workingDir, '/data');
  assert.equal(c.hostname, id.slice(0, 12));
  assert.deepEqual(c.labels, { a: 'img' });
  assert.equal(c.stopSignal, 'SIGTERM');
  assert.equal(c.stopTimeout, 10);
  assert.deepEqual([c.networkMode, c.networks], ['bridge', ['podman']]);
  assert.equal(buildContainerConfig({ ...buildInput({}), rootless: true }).networkMode, 'slirp4netns');
  assert.deepEqual(buildContainerConfig({ ...buildInput({ network: ['n1'] }), rootless: true }).networks, ['n1']);
  assert.throws(() => buildContainerConfig(buildInput({ network: ['pasta'] })), /pasta networking is only supported for rootless mode/);
  assert.equal(c.shmSize, 65536000);
  assert.equal(c.resources.pidsLimit, 2048);
  const o = build({ command: ['echo', 'hi'], entrypoint: '["/bin/x"]', workdir: '/w', labels: ['a=flag', 'b'], hostname: 'h', user: 'app', restart: 'on-failure:2', memory: '64m' });
  assert.deepEqual([o.path, o.args], ['/bin/x', ['echo', 'hi']]);
  assert.deepEqual(o.labels, { a: 'flag', b: '' });
  assert.deepEqual([o.workingDir, o.hostname, o.user], ['/w', 'h', 'app']);
  assert.deepEqual(o.restartPolicy, { name: 'on-failure', maxRetries: 2 });
  assert.equal(o.resources.memory, 64 * 1024 * 1024);
  assert.deepEqual(build({ entrypoint: '', command: ['c2'] }, { Entrypoint: ['/e'], Cmd: ['c'] }).entrypoint, []);
  assert.throws(() => build({ entrypoint: '' }, { Entrypoint: ['/e'], Cmd: ['c'] }), /no command or entrypoint/);
});

test("Podman's checks", () => {
  assert.throws(() => build({}, {}), /no command or entrypoint provided/);
  assert.throws(() => build({ autoRemove: true, restart: 'always' }), /--rm option conflicts with --restart/);
  assert.throws(() => build({ memorySwap: '1g' }), /always set a memory limit when using a memoryswap limit/);
  assert.throws(() => build({ stopSignal: 'FOO' }), { message: 'invalid signal: FOO' });
  assert.throws(() => build({ ulimits: ['nofile=abc'] }), /invalid ulimit argument/);
  assert.throws(() => build({ network: ['none', 'host'] }), /cannot set multiple networks without bridge network mode, selected mode none/);
  assert.throws(() => build({ publish: ['90-80:80-90'] }), /the end port of a range must be higher than the start port/);
  assert.throws(() => build({ publish: ['1.2.3:80:80'] }), /cannot parse "1.2.3" as an IP address/);
  assert.throws(() => build({ publish: ['70000:80'] }), /port numbers must be between 1 and 65535/);
  assert.throws(() => build({ capAdd: ['NOPE'] }), /unknown capability "CAP_NOPE"/);
});

test('environment: defaults, container=podman, image, files, flags, then --unsetenv', () => {
  const env = containerEnv({ image: 'x', env: ['A=1', 'IMG=flag', 'FROMHOST'], unsetEnv: ['TERM'], hostEnv: { FROMHOST: 'h', http_proxy: 'p' } }, { Env: ['IMG=1'] }, conf);
  assert.deepEqual(env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'container=podman', 'http_proxy=p', 'IMG=flag', 'A=1', 'FROMHOST=h']);
  assert.deepEqual(containerEnv({ image: 'x', env: ['ONLY=1'], unsetEnvAll: true }, { Env: ['IMG=1'] }, conf), ['ONLY=1']);
});

test('random names', () => {
  assert.match(randomContainerName(), /^[a-z]+_[a-z]+$/);
  const taken = new Set<string>();
  for (let i = 0; i < 50; i++) taken.add(freeContainerName((n) => taken.has(n)));
  assert.equal(taken.size, 50);
});
