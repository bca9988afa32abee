import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { defaultNetwork } from '../domain/networks/network-definition.ts';
import { netavarkOptions, networkRunInfo, statusIps } from './container-network.ts';

const id = 'c'.repeat(64);
const config = {
  id,
  name: 'web',
  networks: ['podman', 'user'],
  networkOptions: { user: { aliases: ['api'], staticMac: '92:d0:c6:0a:29:33' } },
  ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 1 }],
  dns: { servers: [], searches: [], options: [] },
} as unknown as ContainerConfig;
const podman = defaultNetwork('podman', '10.88.0.0/16');
const user = { ...defaultNetwork('user', '10.89.3.0/24'), network_interface: 'podman1', dns_enabled: true };

test('netavark options: interfaces in order, aliases on DNS networks, ports', () => {
  const ips = new Map([['podman', ['10.88.0.2']], ['user', ['10.89.3.2']]]);
  const opts = netavarkOptions(config, [podman, user], ips, {}, true);
  assert.deepEqual(opts.networks, {
    podman: { interface_name: 'eth0', static_ips: ['10.88.0.2'] },
    user: { interface_name: 'eth1', static_ips: ['10.89.3.2'], aliases: ['api', id.slice(0, 12)], static_mac: '92:d0:c6:0a:29:33' },
  });
  assert.deepEqual(opts.port_mappings, [{ host_ip: '', container_port: 80, host_port: 8080, range: 1, protocol: 'tcp' }]);
  assert.equal(netavarkOptions(config, [user], ips, {}, false).port_mappings, undefined);
});

test('a connected network gets the next free interface', () => {
  const status = { podman: { interfaces: { eth0: { mac_address: 'x', subnets: [{ ipnet: '10.88.0.2/16', gateway: '10.88.0.1' }] } } } };
  const opts = netavarkOptions(config, [user], new Map(), status, false);
  assert.equal(opts.networks['user']!.interface_name, 'eth1');
});

test('run-file info from status blocks', () => {
  const status = {
    podman: { interfaces: { eth0: { mac_address: 'x', subnets: [{ ipnet: '10.88.0.2/16', gateway: '10.88.0.1' }] } } },
    user: { dns_server_ips: ['10.89.3.1'], dns_search_domains: ['dns.podman'], interfaces: { eth1: { mac_address: 'y', subnets: [{ ipnet: '10.89.3.2/24', gateway: '10.89.3.1' }] } } },
  };
  assert.deepEqual(statusIps(status.user), ['10.89.3.2']);
  assert.deepEqual(networkRunInfo([podman, user], status), { ips: ['10.88.0.2', '10.89.3.2'], dnsServers: ['10.89.3.1'], dnsSearch: ['dns.podman'], hostAddress: '10.88.0.1' });
});
