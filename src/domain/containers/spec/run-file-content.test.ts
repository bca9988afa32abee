import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { containerenvContent, hostsContent, resolvConfContent } from './run-file-content.ts';

test('hosts: add-hosts, the base file, host.containers.internal, then the container', () => {
  const text = hostsContent({
    baseHosts: '127.0.0.1 localhost\n# comment\n\n127.0.0.1 vm\n',
    addHosts: ['foo:1.2.3.4', 'six:::1'],
    hostname: '525c92a4b850',
    name: 't2',
    ips: [],
    hostContainersInternal: '192.0.2.2',
  });
  assert.equal(text, '1.2.3.4\tfoo\n::1\tsix\n127.0.0.1\tlocalhost\n127.0.0.1\tvm\n192.0.2.2\thost.containers.internal\n127.0.0.1\t525c92a4b850 t2\n');
  const noBase = hostsContent({ baseHosts: undefined, addHosts: [], hostname: 'h', name: 'h', ips: ['10.88.0.2'] });
  assert.equal(noBase, '127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n10.88.0.2\th\n');
  assert.throws(() => hostsContent({ baseHosts: '', addHosts: ['nohost'], hostname: 'h', name: 'n', ips: [] }), InvalidArgumentError);
});

test('resolv.conf: loopback servers dropped in a private network, user values win', () => {
  const host = 'search corp.example\nnameserver 127.0.0.53\nnameserver 10.0.0.1\noptions edns0\n';
  assert.equal(resolvConfContent({ hostResolvConf: host, dnsServers: [], dnsSearch: [], dnsOptions: [], privateNetwork: true }), 'search corp.example\nnameserver 10.0.0.1\noptions edns0\n');
  assert.equal(resolvConfContent({ hostResolvConf: host, dnsServers: [], dnsSearch: [], dnsOptions: [], privateNetwork: false }), 'search corp.example\nnameserver 127.0.0.53\nnameserver 10.0.0.1\noptions edns0\n');
  assert.equal(
    resolvConfContent({ hostResolvConf: host, dnsServers: ['1.1.1.1'], dnsSearch: ['.'], dnsOptions: ['ndots:2'], privateNetwork: true }),
    'nameserver 1.1.1.1\noptions ndots:2\n',
  );
  assert.equal(resolvConfContent({ hostResolvConf: 'nameserver 127.0.0.1\n', dnsServers: [], dnsSearch: [], dnsOptions: [], privateNetwork: true }), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(
    resolvConfContent({ hostResolvConf: 'nameserver 127.0.0.1\n', dnsServers: [], dnsSearch: ['a.example'], dnsOptions: [], privateNetwork: true, networkServers: ['10.89.0.1'] }),
    'search a.example\nnameserver 10.89.0.1\n',
  );
});

test('.containerenv is empty unless privileged', () => {
  const info = { engine: 'skiff-0.1.0', name: 't2', id: 'abc', image: 'localhost/bb:latest', imageId: 'def', rootless: false };
  assert.equal(containerenvContent(false, info), '');
  assert.equal(containerenvContent(true, info), 'engine="skiff-0.1.0"\nname="t2"\nid="abc"\nimage="localhost/bb:latest"\nimageid="def"\nrootless=0\n');
});
