// Published ports as Podman 4.3 handles them: random host ranges for container ranges,
// `ip::port` and `:port`, host ranges, `port` output word for word, Podman's errors for bad
// specs and for host ports already taken (the container stays created, nothing else is
// left; a running container's host ports are held by its conmon), ports reached through the
// machine's other address, and `network reload` after the container's firewall rules were
// flushed; then the other network flags of `run` (NAME:ip=,mac=,alias=, --ip,
// --mac-address, NAME,NAME2, --no-hosts, ns:PATH). Networks use 10.89.49-52.0/24
// (150-network takes 100-249, 152-macvlan 53-54).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, loadBusybox } from './container-test-helpers.ts';
import { deleteRulesMentioning, firewall, freePorts, hostAddress, httpGet, linkExists, networkSkip, retry } from './network-test-helpers.ts';

const tag = Math.random().toString(36).slice(2, 8);

async function createNetwork(env: SkiffEnv, octet: number) {
  const name = `ports${octet}-${tag}`;
  const bridge = `skp${tag}${octet}`;
  await env.runOk(['network', 'create', '--subnet', `10.89.${octet}.0/24`, '--interface-name', bridge, name]);
  return { name, bridge, prefix: `10.89.${octet}.`, subnet: `10.89.${octet}.0/24` };
}

/** A shell line serving `<port>\n` on each port given (busybox httpd daemonizes). */
function serve(...ports: number[]): string {
  return `${ports.map((p) => `mkdir /w${p} && echo ${p} > /w${p}/index.html && httpd -p ${p} -h /w${p}`).join(' && ')} && exec sleep 300`;
}

function holdPort(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ port, host }, () => resolve(s));
  });
}

describe('published ports', { skip: networkSkip, concurrency: true }, () => {
  const env = new SkiffEnv();
  let n: Awaited<ReturnType<typeof createNetwork>>;
  before(async () => {
    await loadBusybox(env);
    n = await createNetwork(env, 51);
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    await env.run(['network', 'rm', '-f', n.name]);
    env.cleanup();
  });

  test('a container port range without host ports gets a random host range', async () => {
    const name = `ctrrange-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', '8000-8002', IMAGE, 'sh', '-c', serve(8000, 8001, 8002)]);
    const out = await env.runOk(['port', name]);
    const base = Number(/^8000\/tcp -> 0\.0\.0\.0:(\d+)\n/.exec(out)?.[1]);
    assert.equal(out, `8000/tcp -> 0.0.0.0:${base}\n8001/tcp -> 0.0.0.0:${base + 1}\n8002/tcp -> 0.0.0.0:${base + 2}\n`);
    assert.equal(await env.runOk(['port', name, '8001']), `0.0.0.0:${base + 1}\n`);
    assert.equal(await env.runOk(['ps', '--filter', `name=${name}`, '--format', '{{.Ports}}']), `0.0.0.0:${base}-${base + 2}->8000-8002/tcp\n`);
    const bindings = JSON.parse(await env.runOk(['inspect', '--format', '{{json .HostConfig.PortBindings}}', name]));
    assert.deepEqual(bindings, Object.fromEntries([0, 1, 2].map((i) => [`${8000 + i}/tcp`, [{ HostIp: '', HostPort: String(base + i) }]])));
    for (const i of [0, 1, 2]) assert.equal(await retry(() => httpGet('127.0.0.1', base + i)), `${8000 + i}\n`);
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('-p IP::PORT and -p :PORT pick random host ports on that address', async () => {
    const name = `rand-${tag}`;
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', '127.0.0.1::80', '-p', ':81', IMAGE, 'sh', '-c', serve(80, 81)]);
    const out = await env.runOk(['port', name]);
    const lo = Number(/^80\/tcp -> 127\.0\.0\.1:(\d+)$/m.exec(out)?.[1]);
    const any = Number(/^81\/tcp -> 0\.0\.0\.0:(\d+)$/m.exec(out)?.[1]);
    assert.ok(lo > 0 && any > 0, out);
    assert.equal(out.split('\n').length, 3, out);
    assert.equal(await env.runOk(['port', name, '80/tcp']), `127.0.0.1:${lo}\n`);
    assert.equal(await retry(() => httpGet('127.0.0.1', lo)), '80\n');
    assert.equal(await retry(() => httpGet('127.0.0.1', any)), '81\n');
    const other = hostAddress();
    if (other) {
      assert.equal(await retry(() => httpGet(other, any)), '81\n');
      await assert.rejects(httpGet(other, lo), 'a port published on 127.0.0.1 answers on another address');
    }
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('a host range maps onto a container range; port shows each pair', async () => {
    const name = `hostrange-${tag}`;
    const h = await freePorts(3);
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', `${h}-${h + 2}:8000-8002`, IMAGE, 'sh', '-c', serve(8002)]);
    assert.equal(await env.runOk(['port', name]), `8000/tcp -> 0.0.0.0:${h}\n8001/tcp -> 0.0.0.0:${h + 1}\n8002/tcp -> 0.0.0.0:${h + 2}\n`);
    assert.equal(await env.runOk(['port', name, '8002']), `0.0.0.0:${h + 2}\n`);
    const missing = await env.run(['port', name, '8001/udp']);
    assert.deepEqual([missing.code, missing.stderr], [125, 'Error: failed to find published port "8001/udp"\n']);
    assert.equal(await retry(() => httpGet('127.0.0.1', h + 2)), '8002\n');
    const other = hostAddress();
    if (other) assert.equal(await retry(() => httpGet(other, h + 2)), '8002\n');
    await env.runOk(['rm', '-f', '-t', '0', name]);
  });

  test('bad port specs get Podman\'s errors and create nothing', async () => {
    const cases: [string[], string][] = [
      [['-p', '9000-9001:8000-8002'], 'host and container port ranges have different lengths: 2 vs 3'],
      [['-p', '9000:80-81'], 'host and container port ranges have different lengths: 1 vs 2'],
      [['-p', '9001-9000:80'], 'parsing host port: the end port of a range must be higher than the start port - 9000 is not higher than 9001'],
      [['-p', '70000'], 'parsing container port: port numbers must be between 1 and 65535 (inclusive), got 70000'],
      [['-p', '1.2.3:80:80'], 'cannot parse "1.2.3" as an IP address'],
      [['-p', '80/foo'], 'unrecognized protocol "foo" in port mapping'],
      [['--expose', 'abc'], 'invalid range format for --expose: abc: strconv.ParseUint: parsing "abc": invalid syntax'],
      [['--network', `ns:/nonexistent-${tag}`], `cannot find specified network namespace path: stat /nonexistent-${tag}: no such file or directory`],
    ];
    for (const [flags, message] of cases) {
      const r = await env.run(['create', '--name', `bad-${tag}`, ...flags, IMAGE, 'true']);
      assert.deepEqual([r.code, r.stderr], [125, `Error: ${message}\n`], flags.join(' '));
      assert.equal((await env.run(['container', 'exists', `bad-${tag}`])).code, 1);
    }
  });

  test('-P publishes --expose ranges; modes without a network drop ports with a warning', async () => {
    const name = `pall-${tag}`;
    await env.runOk(['create', '--name', name, '--network', n.name, '--expose', '8000-8001', '--expose', '90/udp', '-P', '-p', '127.0.0.1:8001:8001', IMAGE, 'true']);
    const bindings = JSON.parse(await env.runOk(['inspect', '--format', '{{json .HostConfig.PortBindings}}', name]));
    assert.deepEqual(Object.keys(bindings).sort(), ['8000/tcp', '8001/tcp', '90/udp']);
    assert.deepEqual(bindings['8001/tcp'], [{ HostIp: '127.0.0.1', HostPort: '8001' }]);
    assert.ok(Number(bindings['90/udp'][0].HostPort) > 0);
    await env.runOk(['rm', name]);
    const none = await env.run(['create', '--name', name, '--network', 'none', '-p', '80', IMAGE, 'true']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use/);
    assert.equal(await env.runOk(['inspect', '--format', '{{len .HostConfig.PortBindings}}', name]), '0\n');
    await env.runOk(['rm', name]);
  });

  test('network reload restores the rules a firewall flush took', async () => {
    const name = `reload-${tag}`;
    const port = await freePorts();
    await env.runOk(['run', '-d', '--name', name, '--network', n.name, '-p', `${port}:80`, IMAGE, 'sh', '-c', serve(80)]);
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), '80\n');
    const ours = () => firewall().split('\n').filter((l) => l.includes(`dport ${port} `)).length;
    const rules = ours();
    assert.ok(rules > 0);
    assert.ok(deleteRulesMentioning([`--dport ${port} `]) > 0);
    assert.equal(ours(), 0);
    await assert.rejects(httpGet('127.0.0.1', port));
    const id = (await env.runOk(['inspect', '--format', '{{.Id}}', name])).trim();
    assert.equal(await env.runOk(['network', 'reload', name]), `${id}\n`);
    assert.equal(ours(), rules);
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), '80\n');
    await env.runOk(['rm', '-f', '-t', '0', name]);
    assert.equal(ours(), 0);
  });
});

describe('network flags', { skip: networkSkip }, () => {
  const env = new SkiffEnv();
  const ns = `skns${tag}`;
  let a: Awaited<ReturnType<typeof createNetwork>>;
  let b: Awaited<ReturnType<typeof createNetwork>>;
  before(async () => {
    await loadBusybox(env);
    a = await createNetwork(env, 50);
    b = await createNetwork(env, 49);
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    await env.run(['network', 'rm', '-f', a.name, b.name]);
    env.cleanup();
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // the ns: test did not get as far as creating it
    }
  });

  test('NAME:ip=,mac=,alias=, --ip and --mac-address, NAME,NAME2, --no-hosts', async () => {
    const srv = `flags-${tag}`;
    await env.runOk(['run', '-d', '--name', srv, '--network', `${a.name}:ip=${a.prefix}60,mac=02:42:0a:59:32:3c,alias=web-${tag}`, '--network', b.name, IMAGE, 'sleep', '300']);
    const links = await env.runOk(['exec', srv, 'sh', '-c', 'ip -4 -o addr; cat /sys/class/net/eth0/address']);
    assert.match(links, new RegExp(`eth0\\s+inet ${a.prefix.replaceAll('.', '\\.')}60/24 `));
    assert.match(links, new RegExp(`eth1\\s+inet ${b.prefix.replaceAll('.', '\\.')}\\d+/24 `));
    assert.match(links, /^02:42:0a:59:32:3c$/m);
    const resolved = await env.runOk(['run', '--rm', '--network', a.name, IMAGE, 'nslookup', `web-${tag}`]);
    assert.match(resolved, new RegExp(`Name:\\s+web-${tag}\\S*\\nAddress: ${a.prefix.replaceAll('.', '\\.')}60`));
    const single = await env.runOk(['run', '--rm', '--network', a.name, '--ip', `${a.prefix}61`, '--mac-address', '02:42:0a:59:32:3d', IMAGE, 'sh', '-c', 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/address']);
    assert.match(single, new RegExp(`inet ${a.prefix.replaceAll('.', '\\.')}61/24 [\\s\\S]*^02:42:0a:59:32:3d$`, 'm'));
    const both = await env.runOk(['run', '--rm', '--network', `${a.name},${b.name}`, '--no-hosts', IMAGE, 'sh', '-c', 'ip -4 -o addr | grep -c " eth[01] "; test -e /etc/hosts || echo no-hosts']);
    assert.equal(both, '2\nno-hosts\n');
    const twoIps = await env.run(['run', '--rm', '--network', `${a.name},${b.name}`, '--ip', `${a.prefix}62`, IMAGE, 'true']);
    assert.equal(twoIps.code, 125);
    await env.runOk(['rm', '-f', '-t', '0', srv]);
  });

  test('ns:PATH joins an existing namespace as it is', async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'add', `skn${tag}`, 'type', 'veth', 'peer', 'name', `skm${tag}`]);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '192.168.201.7/24', 'dev', `skn${tag}`]);
    execFileSync('ip', ['-n', ns, 'link', 'set', `skn${tag}`, 'up']);
    const out = await env.runOk(['run', '--rm', '--network', `ns:/run/netns/${ns}`, IMAGE, 'ip', '-4', '-o', 'addr']);
    assert.match(out, new RegExp(`skn${tag}\\s+inet 192\\.168\\.201\\.7/24`));
    assert.doesNotMatch(out, /eth0/);
  });
});

describe('a host port already taken', { skip: networkSkip }, () => {
  // its own store, so that only this test's namespaces count
  const env = new SkiffEnv();
  let n: Awaited<ReturnType<typeof createNetwork>>;
  before(async () => {
    await loadBusybox(env);
    n = await createNetwork(env, 52);
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    await env.run(['network', 'rm', '-f', n.name]);
    env.cleanup();
  });
  const netnsFiles = () => (existsSync(join(env.runroot, 'netns')) ? readdirSync(join(env.runroot, 'netns')) : []);

  test('exit 125 with Podman\'s error; the container stays created and nothing else is left', async () => {
    const port = await freePorts();
    const holder = await holdPort(port, '0.0.0.0');
    const name = `busy-${tag}`;
    const inUse = `cannot listen on the TCP port: listen tcp4 :${port}: bind: address already in use`;
    try {
      const r = await env.run(['run', '-d', '--name', name, '--network', n.name, '-p', `${port}:80`, IMAGE, 'sh', '-c', serve(80)]);
      assert.deepEqual([r.code, r.stderr], [125, `Error: ${inUse}\n`]);
      assert.equal(await env.runOk(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), `${name} Created\n`);
      assert.deepEqual(netnsFiles(), []);
      assert.doesNotMatch(firewall(), new RegExp(`dport ${port}\\b`));
      assert.ok(!firewall().includes(n.subnet));
      assert.ok(!linkExists(n.bridge));
      // its address went back to the pool
      assert.match(await env.runOk(['run', '--rm', '--network', n.name, IMAGE, 'ip', '-4', '-o', 'addr', 'show', 'eth0']), new RegExp(`inet ${n.prefix.replaceAll('.', '\\.')}2/24`));
      const id = (await env.runOk(['inspect', '--format', '{{.Id}}', name])).trim();
      const again = await env.run(['start', name]);
      assert.deepEqual([again.code, again.stderr], [125, `Error: unable to start container "${id}": ${inUse}\n`]);
      const withRm = await env.run(['run', '--rm', '--network', n.name, '-p', `${port}:80`, IMAGE, 'true']);
      assert.deepEqual([withRm.code, withRm.stderr], [125, `Error: ${inUse}\n`]);
    } finally {
      await new Promise((r) => holder.close(r));
    }
    assert.equal(await env.runOk(['start', name]), `${name}\n`);
    assert.equal(await retry(() => httpGet('127.0.0.1', port)), '80\n');
    assert.equal(await env.runOk(['port', name]), `80/tcp -> 0.0.0.0:${port}\n`);
    // conmon holds the port while the container runs, as Podman's does: nothing else gets it
    await assert.rejects(holdPort(port, '0.0.0.0'), { code: 'EADDRINUSE' });
    // another container of this store publishing the same port is refused the same way
    const second = await env.run(['run', '-d', '--name', `busy2-${tag}`, '--network', n.name, '-p', `${port}:80`, IMAGE, 'true']);
    assert.deepEqual([second.code, second.stderr], [125, `Error: ${inUse}\n`]);
    await env.runOk(['rm', '-f', '-t', '0', name, `busy2-${tag}`]);
    const again2 = await holdPort(port, '0.0.0.0');
    await new Promise((r) => again2.close(r));
    const lo = await freePorts();
    const loHolder = await holdPort(lo, '127.0.0.1');
    try {
      const r = await env.run(['run', '--rm', '--network', n.name, '-p', `127.0.0.1:${lo}:80`, IMAGE, 'true']);
      assert.deepEqual([r.code, r.stderr], [125, `Error: cannot listen on the TCP port: listen tcp4 127.0.0.1:${lo}: bind: address already in use\n`]);
    } finally {
      await new Promise((r) => loHolder.close(r));
    }
    assert.deepEqual(netnsFiles(), []);
    assert.doesNotMatch(firewall(), new RegExp(`dport (${port}|${lo})\\b`));
    assert.ok(!linkExists(n.bridge));
  });
});
