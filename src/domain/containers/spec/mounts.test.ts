import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { containerMounts, processMountOptions, userMounts } from './mounts.ts';
import type { SpecInput } from './spec-input.ts';

const base = { id: 'c'.repeat(64), name: 'c', rootfs: '/r', image: {}, user: { uid: 0, gid: 0, additionalGids: [], home: '/root', keepGroups: false }, userSpec: '' } as unknown as SpecInput;
const dests = (input: Partial<SpecInput>) => containerMounts({ ...base, ...input }, { bindSys: false }).map((m) => m.destination);

test('default mounts come in Podman order, parents first', () => {
  assert.deepEqual(dests({}), ['/proc', '/dev', '/sys', '/dev/pts', '/dev/mqueue', '/dev/shm', '/sys/fs/cgroup']);
});

test('mounts are sorted by depth, stably, so parents precede children', () => {
  const order = dests({
    mounts: [
      { type: 'bind', source: '/h/a', destination: '/data/sub/deeper', options: [] },
      { type: 'bind', source: '/h/b', destination: '/data', options: [] },
      { type: 'bind', source: '/h/c', destination: '/data/sub', options: [] },
    ],
    initPath: '/usr/libexec/podman/catatonit',
    readOnly: true,
    runFiles: { hosts: '/u/hosts', resolvConf: '/u/resolv.conf', hostname: '/u/hostname', containerenv: '/u/.containerenv' },
  });
  assert.deepEqual(order, [
    '/proc', '/dev', '/sys', '/data', '/tmp', '/run',
    '/dev/pts', '/dev/mqueue', '/dev/shm', '/data/sub', '/var/tmp', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/run/.containerenv', '/run/podman-init',
    '/sys/fs/cgroup', '/data/sub/deeper',
  ]);
  for (let i = 1; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) assert.ok(!order[i]!.startsWith(`${order[j]}/`), `${order[j]} must come before ${order[i]}`);
  }
});

test('a user mount replaces the default at the same place, and the host /dev the kernel mounts below it', () => {
  const m = containerMounts({ ...base, tmpfs: { '/dev/shm': 'size=1g' }, runFiles: { hosts: '/u/hosts' }, mounts: [{ type: 'bind', source: '/my/hosts', destination: '/etc/hosts', options: ['ro'] }] }, { bindSys: false });
  assert.deepEqual(m.filter((x) => x.destination === '/dev/shm'), [{ destination: '/dev/shm', type: 'tmpfs', source: 'tmpfs', options: ['size=1g', 'rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup'] }]);
  assert.deepEqual(m.filter((x) => x.destination === '/etc/hosts').map((x) => x.source), ['/my/hosts']);
  assert.deepEqual(dests({ privileged: true, mounts: [{ type: 'bind', source: '/dev', destination: '/dev', options: [] }] }), ['/proc', '/sys', '/dev', '/sys/fs/cgroup']);
});

test('mount options get Podman defaults', () => {
  assert.deepEqual(processMountOptions(['ro'], false), ['ro', 'rprivate', 'rbind']);
  assert.deepEqual(processMountOptions([], false), ['rw', 'rprivate', 'rbind']);
  assert.deepEqual(processMountOptions(['z', 'U', 'bind', 'shared'], false), ['bind', 'shared', 'rw']);
  assert.deepEqual(processMountOptions(['size=10m'], true), ['size=10m', 'rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']);
  assert.deepEqual(processMountOptions(['notmpcopyup', 'exec'], true), ['exec', 'rw', 'rprivate', 'nosuid', 'nodev']);
  assert.throws(() => processMountOptions(['size=1m'], false), InvalidArgumentError);
  assert.throws(() => processMountOptions(['bind'], true), InvalidArgumentError);
});

test('two mounts at one destination are refused; relative destinations too', () => {
  assert.throws(
    () => userMounts({ mounts: [{ type: 'bind', source: '/a', destination: '/data', options: [] }], tmpfs: { '/data/': '' } }),
    (e: Error) => e instanceof InvalidArgumentError && e.message === '/data: duplicate mount destination',
  );
  assert.throws(() => userMounts({ mounts: [{ type: 'bind', source: '/a', destination: 'data', options: [] }] }), InvalidArgumentError);
});

test('/dev/shm follows the shm option; read-only containers get read-only run files', () => {
  const shm = (shmOpt: SpecInput['shm']) => containerMounts({ ...base, shm: shmOpt }, { bindSys: false }).find((m) => m.destination === '/dev/shm');
  assert.deepEqual(shm(undefined)!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
  assert.deepEqual(shm({ size: 0 })!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777']);
  assert.equal(shm({ path: '/dev/shm' })!.type, 'bind');
  assert.equal(shm(null), undefined);
  const ro = containerMounts({ ...base, readOnly: true, readOnlyTmpfs: false, runFiles: { hostname: '/u/hostname' } }, { bindSys: false });
  assert.deepEqual(ro.find((m) => m.destination === '/etc/hostname')!.options, ['bind', 'rprivate', 'ro', 'nosuid', 'noexec', 'nodev']);
  assert.ok(!ro.some((m) => m.destination === '/tmp'));
});
