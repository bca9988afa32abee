import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { capabilityNames } from './capabilities.ts';
import { defaultMaskedPaths, defaultReadonlyPaths, formatSpec, generateSpec } from './generate-spec.ts';
import { parseNamespaceMode } from './namespaces.ts';
import { parseSignal, parseUmask } from './process-config.ts';
import type { SeccompProfile } from './seccomp.ts';
import type { SpecInput } from './spec-input.ts';

const id = '0123456789abcdef'.repeat(4);
const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  id,
  name: 'web',
  rootfs: '/var/lib/skiff/overlay/x/merged',
  image: { Env: ['PATH=/image/bin', 'LANG=C.UTF-8'], Entrypoint: ['/entry'], Cmd: ['serve'], WorkingDir: '/srv', StopSignal: 'SIGQUIT' },
  user: { uid: 0, gid: 0, additionalGids: [], home: '/root', keepGroups: false },
  userSpec: '',
  namespaces: { pid: { mode: 'private' }, net: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'private' }, cgroup: { mode: 'host' } },
  host: { boundingCaps: [...capabilityNames], limits: { RLIMIT_NOFILE: { soft: 1024, hard: 20000 } }, arch: 'amd64', kernel: '6.1.0', cgroupV2: false },
  ...over,
});

test('process: entrypoint and command, env precedence, cwd, hostname, umask', () => {
  const spec = generateSpec(input({ env: ['LANG=fr_FR', 'FROMHOST', 'PRE*', 'MISSING'], hostEnv: { FROMHOST: 'yes', PREFIX_A: '1', PREFIX_B: '2', http_proxy: 'http://proxy' } }));
  const p = spec.process!;
  assert.deepEqual(p.args, ['/entry', 'serve']);
  assert.deepEqual(p.env, [
    'PATH=/image/bin', 'TERM=xterm', 'container=podman', 'http_proxy=http://proxy', 'LANG=fr_FR', 'FROMHOST=yes', 'PREFIX_A=1', 'PREFIX_B=2',
    'HOSTNAME=0123456789ab', 'HOME=/root',
  ]);
  assert.equal(p.cwd, '/srv');
  assert.equal(spec.hostname, '0123456789ab');
  assert.equal(p.user.umask, 0o22);
  assert.equal(spec.annotations!['org.opencontainers.image.stopSignal'], '3');
  assert.equal(spec.annotations!['io.container.manager'], 'skiff');
});

test('--entrypoint drops the image Cmd, [""] clears the entrypoint, --init prefixes catatonit', () => {
  assert.deepEqual(generateSpec(input({ entrypoint: ['/bin/sh'] })).process!.args, ['/bin/sh']);
  assert.deepEqual(generateSpec(input({ entrypoint: [''], command: ['ls'] })).process!.args, ['ls']);
  const init = generateSpec(input({ initPath: '/usr/libexec/podman/catatonit', command: ['sleep', '1'] }));
  assert.deepEqual(init.process!.args, ['/run/podman-init', '--', '/entry', 'sleep', '1']);
  assert.ok(init.mounts!.some((m) => m.destination === '/run/podman-init' && m.source === '/usr/libexec/podman/catatonit'));
  assert.throws(() => generateSpec(input({ image: {} })), InvalidArgumentError);
});

test('masked and read-only paths are Podman defaults, adjusted by mask, unmask and privileged', () => {
  const plain = generateSpec(input()).linux!;
  assert.deepEqual(plain.maskedPaths, defaultMaskedPaths);
  assert.deepEqual(plain.readonlyPaths, defaultReadonlyPaths);
  assert.deepEqual(plain.maskedPaths!.slice(0, 3), ['/proc/acpi', '/proc/kcore', '/proc/keys']);
  const tuned = generateSpec(input({ securityOpts: ['mask=/proc/foo:/proc/bar', 'unmask=/proc/kcore:/proc/sys'] })).linux!;
  assert.ok(!tuned.maskedPaths!.includes('/proc/kcore') && tuned.maskedPaths!.includes('/proc/foo') && tuned.maskedPaths!.includes('/proc/bar'));
  assert.ok(!tuned.readonlyPaths!.includes('/proc/sys'));
  const all = generateSpec(input({ securityOpts: ['unmask=ALL'] })).linux!;
  assert.deepEqual([all.maskedPaths, all.readonlyPaths], [[], []]);
  const priv = generateSpec(input({ privileged: true, securityOpts: ['mask=/proc/x'] })).linux!;
  assert.deepEqual([priv.maskedPaths, priv.readonlyPaths], [['/proc/x'], []]);
  assert.deepEqual(priv.resources!.devices, [{ allow: true, access: 'rwm' }]);
});

test('security options: no-new-privileges, seccomp filtered by the container capabilities', () => {
  const profile: SeccompProfile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
    ],
  };
  const spec = generateSpec(input({ securityOpts: ['no-new-privileges'], seccompProfile: profile, capAdd: ['SYS_PTRACE'], capDrop: ['SYS_CHROOT'] }));
  assert.equal(spec.process!.noNewPrivileges, true);
  assert.deepEqual(spec.linux!.seccomp!.syscalls!.map((s) => s.names[0]), ['ptrace']);
  assert.equal(generateSpec(input()).linux!.seccomp, undefined);
  assert.throws(() => generateSpec(input({ securityOpts: ['bogus=1'] })), /invalid --security-opt 2/);
});

test('namespaces, resources, cgroups path and sysctls', () => {
  const spec = generateSpec(input({
    namespaces: { pid: { mode: 'host' }, net: parseNamespaceMode('ns:/run/netns/x', 'network'), ipc: parseNamespaceMode('container:42', 'ipc'), uts: { mode: 'private' }, cgroup: { mode: 'private' } },
    resources: { memory: 64 << 20, cpus: 1.5, cpuShares: 512, cpusetCpus: '0', pidsLimit: 100 },
    defaultSysctls: ['net.ipv4.ping_group_range=0 0'],
    sysctls: { 'kernel.msgmax': '8192' },
  }));
  const l = spec.linux!;
  assert.deepEqual(l.namespaces, [{ type: 'network', path: '/run/netns/x' }, { type: 'ipc', path: '/proc/42/ns/ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }]);
  assert.deepEqual(l.resources!.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(l.resources!.cpu, { shares: 512, quota: 150000, period: 100000, cpus: '0' });
  assert.deepEqual(l.resources!.pids, { limit: 100 });
  assert.equal(l.cgroupsPath, `/libpod_parent/libpod-${id}`);
  assert.deepEqual(l.sysctl, { 'net.ipv4.ping_group_range': '0 0', 'kernel.msgmax': '8192' });
  const hostNet = generateSpec(input({ namespaces: { ...input().namespaces, net: { mode: 'host' }, uts: { mode: 'host' } }, defaultSysctls: ['net.ipv4.ping_group_range=0 0'] }));
  assert.equal(hostNet.linux!.sysctl, undefined);
  assert.equal(hostNet.hostname, undefined);
  const joined = generateSpec(input({ namespaces: { ...input().namespaces, uts: { mode: 'path', path: '/proc/7/ns/uts' }, ipc: { mode: 'host' } } }));
  assert.equal(joined.hostname, undefined);
  assert.ok(joined.process!.env!.includes('HOSTNAME=0123456789ab'));
  assert.deepEqual(joined.mounts!.find((m) => m.destination === '/dev/mqueue'), { destination: '/dev/mqueue', type: 'bind', source: '/dev/mqueue', options: ['bind', 'nosuid', 'noexec', 'nodev'] });
  assert.throws(() => generateSpec(input({ namespaces: { ...input().namespaces, net: { mode: 'host' } }, sysctls: { 'net.core.somaxconn': '1' } })), /Network Namespace set to host/);
  const systemd = generateSpec(input({ cgroups: { manager: 'systemd' } }));
  assert.equal(systemd.linux!.cgroupsPath, `machine.slice:libpod:${id}`);
  const none = generateSpec(input({ cgroups: 'disabled' }));
  assert.equal(none.linux!.resources, undefined);
  assert.equal(none.linux!.cgroupsPath, undefined);
});

test('rlimits never exceed the caller; formatSpec writes RLIM_INFINITY exactly', () => {
  const spec = generateSpec(input({ ulimits: ['nofile=1048576:1048576', 'core=-1'] }));
  assert.deepEqual(spec.process!.rlimits, [
    { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity },
    { type: 'RLIMIT_NPROC', soft: 1048576, hard: 1048576 },
  ]);
  assert.match(formatSpec(spec), /"type": "RLIMIT_CORE",\n\s+"soft": 18446744073709551615,\n\s+"hard": 18446744073709551615/);
});

test('a shared bind mount makes the root propagate too', () => {
  assert.equal(generateSpec(input()).linux!.rootfsPropagation, undefined);
  const spec = generateSpec(input({ mounts: [{ type: 'bind', source: '/mnt', destination: '/mnt', options: ['rshared'] }] }));
  assert.equal(spec.linux!.rootfsPropagation, 'rshared');
});

test('devices appear in linux.devices and in the cgroup allow list', () => {
  const spec = generateSpec(input({ devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 8576, uid: 0, gid: 0, access: 'rw' }] }));
  assert.deepEqual(spec.linux!.devices, [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 8576, uid: 0, gid: 0 }]);
  assert.deepEqual(spec.linux!.resources!.devices, [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }]);
});

test('signals and umask parse like Podman', () => {
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('term'), 15);
  assert.equal(parseSignal('2'), 2);
  assert.equal(parseSignal('RTMIN+3'), 37);
  assert.throws(() => parseSignal('SIGBOGUS'), InvalidArgumentError);
  assert.equal(parseUmask('0077'), 63);
  assert.throws(() => parseUmask('0999'), InvalidArgumentError);
});
