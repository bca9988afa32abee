import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { parseSlirp4netnsOptions, slirp4netnsAddresses, slirp4netnsArgs } from './slirp4netns-options.ts';

test("the defaults give Podman's command line", () => {
  const o = parseSlirp4netnsOptions([]);
  assert.deepEqual(slirp4netnsArgs(o), ['--disable-host-loopback', '--mtu=65520', '--enable-sandbox', '--enable-seccomp', '--enable-ipv6']);
  assert.deepEqual(slirp4netnsAddresses(o.cidr), { guest: '10.0.2.100', gateway: '10.0.2.2', dns: '10.0.2.3', prefixLength: 24 });
});

test('options, later ones winning', () => {
  const o = parseSlirp4netnsOptions(['mtu=9000', 'allow_host_loopback=true', 'enable_ipv6=false', 'cidr=10.8.0.0/16', 'outbound_addr=127.0.0.1', 'mtu=1500', 'port_handler=slirp4netns']);
  assert.deepEqual(slirp4netnsArgs(o, true), ['--mtu=1500', '--enable-seccomp', '--cidr=10.8.0.0/16', '--outbound-addr=127.0.0.1']);
  assert.equal(o.portHandler, 'slirp4netns');
  assert.deepEqual(slirp4netnsAddresses('10.8.3.7/16'), { guest: '10.8.0.100', gateway: '10.8.0.2', dns: '10.8.0.3', prefixLength: 16 });
  assert.equal(parseSlirp4netnsOptions(['outbound_addr=lo']).outboundAddr, 'lo');
});

test('bad options are InvalidArgumentErrors', () => {
  for (const bad of ['foo=bar', 'mtu', 'mtu=12', 'mtu=x', 'cidr=fd00::/64', 'cidr=10.0.0.0/26', 'enable_ipv6=1', 'port_handler=x', 'outbound_addr=no-such-if0', 'outbound_addr6=10.0.0.1']) {
    assert.throws(() => parseSlirp4netnsOptions([bad]), InvalidArgumentError, bad);
  }
});
