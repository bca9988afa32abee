import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Process } from '../../../infra/oci/runtime-spec.ts';
import { execProcess } from './exec-process.ts';

const base: Process = {
  terminal: true,
  user: { uid: 0, gid: 0, umask: 18 },
  args: ['sleep', 'infinity'],
  env: ['PATH=/bin', 'HOME=/root', 'A=1'],
  cwd: '/srv',
  capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_CHOWN', 'CAP_KILL'], permitted: ['CAP_CHOWN', 'CAP_KILL'] },
  rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }],
};

test('exec inherits the container process and overrides command, terminal, cwd and env', () => {
  const p = execProcess({ base, args: ['sh'], terminal: false, env: ['A=2', 'B=3'], workdir: '/tmp' });
  assert.deepEqual(p.args, ['sh']);
  assert.equal(p.terminal, false);
  assert.equal(p.cwd, '/tmp');
  assert.deepEqual(p.env, ['PATH=/bin', 'HOME=/root', 'A=2', 'B=3']);
  assert.deepEqual(p.rlimits, base.rlimits);
  assert.deepEqual(p.capabilities!.effective, ['CAP_CHOWN', 'CAP_KILL']);
  assert.deepEqual(base.args, ['sleep', 'infinity'], 'the base process is not modified');
});

test('exec --user runs as that user without root capabilities; --privileged widens the bounding set', () => {
  const user = { uid: 65534, gid: 65534, additionalGids: [65534], home: '/nonexistent', keepGroups: false };
  const p = execProcess({ base: { ...base, env: ['PATH=/bin'] }, args: ['id'], terminal: false, user });
  assert.deepEqual(p.user, { uid: 65534, gid: 65534, umask: 18, additionalGids: [65534] });
  assert.deepEqual(p.capabilities!.effective, []);
  assert.ok(p.env!.includes('HOME=/nonexistent'));
  const priv = execProcess({ base, args: ['id'], terminal: false, privilegedCaps: ['CAP_SYS_ADMIN', 'CAP_CHOWN'] });
  assert.deepEqual(priv.capabilities!.bounding, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.deepEqual(priv.capabilities!.effective, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
});
