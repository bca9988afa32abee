import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InvalidArgumentError, NameInUseError, NoSuchNetworkError } from '../../define/errors.ts';
import { StateDb } from '../../infra/state/db.ts';
import { Ipam } from './ipam.ts';
import { parseSubnet4 } from './ipv4.ts';
import { buildNetwork, defaultNetwork } from './network-definition.ts';
import { NetworkStore } from './network-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-net-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = {
  name: 'n1',
  interfaceName: 'podman1',
  freeSubnet: () => parseSubnet4('10.89.0.0/24'),
  usedSubnets: [parseSubnet4('192.0.2.0/24')],
  bridgeTaken: (name: string) => name === 'podman0',
  hostInterface: (name: string) => name === 'eth9',
};

test('the default network is Podman\'s', () => {
  const n = defaultNetwork('podman', '10.88.0.0/16');
  assert.equal(n.id, '2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9');
  assert.deepEqual(n.subnets, [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }]);
  assert.equal(n.network_interface, 'podman0');
  assert.equal(n.dns_enabled, false);
});

test('network create options', () => {
  const plain = buildNetwork({}, ctx);
  assert.deepEqual(plain.subnets, [{ subnet: '10.89.0.0/24', gateway: '10.89.0.1' }]);
  assert.equal(plain.dns_enabled, true);
  assert.equal(plain.network_interface, 'podman1');
  const full = buildNetwork({ subnets: ['10.89.5.0/24'], gateways: ['10.89.5.254'], ipRanges: ['10.89.5.128/25'], internal: true, disableDns: true, labels: { z: '1', a: 'b' }, options: { vlan: '5', mtu: '1400', isolate: '1' } }, ctx);
  assert.deepEqual(full.subnets, [{ subnet: '10.89.5.0/24', gateway: '10.89.5.254', lease_range: { start_ip: '10.89.5.129', end_ip: '10.89.5.255' } }]);
  assert.deepEqual([full.internal, full.dns_enabled], [true, false]);
  assert.equal(JSON.stringify([full.labels, full.options]), '[{"a":"b","z":"1"},{"isolate":"true","mtu":"1400","vlan":"5"}]');
  // internal without DNS needs no gateway
  assert.deepEqual(buildNetwork({ subnets: ['10.89.6.0/24'], internal: true, disableDns: true }, ctx).subnets, [{ subnet: '10.89.6.0/24' }]);
  const v6 = buildNetwork({ ipv6: true }, ctx);
  assert.equal(v6.ipv6_enabled, true);
  assert.match(v6.subnets![1]!.subnet, /^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){3}::\/64$/);
  const only6 = buildNetwork({ subnets: ['fd00:89::/64'] }, ctx);
  assert.deepEqual([only6.subnets, only6.ipv6_enabled], [[{ subnet: 'fd00:89::/64', gateway: 'fd00:89::1' }], true]);
  const none = buildNetwork({ ipamDriver: 'none' }, ctx);
  assert.deepEqual([none.subnets, none.dns_enabled, none.ipam_options], [undefined, false, { driver: 'none' }]);
  const bad: [Parameters<typeof buildNetwork>[0], string][] = [
    [{ subnets: ['10.89.5.0/24'], gateways: ['10.89.6.1'] }, 'gateway 10.89.6.1 not in subnet 10.89.5.0/24'],
    [{ subnets: ['10.89.5.0/24'], ipRanges: ['10.89.6.0/25'] }, 'lease range start ip 10.89.6.1 not in subnet 10.89.5.0/24'],
    [{ gateways: ['10.89.6.1'] }, 'cannot set gateway or range without subnet'],
    [{ subnets: ['192.0.2.128/25'] }, 'subnet 192.0.2.128/25 is already used on the host or by another config'],
    [{ driver: 'weird' }, 'unsupported driver weird: invalid argument'],
    [{ options: { mtu: 'x' } }, 'strconv.Atoi: parsing "x": invalid syntax'],
    [{ options: { vlan: '5000' } }, 'vlan ID 5000 must be between 0 and 4094'],
    [{ options: { isolate: 'maybe' } }, 'strconv.ParseBool: parsing "maybe": invalid syntax'],
    [{ options: { foo: 'bar' } }, 'unsupported bridge network option foo'],
    [{ interfaceName: 'podman0' }, 'bridge name podman0 already in use'],
    [{ ipamDriver: 'dhcp' }, 'dhcp ipam driver is not yet supported with netavark'],
    [{ ipamDriver: 'none', subnets: ['10.89.5.0/24'] }, 'none ipam driver is set but subnets are given'],
    [{ driver: 'macvlan' }, 'macvlan driver needs at least one subnet specified, DHCP is not yet supported with netavark'],
    [{ driver: 'macvlan', subnets: ['10.89.9.0/24'], options: { parent: 'eth7' } }, 'parent interface eth7 does not exist'],
    [{ driver: 'macvlan', subnets: ['10.89.9.0/24'], options: { mode: 'l2' } }, 'unknown macvlan mode "l2"'],
    [{ driver: 'macvlan', subnets: ['10.89.9.0/24'], options: { vlan: '3' } }, 'unsupported macvlan network option vlan'],
  ];
  for (const [opts, message] of bad) assert.throws(() => buildNetwork(opts, ctx), { name: InvalidArgumentError.name, message }, message);
  // macvlan subnets may be the host's own LAN
  const mac = buildNetwork({ driver: 'macvlan', subnets: ['192.0.2.0/24'], options: { parent: 'eth9', mode: 'bridge' } }, ctx);
  assert.deepEqual([mac.network_interface, mac.options, mac.dns_enabled, mac.subnets], ['eth9', { mode: 'bridge' }, true, [{ subnet: '192.0.2.0/24', gateway: '192.0.2.1' }]]);
  const ipv = buildNetwork({ driver: 'ipvlan', subnets: ['10.89.9.0/24'], options: { mode: 'l3' } }, ctx);
  assert.deepEqual([ipv.network_interface, ipv.options], [undefined, { mode: 'l3' }]);
});

test('the store writes Podman-style files and refuses duplicates', () => {
  const store = new NetworkStore(join(dir, 'networks'), 'podman', '10.88.0.0/16');
  assert.deepEqual(store.list().map((n) => n.name), ['podman']);
  const net = buildNetwork({}, ctx);
  store.create(net);
  assert.equal(JSON.parse(readFileSync(join(dir, 'networks', 'n1.json'), 'utf8')).id, net.id);
  assert.throws(() => store.create(net), NameInUseError);
  assert.equal(store.get(net.id.slice(0, 12)).name, 'n1');
  assert.throws(() => store.get('nope'), NoSuchNetworkError);
  store.remove('n1');
  assert.equal(store.find('n1'), undefined);
});

test('IPAM hands out free addresses, honours static ones, and frees them', () => {
  const db = new StateDb(join(dir, 'state.db'));
  try {
    const ipam = new Ipam(db);
    const net = buildNetwork({ subnets: ['10.89.7.0/29'] }, ctx);
    assert.deepEqual(ipam.allocate(net, 'a'), ['10.89.7.2']);
    assert.deepEqual(ipam.allocate(net, 'b', ['10.89.7.5']), ['10.89.7.5']);
    assert.deepEqual(ipam.allocate(net, 'c'), ['10.89.7.3']);
    assert.throws(() => ipam.allocate(net, 'd', ['10.89.7.5']), /already allocated/);
    assert.throws(() => ipam.allocate(net, 'd', ['10.89.8.5']), /not in any subnet/);
    assert.deepEqual(ipam.allocate(net, 'd'), ['10.89.7.4']);
    assert.deepEqual(ipam.allocate(net, 'e'), ['10.89.7.6']);
    assert.throws(() => ipam.allocate(net, 'f'), /failed to find free IP/);
    ipam.release('a');
    assert.deepEqual(ipam.allocate(net, 'f'), ['10.89.7.2']);
    // a lease range ends at its broadcast address, which is never handed out
    const ranged = buildNetwork({ subnets: ['10.89.8.0/24'], ipRanges: ['10.89.8.252/30'] }, { ...ctx, name: 'n2' });
    assert.deepEqual([ipam.allocate(ranged, 'a'), ipam.allocate(ranged, 'b')], [['10.89.8.253'], ['10.89.8.254']]);
    assert.throws(() => ipam.allocate(ranged, 'c'), /failed to find free IP/);
  } finally {
    db.close();
  }
});
