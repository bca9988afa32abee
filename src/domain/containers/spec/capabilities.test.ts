import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { capabilitiesFromMask, capabilityNames, defaultCapabilities, mergeCapabilities, normalizeCapabilities, processCapabilities } from './capabilities.ts';

const all = [...capabilityNames];
/** This VM's bounding set: everything but CAP_SYS_RESOURCE (bit 24). */
const vmBounding = capabilitiesFromMask('000001fffeffffff');

test('capabilitiesFromMask decodes /proc/self/status masks', () => {
  assert.equal(vmBounding.length, 40);
  assert.ok(!vmBounding.includes('CAP_SYS_RESOURCE'));
  assert.deepEqual(capabilitiesFromMask('0000000000000001'), ['CAP_CHOWN']);
  assert.deepEqual(capabilitiesFromMask('00000000a80425fb').length, 14);
});

test('normalizeCapabilities adds the prefix, upper-cases and rejects unknown names', () => {
  assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_KILL', 'all']), ['CAP_NET_ADMIN', 'CAP_KILL', 'ALL']);
  assert.throws(() => normalizeCapabilities(['bogus']), InvalidArgumentError);
});

test('mergeCapabilities drops, adds and sorts', () => {
  assert.deepEqual(mergeCapabilities(defaultCapabilities, ['NET_ADMIN'], ['CHOWN'], all), [
    'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE',
    'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
  ]);
  assert.deepEqual(mergeCapabilities(defaultCapabilities, ['sys_admin'], ['ALL'], all), ['CAP_SYS_ADMIN']);
  assert.deepEqual(mergeCapabilities(defaultCapabilities, ['ALL'], ['CHOWN'], vmBounding), vmBounding.filter((c) => c !== 'CAP_CHOWN').sort());
  assert.throws(() => mergeCapabilities(defaultCapabilities, ['ALL'], ['ALL'], all), InvalidArgumentError);
  assert.throws(() => mergeCapabilities(defaultCapabilities, ['KILL'], ['KILL'], all), /cannot be dropped and added/);
});

test('root gets the merged set in bounding, effective and permitted only', () => {
  for (const userSpec of ['', 'root', '0', '0:5']) {
    const caps = processCapabilities({ privileged: false, capAdd: [], capDrop: [], defaults: defaultCapabilities, boundingSet: all, userSpec });
    assert.deepEqual(caps, { bounding: [...defaultCapabilities], effective: [...defaultCapabilities], permitted: [...defaultCapabilities] }, userSpec);
  }
});

test('another user keeps only the added capabilities, also ambient and inheritable', () => {
  const caps = processCapabilities({ privileged: false, capAdd: ['NET_ADMIN'], capDrop: ['CHOWN'], defaults: defaultCapabilities, boundingSet: all, userSpec: 'nobody' });
  assert.ok(caps.bounding!.includes('CAP_NET_ADMIN') && !caps.bounding!.includes('CAP_CHOWN'));
  assert.deepEqual(caps.effective, ['CAP_NET_ADMIN']);
  assert.deepEqual(caps.permitted, ['CAP_NET_ADMIN']);
  assert.deepEqual(caps.inheritable, ['CAP_NET_ADMIN']);
  assert.deepEqual(caps.ambient, ['CAP_NET_ADMIN']);
  const none = processCapabilities({ privileged: false, capAdd: [], capDrop: [], defaults: defaultCapabilities, boundingSet: all, userSpec: '1000' });
  assert.deepEqual(none.effective, []);
  assert.equal(none.ambient, undefined);
});

test('privileged and ALL never exceed the caller bounding set', () => {
  const priv = processCapabilities({ privileged: true, capAdd: [], capDrop: [], defaults: defaultCapabilities, boundingSet: vmBounding, userSpec: '' });
  assert.deepEqual(priv.bounding, [...vmBounding].sort());
  const added = processCapabilities({ privileged: false, capAdd: ['SYS_RESOURCE'], capDrop: [], defaults: defaultCapabilities, boundingSet: vmBounding, userSpec: '' });
  assert.ok(!added.bounding!.includes('CAP_SYS_RESOURCE'));
});
