import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertSeccompProfile, convertSeccompProfileCached, seccompArch, type SeccompProfile } from './seccomp.ts';

/** A small profile in containers-common's format, one rule per kind of condition. */
const profile: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  ],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [], comment: '', includes: {}, excludes: {} },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
    { names: ['arm_fadvise64_64'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm', 'arm64'] } },
    { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } },
    { names: ['chroot'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_CHROOT'] } },
    { names: ['bpf'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_BPF'] } },
    { names: ['new_call'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.8' } },
    { names: ['old_call'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.8' } },
    { name: 'single', action: 'SCMP_ACT_LOG' },
  ],
};

const names = (s: ReturnType<typeof convertSeccompProfile>) => s.syscalls!.map((c) => `${c.names.join(',')}:${c.action}`);

test('default capabilities on x86_64: arch, caps and kernel conditions filter rules', () => {
  const out = convertSeccompProfile(profile, { caps: ['CAP_CHOWN', 'CAP_SYS_CHROOT'], arch: 'amd64', kernel: '6.1.0-13-amd64' });
  assert.equal(out.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(out.defaultErrnoRet, 38);
  assert.deepEqual(out.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(names(out), ['read,write:SCMP_ACT_ALLOW', 'personality:SCMP_ACT_ALLOW', 'arch_prctl:SCMP_ACT_ALLOW', 'chroot:SCMP_ACT_ALLOW', 'new_call:SCMP_ACT_ALLOW', 'single:SCMP_ACT_LOG']);
  // Podman omits empty args and a zero valueTwo.
  assert.equal(out.syscalls![0]!.args, undefined);
  assert.deepEqual(out.syscalls![1]!.args, [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }]);
});

test('without a capability its allow rule goes and its errno rule stays', () => {
  const out = convertSeccompProfile(profile, { caps: ['CAP_CHOWN'], arch: 'amd64', kernel: '5.4.0' });
  assert.deepEqual(names(out), ['read,write:SCMP_ACT_ALLOW', 'personality:SCMP_ACT_ALLOW', 'arch_prctl:SCMP_ACT_ALLOW', 'chroot:SCMP_ACT_ERRNO', 'old_call:SCMP_ACT_ALLOW', 'single:SCMP_ACT_LOG']);
  assert.equal(out.syscalls![3]!.errnoRet, 1);
});

test('every included capability is needed; other architectures get their own rules', () => {
  const one = convertSeccompProfile(profile, { caps: ['CAP_SYS_ADMIN'], arch: 'arm64', kernel: '6.0' });
  assert.ok(!names(one).includes('bpf:SCMP_ACT_ALLOW'));
  assert.ok(names(one).includes('arm_fadvise64_64:SCMP_ACT_ALLOW'));
  assert.deepEqual(one.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  const both = convertSeccompProfile(profile, { caps: ['CAP_SYS_ADMIN', 'CAP_BPF'], arch: 'amd64', kernel: '6.0' });
  assert.ok(names(both).includes('bpf:SCMP_ACT_ALLOW'));
});

test('name together with names is refused', () => {
  const bad: SeccompProfile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ERRNO' }] };
  assert.throws(() => convertSeccompProfile(bad, { caps: [], arch: 'amd64', kernel: '6.0' }), /'name' and 'names'/);
});

test('the cache returns one frozen result per capability set', () => {
  const t = { caps: ['CAP_SYS_CHROOT', 'CAP_CHOWN'], arch: 'amd64', kernel: '6.1' };
  const a = convertSeccompProfileCached(profile, t);
  const b = convertSeccompProfileCached(profile, { ...t, caps: ['CAP_CHOWN', 'CAP_SYS_CHROOT'] });
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.syscalls![0]));
  assert.notEqual(convertSeccompProfileCached(profile, { ...t, caps: ['CAP_CHOWN'] }), a);
});

test('seccompArch maps Node arch names to Go ones', () => {
  assert.equal(seccompArch('x64'), 'amd64');
  assert.equal(seccompArch('arm64'), 'arm64');
});
