import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { SpecInput } from '../domain/containers/spec/spec-input.ts';
import { adjustForRootless, rootlessLimitsWarning } from './rootless-spec.ts';

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  id: '0123456789abcdef'.repeat(4),
  name: 'web',
  rootfs: '/tmp/rootfs',
  image: {},
  user: { uid: 0, gid: 0, additionalGids: [], home: '/root', keepGroups: false },
  userSpec: '',
  namespaces: { pid: { mode: 'private' }, net: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'private' }, cgroup: { mode: 'host' } },
  host: { boundingCaps: [], limits: {}, arch: 'amd64', kernel: '6.1.0', cgroupV2: false },
  cgroups: { manager: 'cgroupfs' },
  ...over,
});
const plain = { userns: '', user: '' };
// Only a unified cgroup v2 host can delegate cgroups (and root's own cgroup would count).
const skip = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'cgroup v2 host: cgroups may be delegated' : false;

test('root: the spec input is unchanged', async () => {
  const i = input({ resources: { memory: 1 << 26 } });
  assert.deepEqual(await adjustForRootless(i, plain), { input: i, warnings: [] });
});

const rootless = { skip };
let saved: string | undefined;
before(() => {
  saved = process.env._CONTAINERS_USERNS_CONFIGURED;
});
after(() => {
  if (saved === undefined) delete process.env._CONTAINERS_USERNS_CONFIGURED;
  else process.env._CONTAINERS_USERNS_CONFIGURED = saved;
});
const asRootless = () => {
  process.env._CONTAINERS_USERNS_CONFIGURED = '1';
};

test('rootless without delegated cgroups: no cgroup, and a warning only for limits asked for', rootless, async () => {
  asRootless();
  const quiet = await adjustForRootless(input({ resources: { pidsLimit: 2048 } }), plain);
  assert.equal(quiet.input.cgroups, 'disabled');
  assert.equal(quiet.input.inUserNamespace, true);
  assert.deepEqual(quiet.warnings, []);
  assert.deepEqual((await adjustForRootless(input({ resources: { memory: 1 << 26 } }), plain)).warnings, [rootlessLimitsWarning]);
  assert.deepEqual((await adjustForRootless(input({ resources: { pidsLimit: 10 } }), { ...plain, explicitPidsLimit: true })).warnings, [rootlessLimitsWarning]);
  assert.deepEqual((await adjustForRootless(input({ cgroups: 'disabled', resources: { memory: 1 } }), plain)).warnings, []);
});

test('root: recorded mappings give the container a user namespace; ns:PATH joins one', async () => {
  const idMappings = { uidMap: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMap: [{ containerID: 0, hostID: 200000, size: 10 }] };
  const mapped = await adjustForRootless(input(), { userns: '', user: '', idMappings });
  assert.deepEqual(mapped.input.namespaces.user, { uidMappings: idMappings.uidMap, gidMappings: idMappings.gidMap });
  const joined = await adjustForRootless(input(), { userns: 'ns:/proc/1/ns/user', user: '' });
  assert.deepEqual(joined.input.namespaces.user, { path: '/proc/1/ns/user' });
  assert.equal((await adjustForRootless(input(), { userns: 'host', user: '' })).input.namespaces.user, undefined);
});
