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
const ctx = { name: 'n1', interfaceName: 'podman1', freeSubnet: () => parseSubnet4('10.89.0.0/24') };

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
  const full = buildNetwork({ subnets: ['10.89.5.0/24'], gateways: ['10.89.5.254'], ipRanges: ['10.89.5.128/25'], internal: true, disableDns: true, labels: { a: 'b' }, options: { mtu: '1400' } }, ctx);
  assert.deepEqual(full.subnets, [{ subnet: '10.89.5.0/24', gateway: '10.89.5.254', lease_range: { start_ip: '10.89.5.129', end_ip: '10.89.5.254' } }]);
  assert.deepEqual([full.internal, full.dns_enabled, full.labels, full.options], [true, false, { a: 'b' }, { mtu: '1400' }]);
  const v6 = buildNetwork({ ipv6: true }, ctx);
  assert.equal(v6.ipv6_enabled, true);
  assert.match(v6.subnets![1]!.subnet, /^fd[0-9a-f:]+::\/64$/);
  assert.throws(() => buildNetwork({ subnets: ['10.89.5.0/24'], gateways: ['10.89.6.1'] }, ctx), InvalidArgumentError);
  assert.throws(() => buildNetwork({ driver: 'weird' }, ctx), InvalidArgumentError);
  assert.throws(() => buildNetwork({ options: { mtu: 'x' } }, ctx), InvalidArgumentError);
  assert.throws(() => buildNetwork({ driver: 'macvlan' }, ctx), InvalidArgumentError);
  const mac = buildNetwork({ driver: 'macvlan', subnets: ['10.89.9.0/24'], options: { parent: 'eth9', mode: 'bridge' } }, ctx);
  assert.deepEqual([mac.network_interface, mac.options, mac.dns_enabled], ['eth9', { mode: 'bridge' }, false]);
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
  } finally {
    db.close();
  }
});
