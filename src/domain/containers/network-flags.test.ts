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

test('slirp4netns and pasta, with their options', () => {
  assert.deepEqual(parseNetworkFlags({ values: ['slirp4netns'] }, 'bridge', 'podman'), { mode: 'slirp4netns', networks: [], options: {} });
  assert.deepEqual(parseNetworkFlags({ values: ['slirp4netns:allow_host_loopback=true,mtu=1500,port_handler=slirp4netns'] }, 'bridge', 'podman'), {
    mode: 'slirp4netns', networks: [], options: {}, modeOptions: ['allow_host_loopback=true', 'mtu=1500', 'port_handler=slirp4netns'],
  });
  assert.deepEqual(parseNetworkFlags({ values: ['pasta:-t,8080,--mtu,1500'] }, 'bridge', 'podman').modeOptions, ['-t', '8080', '--mtu', '1500']);
  assert.equal(parseNetworkFlags({}, 'slirp4netns', 'podman').mode, 'slirp4netns');
  assert.deepEqual(parseNetworkFlags({ values: ['private'] }, 'slirp4netns:cidr=10.5.0.0/24', 'podman').modeOptions, ['cidr=10.5.0.0/24']);
});

test('bad slirp4netns and pasta options', () => {
  assert.throws(() => parseNetworkFlags({ values: ['slirp4netns:foo=1'] }, 'bridge', 'podman'), /unknown option for slirp4netns: "foo=1"/);
  assert.throws(() => parseNetworkFlags({ values: ['slirp4netns:mtu'] }, 'bridge', 'podman'), /unknown option for slirp4netns: "mtu"/);
  assert.throws(() => parseNetworkFlags({ values: ['slirp4netns:allow_host_loopback=yes'] }, 'bridge', 'podman'), /invalid value of allow_host_loopback/);
  assert.throws(() => parseNetworkFlags({ values: ['slirp4netns:cidr=10.0.2.0/28'] }, 'bridge', 'podman'), /invalid cidr/);
  assert.throws(() => parseNetworkFlags({ values: ['pasta:--netns,/x'] }, 'bridge', 'podman'), /pasta option --netns cannot be used/);
  assert.throws(() => parseNetworkFlags({ values: ['slirp4netns', 'n1'] }, 'bridge', 'podman'), InvalidArgumentError);
});
