// macvlan networks with real netavark: created on a parent interface of the test's own (a
// dummy where the kernel has the driver, else one end of a veth pair), containers get their
// address and interface (static ones too) and reach each other over it, nothing stays on
// the host afterwards, and bad input gets Podman's errors. ipvlan needs netavark 1.6 and a
// kernel with the driver; without them, `network create -d ipvlan` says so. Subnets
// 10.89.53-54.0/24 (150-network takes 100-249, 151-network-ports 51-52).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, loadBusybox } from './container-test-helpers.ts';
import { linkExists, networkSkip } from './network-test-helpers.ts';

const tag = Math.random().toString(36).slice(2, 8);
const parent = `skmv${tag}`;
const peer = `skmp${tag}`;

function ip(...args: string[]): boolean {
  try {
    execFileSync('ip', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A parent nobody else uses: a dummy interface, or a veth end where dummy is not built in. */
function makeParent(): void {
  if (!ip('link', 'add', parent, 'type', 'dummy')) assert.ok(ip('link', 'add', parent, 'type', 'veth', 'peer', 'name', peer), 'cannot create a parent interface');
  ip('link', 'set', parent, 'up');
  if (linkExists(peer)) ip('link', 'set', peer, 'up');
}

const macvlanLinks = () => execFileSync('ip', ['-o', 'link', 'show', 'type', 'macvlan'], { encoding: 'utf8' });

/** What skiff writes for host.containers.internal off a bridge: the host's first IPv4 address. */
const hostIp = () => Object.values(os.networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address;

const netavarkVersion = (): number[] => {
  for (const bin of ['/usr/libexec/podman/netavark', '/usr/lib/podman/netavark']) {
    if (existsSync(bin)) return (/(\d+)\.(\d+)/.exec(execFileSync(bin, ['--version'], { encoding: 'utf8' })) ?? []).slice(1).map(Number);
  }
  return [0, 0];
};

describe('macvlan networks', { skip: networkSkip }, () => {
  const env = new SkiffEnv();
  const name = `mv-${tag}`;
  const netnsFiles = () => (existsSync(join(env.runroot, 'netns')) ? readdirSync(join(env.runroot, 'netns')) : []);
  let linksBefore = '';
  before(async () => {
    makeParent();
    linksBefore = macvlanLinks();
    await loadBusybox(env);
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    env.cleanup();
    ip('link', 'del', parent);
  });

  test('network create -d macvlan writes Podman\'s definition', async () => {
    assert.equal(await env.runOk(['network', 'create', '-d', 'macvlan', '-o', `parent=${parent}`, '-o', 'mtu=1400', '-o', 'mode=bridge', '--subnet', '10.89.53.0/24', name]), `${name}\n`);
    const [net] = JSON.parse(await env.runOk(['network', 'inspect', name]));
    assert.deepEqual(
      { driver: net.driver, iface: net.network_interface, subnets: net.subnets, dns: net.dns_enabled, options: net.options, ipam: net.ipam_options },
      { driver: 'macvlan', iface: parent, subnets: [{ subnet: '10.89.53.0/24', gateway: '10.89.53.1' }], dns: true, options: { mode: 'bridge', mtu: '1400' }, ipam: { driver: 'host-local' } },
    );
    assert.equal(await env.runOk(['network', 'ls', '--filter', `name=${name}`, '--format', '{{.Name}} {{.Driver}}']), `${name} macvlan\n`);
  });

  test('a container gets its macvlan interface and address; nothing stays behind', async () => {
    const r = await env.runOk(['run', '--rm', '--network', name, IMAGE, 'sh', '-c', 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/mtu; ip route; grep host.containers.internal /etc/hosts']);
    assert.match(r, /^\d+: eth0\s+inet 10\.89\.53\.2\/24 /m);
    assert.match(r, /^1400$/m);
    assert.match(r, /^default via 10\.89\.53\.1 dev eth0/m);
    // the gateway is a router on the LAN, not this host: Podman names the host's own address
    assert.match(r, new RegExp(`^${hostIp()!.replaceAll('.', '\\.')}\\thost\\.containers\\.internal$`, 'm'));
    assert.deepEqual(netnsFiles(), []);
    assert.equal(macvlanLinks(), linksBefore);
    // the address went back to the pool
    assert.match(await env.runOk(['run', '--rm', '--network', name, IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0']), /inet 10\.89\.53\.2\/24 /);
  });

  test('static address and MAC; containers reach each other over the parent', async () => {
    const srv = `mvsrv-${tag}`;
    await env.runOk(['run', '-d', '--name', srv, '--network', `${name}:ip=10.89.53.77,mac=02:42:0a:59:35:4d`, IMAGE, 'sh', '-c', 'mkdir /w && echo over-macvlan > /w/index.html && exec httpd -f -p 80 -h /w']);
    const link = await env.runOk(['exec', srv, 'sh', '-c', 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/address']);
    assert.match(link, /inet 10\.89\.53\.77\/24 /);
    assert.match(link, /^02:42:0a:59:35:4d$/m);
    const got = await env.runOk(['run', '--rm', '--network', name, IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5; do printf "GET /index.html HTTP/1.0\\r\\n\\r\\n" | nc -w 3 10.89.53.77 80 && break; sleep 0.3; done']);
    assert.match(got, /HTTP\/1\.[01] 200 OK[\s\S]*over-macvlan/);
    const taken = await env.run(['run', '--rm', '--network', `${name}:ip=10.89.53.77`, IMAGE, 'true']);
    assert.equal(taken.code, 125);
    assert.match(taken.stderr, /requested ip address 10\.89\.53\.77 is already allocated/);
    await env.runOk(['rm', '-f', '-t', '0', srv]);
    assert.deepEqual(netnsFiles(), []);
    assert.equal(macvlanLinks(), linksBefore);
    assert.equal(await env.runOk(['network', 'rm', name]), `${name}\n`);
  });

  test('bad input gets Podman\'s errors', async () => {
    const cases: [string[], string][] = [
      [['-d', 'macvlan', '-o', `parent=${parent}`], 'macvlan driver needs at least one subnet specified, DHCP is not yet supported with netavark'],
      [['-d', 'macvlan', '-o', `parent=nope${tag}`, '--subnet', '10.89.54.0/24'], `parent interface nope${tag} does not exist`],
      [['-d', 'macvlan', '-o', `parent=${parent}`, '-o', 'mode=l2', '--subnet', '10.89.54.0/24'], 'unknown macvlan mode "l2"'],
      [['-d', 'macvlan', '-o', `parent=${parent}`, '-o', 'vlan=3', '--subnet', '10.89.54.0/24'], 'unsupported macvlan network option vlan'],
      [['-d', 'macvlan', '-o', `parent=${parent}`, '--ipam-driver', 'dhcp'], 'dhcp ipam driver is not yet supported with netavark'],
    ];
    for (const [flags, message] of cases) {
      const r = await env.run(['network', 'create', ...flags, `bad-${tag}`]);
      assert.deepEqual([r.code, r.stderr], [125, `Error: ${message}\n`], flags.join(' '));
    }
    assert.equal((await env.run(['network', 'exists', `bad-${tag}`])).code, 1);
  });

  test('ipvlan: refused on a netavark without the driver, else run like macvlan', async () => {
    const [major = 0, minor = 0] = netavarkVersion();
    const ipv = `ipv-${tag}`;
    const r = await env.run(['network', 'create', '-d', 'ipvlan', '-o', `parent=${parent}`, '--subnet', '10.89.54.0/24', ipv]);
    if (major === 1 && minor < 6) {
      assert.equal(r.code, 125);
      assert.match(r.stderr, /^Error: unsupported driver ipvlan: netavark 1\.\d+\.\d+ has no ipvlan driver/);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    const run = await env.run(['run', '--rm', '--network', ipv, IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    // a kernel without ipvlan makes netavark fail; that must be a clean error too
    if (run.code === 0) assert.match(run.stdout, /inet 10\.89\.54\.2\/24 /);
    else assert.equal(run.code, 125, run.stderr);
    assert.deepEqual(netnsFiles(), []);
    await env.runOk(['network', 'rm', ipv]);
  });
});
