// Bridge networks with real netavark, aardvark-dns and iptables: the default bridge, names
// between containers on a user network, published ports reached from the host, shared
// namespaces, connect/disconnect on a live container, and nothing left behind afterwards or
// after bad input. Each network gets its own 10.89.N.0/24 and bridge name so that parallel
// test files never share an address.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, loadBusybox } from './container-test-helpers.ts';
import { freePorts, httpGet, retry } from './network-test-helpers.ts';

const skip = containerSkip || (!existsSync('/usr/lib/podman/netavark') && !existsSync('/usr/libexec/podman/netavark') ? 'needs netavark' : false);

const tag = Math.random().toString(36).slice(2, 8);
/** A third octet for 10.89.N.0/24 nobody else in this run is likely to take. */
const octets = new Set<number>();
function freshOctet(): number {
  for (;;) {
    const n = 100 + Math.floor(Math.random() * 150);
    if (!octets.has(n)) {
      octets.add(n);
      return n;
    }
  }
}

/** A user network with its own subnet and bridge in `env`. */
async function createNetwork(env: SkiffEnv, name: string, extra: string[] = []) {
  const n = freshOctet();
  const bridge = `sk${tag}${n}`;
  await env.runOk(['network', 'create', '--subnet', `10.89.${n}.0/24`, '--interface-name', bridge, ...extra, `${name}-${tag}`]);
  return { name: `${name}-${tag}`, prefix: `10.89.${n}.`, subnet: `10.89.${n}.0/24`, bridge };
}

function firewall(): string {
  let text = '';
  for (const [cmd, args] of [['iptables-save', []], ['nft', ['list', 'ruleset']]] as const) {
    try {
      text += execFileSync(cmd, [...args], { encoding: 'utf8' });
    } catch {
      // one of the two may be missing
    }
  }
  return text;
}

function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('aardvark-dns reloads', { skip }, () => {
  // its own store, so its own aardvark-dns: stopping it holds up no other test
  const env = new SkiffEnv();
  before(() => loadBusybox(env));
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    env.cleanup();
  });

  test('a container starts only once aardvark-dns serves its network again', async () => {
    const n = await createNetwork(env, 'reload');
    const srv = `reload-${tag}`;
    await env.runOk(['run', '-d', '--name', srv, '--network', n.name, IMAGE, 'sleep', '300']);
    const pid = Number(readFileSync(join(env.runroot, 'networks', 'aardvark-dns', 'aardvark.pid'), 'utf8'));
    // a stopped aardvark-dns handles netavark's SIGHUP, and so rebinds, only when continued
    process.kill(pid, 'SIGSTOP');
    let resumedAt = 0;
    const timer = setTimeout(() => {
      resumedAt = Date.now();
      process.kill(pid, 'SIGCONT');
    }, 600);
    try {
      await env.runOk(['run', '-d', '--name', `client-${tag}`, '--network', n.name, IMAGE, 'nslookup', srv]);
    } finally {
      clearTimeout(timer);
      process.kill(pid, 'SIGCONT');
    }
    assert.ok(resumedAt > 0, 'run returned while aardvark-dns was stopped');
    const startedAt = Date.parse((await env.runOk(['inspect', '--format', '{{.State.StartedAt}}', `client-${tag}`])).trim());
    assert.ok(startedAt >= resumedAt - 5, `started ${resumedAt - startedAt} ms before aardvark-dns could answer`);
    assert.equal((await env.runOk(['wait', `client-${tag}`])).trim(), '0');
    assert.match(await env.runOk(['logs', `client-${tag}`]), new RegExp(`Name:\\s+${srv}\\S*\\nAddress: ${n.prefix.replaceAll('.', '\\.')}\\d+`));
  });
});

describe('networks', { skip, concurrency: true }, () => {
  const env = new SkiffEnv();
  const makeNetwork = (name: string, extra: string[] = []) => createNetwork(env, name, extra);
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('the default bridge gives a 10.88 address, in /etc/hosts too', async () => {
    const r = await env.run(['run', '--rm', IMAGE, 'sh', '-c', 'ip -4 -o addr show eth0; cat /etc/hosts']);
    assert.equal(r.code, 0, r.stderr);
    const ip = /inet (10\.88\.\d+\.\d+)\/16/.exec(r.stdout)?.[1];
    assert.ok(ip, r.stdout);
    assert.match(r.stdout, new RegExp(`^${ip.replaceAll('.', '\\.')}\\t`, 'm'));
  });

  test('containers on a user network reach each other by name and alias', async () => {
    const n = await makeNetwork('dns');
    const srv = `srv-${tag}`;
    await env.runOk(['run', '-d', '--name', srv, '--network', n.name, '--network-alias', `web-${tag}`, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/etc']);
    const r = await env.run([
      'run', '--rm', '--network', n.name, IMAGE, 'sh', '-c',
      `nslookup ${srv}; nslookup web-${tag}; printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc web-${tag} 80; cat /etc/resolv.conf`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Name:\\s+${srv}\\S*\\nAddress: ${n.prefix.replaceAll('.', '\\.')}\\d+`));
    assert.match(r.stdout, new RegExp(`Name:\\s+web-${tag}\\S*\\nAddress: ${n.prefix.replaceAll('.', '\\.')}\\d+`));
    assert.match(r.stdout, /HTTP\/1\.[01] 200 OK/);
    assert.match(r.stdout, new RegExp(`^nameserver ${n.prefix.replaceAll('.', '\\.')}1$`, 'm'));
    await env.runOk(['rm', '-f', '-t', '0', srv]);
    // --dns replaces the network's name server in resolv.conf
    const own = await env.runOk(['run', '--rm', '--network', n.name, '--dns', `${n.prefix}53`, IMAGE, 'grep', 'nameserver', '/etc/resolv.conf']);
    assert.equal(own, `nameserver ${n.prefix}53\n`);
  });

  test('-p publishes a port reachable from the host; port and inspect show it', async () => {
    const n = await makeNetwork('pub');
    const port = await freePorts();
    const name = `pub-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', `${port}:80`, IMAGE, 'sh', '-c', 'mkdir /w && echo served > /w/index.html && exec httpd -f -p 80 -h /w']);
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), 'served\n');
    assert.equal(await env.runOk(['port', name]), `80/tcp -> 0.0.0.0:${port}\n`);
    const settings = JSON.parse(await env.runOk(['inspect', '--format', '{{json .NetworkSettings}}', name]));
    assert.deepEqual(settings.Ports, { '80/tcp': [{ HostIp: '', HostPort: String(port) }] });
    assert.ok(settings.IPAddress.startsWith(n.prefix), settings.IPAddress);
    assert.equal(settings.Networks[n.name].Gateway, `${n.prefix}1`);
    const rules = firewall().split(String(port)).length;
    assert.ok(rules > 1);
    const id = (await env.runOk(['inspect', '--format', '{{.Id}}', name])).trim();
    assert.equal(await env.runOk(['network', 'reload', name]), `${id}\n`);
    assert.equal(firewall().split(String(port)).length, rules, 'reload duplicated or lost rules');
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), 'served\n');
    await env.runOk(['rm', '-f', '-t', '0', name]);
    assert.doesNotMatch(firewall(), new RegExp(`dport ${port}\\b`));
  });

  test('-P publishes the exposed ports on random host ports', async () => {
    const n = await makeNetwork('pall');
    const name = `pall-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '--expose', '80', '-P', IMAGE, 'sh', '-c', 'mkdir /w && echo all > /w/index.html && exec httpd -f -p 80 -h /w']);
    const mapping = await env.runOk(['port', name, '80']);
    const port = Number(/^0\.0\.0\.0:(\d+)\n$/.exec(mapping)?.[1]);
    assert.ok(port > 0, mapping);
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), 'all\n');
    assert.equal(await env.runOk(['inspect', '--format', '{{.HostConfig.PublishAllPorts}}', name]), 'true\n');
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('--network container: shares the other container\'s interfaces', async () => {
    const n = await makeNetwork('share');
    const name = `share-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, IMAGE, 'sleep', '100']);
    const own = await env.runOk(['exec', name, 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    const shared = await env.runOk(['run', '--rm', '--network', `container:${name}`, IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.match(own, new RegExp(`inet ${n.prefix.replaceAll('.', '\\.')}`));
    assert.equal(shared.replace(/^\d+:/, ''), own.replace(/^\d+:/, ''));
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('connect and disconnect a running container', async () => {
    const a = await makeNetwork('conna');
    const b = await makeNetwork('connb');
    const name = `conn-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', a.name, IMAGE, 'sleep', '100']);
    await env.runOk(['network', 'connect', b.name, name]);
    const with2 = await env.runOk(['exec', name, 'ip', '-4', '-o', 'addr']);
    assert.match(with2, new RegExp(`eth1\\s+inet ${b.prefix.replaceAll('.', '\\.')}`));
    const ipB = new RegExp(`eth1\\s+inet (${b.prefix.replaceAll('.', '\\.')}\\d+)`).exec(with2)![1]!;
    assert.match(await env.runOk(['exec', name, 'cat', '/etc/hosts']), new RegExp(`^${ipB.replaceAll('.', '\\.')}\\t`, 'm'));
    assert.match(await env.runOk(['exec', name, 'cat', '/etc/resolv.conf']), new RegExp(`^nameserver ${b.prefix.replaceAll('.', '\\.')}1$`, 'm'));
    const nets = await env.runOk(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', name]);
    assert.equal(nets.trim().split(' ').sort().join(' '), [a.name, b.name].sort().join(' '));
    await env.runOk(['network', 'disconnect', b.name, name]);
    const with1 = await env.runOk(['exec', name, 'ip', '-4', '-o', 'addr']);
    assert.doesNotMatch(with1, /eth1/);
    assert.doesNotMatch(await env.runOk(['exec', name, 'cat', '/etc/hosts']), new RegExp(`^${ipB.replaceAll('.', '\\.')}\\t`, 'm'));
    assert.doesNotMatch(await env.runOk(['exec', name, 'cat', '/etc/resolv.conf']), new RegExp(`nameserver ${b.prefix.replaceAll('.', '\\.')}1`));
    assert.match(with1, new RegExp(`eth0\\s+inet ${a.prefix.replaceAll('.', '\\.')}`));
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('teardown leaves no rules, namespaces, veths or bridges', async () => {
    const n = await makeNetwork('clean');
    const port = await freePorts();
    const name = `clean-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', `${port}:80`, IMAGE, 'sleep', '100']);
    assert.ok(firewall().includes(n.subnet));
    assert.ok(linkExists(n.bridge));
    const netns = (await env.runOk(['inspect', '--format', '{{.NetworkSettings.SandboxKey}}', name])).trim();
    assert.ok(netns.startsWith(join(env.runroot, 'netns')), netns);
    assert.ok(existsSync(netns));
    await env.runOk(['stop', '-t', '0', name]);
    assert.ok(!firewall().includes(n.subnet), 'rules for the subnet remain');
    assert.ok(!linkExists(n.bridge), 'the bridge remains');
    assert.ok(!existsSync(netns), 'the namespace file remains');
    assert.equal((await env.runOk(['inspect', '--format', '{{.NetworkSettings.SandboxKey}}', name])).trim(), '');
    // a container that ends by itself is torn down by conmon's cleanup too
    await env.runOk(['run', '--rm', '--network', n.name, IMAGE, 'true']);
    assert.ok(!firewall().includes(n.subnet));
    await env.runOk(['rm', name]);
  });

  test('network ls, inspect, exists, rm and prune', async () => {
    // its own store: prune must not take the other tests' networks
    const env = new SkiffEnv();
    after(() => env.cleanup());
    await loadBusybox(env);
    const makeNetwork = (name: string, extra: string[] = []) => createNetwork(env, name, extra);
    const n = await makeNetwork('admin', ['--label', 'team=blue', '--internal']);
    assert.match(await env.runOk(['network', 'ls']), /^NETWORK ID\s+NAME\s+DRIVER\n/);
    assert.match(await env.runOk(['network', 'ls', '-q']), /^podman$/m);
    assert.equal(await env.runOk(['network', 'ls', '--filter', 'label=team=blue', '--format', '{{.Name}} {{.Driver}} {{.Internal}}']), `${n.name} bridge true\n`);
    const [inspected] = JSON.parse(await env.runOk(['network', 'inspect', n.name]));
    assert.equal(inspected.subnets[0].subnet, n.subnet);
    assert.equal(inspected.subnets[0].gateway, `${n.prefix}1`);
    assert.equal(inspected.network_interface, n.bridge);
    assert.equal(inspected.dns_enabled, true);
    assert.equal(await env.runOk(['network', 'inspect', '--format', '{{.Name}}', n.name]), `${n.name}\n`);
    assert.equal(JSON.parse(await env.runOk(['inspect', '--type', 'network', n.name]))[0].id, inspected.id);
    assert.equal((await env.run(['network', 'exists', n.name])).code, 0);
    assert.equal((await env.run(['network', 'exists', `nope-${tag}`])).code, 1);
    const user = `user-${tag}`;
    await env.runOk(['create', '--name', user, '--network', n.name, IMAGE, 'true']);
    const inUse = await env.run(['network', 'rm', n.name]);
    assert.equal(inUse.code, 125);
    assert.match(inUse.stderr, /has associated containers/);
    assert.equal(await env.runOk(['network', 'rm', '-f', n.name]), `${n.name}\n`);
    assert.equal((await env.run(['container', 'exists', user])).code, 1);
    const p = await makeNetwork('prune');
    assert.match(await env.runOk(['network', 'prune', '-f']), new RegExp(`^${p.name}$`, 'm'));
    assert.equal((await env.run(['network', 'exists', p.name])).code, 1);
    const def = await env.run(['network', 'rm', 'podman']);
    assert.equal(def.code, 125);
  });

  test('bad input: exit 125, a clear error and nothing left behind', async () => {
    // its own store, so that other tests' namespaces do not count
    const env = new SkiffEnv();
    after(() => env.cleanup());
    await loadBusybox(env);
    const netnsFiles = () => (existsSync(join(env.runroot, 'netns')) ? readdirSync(join(env.runroot, 'netns')) : []);
    const bad = await createNetwork(env, 'bad');
    const overlap = await env.run(['network', 'create', '--subnet', bad.subnet.replace('.0/24', '.128/25'), `ovl-${tag}`]);
    assert.equal(overlap.code, 125);
    assert.match(overlap.stderr, /^Error: subnet .* is already used/);
    const unknown = await env.run(['run', '--rm', '--network', `nope-${tag}`, IMAGE, 'true']);
    assert.equal(unknown.code, 125);
    assert.equal(unknown.stderr, `Error: unable to find network with name or ID nope-${tag}: network not found\n`);
    const badIp = await env.run(['run', '--rm', '--network', bad.name, '--ip', `${bad.prefix}300`, IMAGE, 'true']);
    assert.equal(badIp.code, 125);
    assert.match(badIp.stderr, /is not an IP address/);
    const outside = await env.run(['run', '--rm', '--network', bad.name, '--ip', '10.88.77.77', IMAGE, 'true']);
    assert.equal(outside.code, 125);
    assert.match(outside.stderr, /not in any subnet/);
    const badRange = await env.run(['run', '--rm', '-p', '90-80:80-90', IMAGE, 'true']);
    assert.equal(badRange.code, 125);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const inUse = await env.run(['run', '--rm', '--network', bad.name, '-p', `${port}:80`, IMAGE, 'true']);
      assert.equal(inUse.code, 125, inUse.stderr);
      assert.match(inUse.stderr, /address already in use/);
    } finally {
      holder.close();
    }
    assert.deepEqual(netnsFiles(), []);
    assert.ok(!firewall().includes(bad.subnet));
    assert.ok(!linkExists(bad.bridge));
  });
});
