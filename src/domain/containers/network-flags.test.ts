import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { parseNetworkFlags } from './network-flags.ts';

test('no --network takes the default mode and network', () => {
  assert.deepEqual(parseNetworkFlags({}, 'bridge', 'podman'), { mode: 'bridge', networks: ['podman'], options: {} });
  assert.deepEqual(parseNetworkFlags({}, 'none', 'podman'), { mode: 'none', networks: [], options: {} });
});

test('modes, names, lists and options', () => {
  assert.equal(parseNetworkFlags({ values: ['host'] }, 'bridge', 'podman').mode, 'host');
  assert.deepEqual(parseNetworkFlags({ values: ['a,b'] }, 'bridge', 'podman').networks, ['a', 'b']);
  assert.deepEqual(parseNetworkFlags({ values: ['bridge'] }, 'none', 'podman').networks, ['podman']);
  const c = parseNetworkFlags({ values: ['n1:ip=10.89.0.5,mac=AA:BB:CC:DD:EE:FF,alias=web', 'n2'] }, 'bridge', 'podman');
  assert.deepEqual(c.options, { n1: { staticIps: ['10.89.0.5'], staticMac: 'aa:bb:cc:dd:ee:ff', aliases: ['web'] } });
  assert.deepEqual(parseNetworkFlags({ values: ['n1'], ip: '10.89.0.9', aliases: ['x'] }, 'bridge', 'podman').options, { n1: { staticIps: ['10.89.0.9'], aliases: ['x'] } });
});

test('bad input', () => {
  assert.throws(() => parseNetworkFlags({ values: ['host', 'n1'] }, 'bridge', 'podman'), InvalidArgumentError);
  assert.throws(() => parseNetworkFlags({ values: ['n1:ip=10.89.0.300'] }, 'bridge', 'podman'), InvalidArgumentError);
  assert.throws(() => parseNetworkFlags({ values: ['n1', 'n2'], ip: '10.89.0.2' }, 'bridge', 'podman'), InvalidArgumentError);
  assert.throws(() => parseNetworkFlags({ values: ['none'], macAddress: '00:11:22:33:44:55' }, 'bridge', 'podman'), InvalidArgumentError);
  assert.throws(() => parseNetworkFlags({ values: ['n1:foo=1'] }, 'bridge', 'podman'), InvalidArgumentError);
});
