// Networking of rootless containers, as a real unprivileged user: slirp4netns by default
// (10.0.2.100, gateway .2, DNS .3) and with options, pasta, published ports reached from the
// host, and no slirp4netns/pasta process or namespace file left after stop, cleanup or rm.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { IMAGE, waitFor } from './container-test-helpers.ts';
import { freePorts, httpGet, retry } from './network-test-helpers.ts';
import { ensureUser, notOpenToOthers, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

function networkSkipReason(): string | false {
  for (const bin of ['/usr/bin/slirp4netns', '/usr/bin/pasta']) if (!existsSync(bin)) return `needs ${bin} (packages slirp4netns, passt)`;
  if (!existsSync('/dev/net/tun') || (statSync('/dev/net/tun').mode & 0o006) !== 0o006) return '/dev/net/tun must be mode 666 (scripts/setup.sh does it)';
  return false;
}

const skip = rootlessSkipReason() || networkSkipReason();

/** The page, once the container's httpd listens (it starts a moment after `run -d` returns). */
function fetchPage(port: number, path = '/page.html'): Promise<string> {
  return retry(() => httpGet('127.0.0.1', port, path), 30);
}

/** Live (not zombie) slirp4netns and pasta processes working for this user env. */
function helpersOf(env: UserEnv): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!/(slirp4netns|pasta|passt[^/]*)$/.test(argv[0]!) || !argv.some((a) => a.startsWith(env.dir))) continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
      found.push(`${pid} ${argv.join(' ')}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function netnsFiles(env: UserEnv): string[] {
  const dir = join(env.runtimeDir, 'skiff', 'netns');
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function assertNothingLeft(env: UserEnv, when: string): Promise<void> {
  await waitFor(`no slirp4netns/pasta left ${when}`, () => helpersOf(env).length === 0, 5000).catch(() => assert.deepEqual(helpersOf(env), [], when));
  assert.deepEqual(netnsFiles(env), [], `namespace files ${when}`);
}

/** An httpd serving `page.html` ("hello from NAME") on port 80. */
function httpd(name: string): string[] {
  return ['sh', '-c', `mkdir -p /www && echo "hello from ${name}" > /www/page.html && exec httpd -f -p 80 -h /www`];
}

describe('rootless networking', { skip, concurrency: false }, () => {
  let user: UserEnv;
  before(async () => {
    const archive = await dockerArchive();
    const closed = notOpenToOthers([archive]);
    if (closed) throw new Error(`fixture not readable by other users: ${closed}`);
    user = new UserEnv(ensureUser('skiffnettest'));
    await user.runOk(['load', '-q', '-i', archive]);
  });
  after(async () => {
    await user?.cleanup();
  });

  for (const runtime of ['runc', 'crun']) {
    test(`the default is slirp4netns: 10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3, and nothing left after --rm (${runtime})`, async () => {
      const script = 'ip -o -4 addr show tap0 | awk \'{print $4}\'; ip route | grep default; head -n1 /etc/resolv.conf; grep -c "^10.0.2.100" /etc/hosts';
      const out = await user.runOk(['--runtime', runtime, 'run', '--rm', IMAGE, 'sh', '-c', script]);
      assert.equal(out, '10.0.2.100/24\ndefault via 10.0.2.2 dev tap0 \nnameserver 10.0.2.3\n1\n');
      await assertNothingLeft(user, 'after run --rm');
    });
  }

  test('-p HOST:80 reaches the httpd from the host; port, ps and inspect show it; stop, start and rm leave nothing', async () => {
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'web', '-p', `${port}:80`, IMAGE, ...httpd('slirp4netns')]);
    assert.equal(await fetchPage(port), 'hello from slirp4netns\n');
    assert.equal(await user.runOk(['port', 'web']), `80/tcp -> 0.0.0.0:${port}\n`);
    assert.equal(await user.runOk(['ps', '--format', '{{.Names}} {{.Ports}}']), `web 0.0.0.0:${port}->80/tcp\n`);
    const settings = JSON.parse(await user.runOk(['inspect', '--format', '{{json .NetworkSettings}}', 'web'])) as { Ports: unknown; SandboxKey: string };
    assert.deepEqual(settings.Ports, { '80/tcp': [{ HostIp: '', HostPort: String(port) }] });
    assert.ok(settings.SandboxKey.startsWith(join(user.runtimeDir, 'skiff', 'netns')), settings.SandboxKey);
    assert.equal(await user.runOk(['inspect', '--format', '{{.HostConfig.NetworkMode}}', 'web']), 'slirp4netns\n');
    assert.equal(helpersOf(user).length, 1);
    await user.runOk(['stop', '-t', '0', 'web']);
    await assertNothingLeft(user, 'after stop');
    await user.runOk(['start', 'web']);
    assert.equal(await fetchPage(port), 'hello from slirp4netns\n');
    await user.runOk(['rm', '-f', '-t', '0', 'web']);
    await assertNothingLeft(user, 'after rm -f');
    assert.deepEqual(readdirSync(join(user.runtimeDir, 'skiff', 'slirp4netns')), [], 'API sockets');
  });

  test('slirp4netns exits with conmon (its exit pipe), even when no cleanup runs', async () => {
    await user.runOk(['run', '-d', '--name', 'orphan', IMAGE, 'sleep', '600']);
    assert.equal(helpersOf(user).length, 1);
    const [conmon, pid] = (await user.runOk(['inspect', '--format', '{{.State.ConmonPid}} {{.State.Pid}}', 'orphan'])).trim().split(' ').map(Number);
    process.kill(conmon!, 'SIGKILL');
    await waitFor('slirp4netns to exit', () => helpersOf(user).length === 0, 5000);
    process.kill(pid!, 'SIGKILL');
    await user.runOk(['rm', '-f', '-t', '0', 'orphan']);
    await assertNothingLeft(user, 'after rm of a container whose conmon died');
  });

  test('-p CTR gets a random host port, -p IP:HOST:CTR binds that address only', async () => {
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'rnd', '-p', '80', '-p', `127.0.0.1:${port}:81`, IMAGE, 'sh', '-c', 'echo r > /tmp/page.html; httpd -p 81 -h /tmp; exec httpd -f -p 80 -h /tmp']);
    const lines = (await user.runOk(['port', 'rnd'])).trim().split('\n');
    const random = Number(/^80\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(lines[0]!)?.[1]);
    assert.ok(random > 0, lines[0]);
    assert.equal(lines[1], `81/tcp -> 127.0.0.1:${port}`);
    assert.equal(await fetchPage(random), 'r\n');
    assert.equal(await fetchPage(port), 'r\n');
    await user.runOk(['rm', '-f', '-t', '0', 'rnd']);
  });

  test('slirp4netns options: cidr, mtu and allow_host_loopback', async () => {
    const script = 'ip -o -4 addr show tap0 | awk \'{print $4}\'; cat /sys/class/net/tap0/mtu; head -n1 /etc/resolv.conf; grep host.containers.internal /etc/hosts';
    const out = await user.runOk(['run', '--rm', '--network', 'slirp4netns:cidr=10.41.0.0/24,mtu=1500,allow_host_loopback=true', IMAGE, 'sh', '-c', script]);
    assert.equal(out, '10.41.0.100/24\n1500\nnameserver 10.41.0.3\n10.41.0.2\thost.containers.internal\n');
  });

  test('pasta: the host address inside, published ports reached from the host, and nothing left after stop, cleanup and rm', async () => {
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'pweb', '--network', 'pasta', '-p', `${port}:80`, IMAGE, ...httpd('pasta')]);
    assert.equal(await fetchPage(port), 'hello from pasta\n');
    assert.equal(await user.runOk(['port', 'pweb']), `80/tcp -> 0.0.0.0:${port}\n`);
    assert.match(await user.runOk(['exec', 'pweb', 'ip', '-o', 'link']), /^2: /m);
    await user.runOk(['stop', '-t', '0', 'pweb']);
    await assertNothingLeft(user, 'after stop (pasta)');
    await user.runOk(['rm', 'pweb']);
    // A container that exits by itself: conmon's exit command (`container cleanup`) tears
    // down, with no other skiff command run meanwhile; a second cleanup changes nothing.
    await user.runOk(['run', '-d', '--name', 'brief', '--network', 'pasta', IMAGE, 'sleep', '0.3']);
    assert.equal(netnsFiles(user).length, 1);
    await waitFor('the exit command to tear pasta down', () => helpersOf(user).length === 0 && netnsFiles(user).length === 0);
    await user.runOk(['container', 'cleanup', 'brief']);
    assert.equal(await user.runOk(['inspect', '--format', '{{.State.Status}}', 'brief']), 'exited\n');
    await assertNothingLeft(user, 'after container cleanup (pasta)');
    await user.runOk(['rm', 'brief']);
  });

  test('bad input: unknown slirp4netns option, a missing slirp4netns', async () => {
    const unknown = await user.run(['run', '--rm', '--network', 'slirp4netns:foo=bar', IMAGE, 'true']);
    assert.equal(unknown.code, 125);
    assert.equal(unknown.stderr, 'Error: unknown option for slirp4netns: "foo=bar"\n');
    const pasta = await user.run(['run', '--rm', '--network', 'pasta:--netns,/tmp/x', IMAGE, 'true']);
    assert.equal(pasta.code, 125);
    assert.match(pasta.stderr, /pasta option --netns cannot be used/);
    const confDir = join(user.configHome, 'containers');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, 'containers.conf'), '[engine]\nnetwork_cmd_path = "/nonexistent/slirp4netns"\n');
    chownSync(confDir, user.user.uid, user.user.gid);
    try {
      const missing = await user.run(['run', '--rm', IMAGE, 'true']);
      assert.equal(missing.code, 125);
      assert.match(missing.stderr, /^Error: slirp4netns not found at \/nonexistent\/slirp4netns .*install the Debian package "slirp4netns"/);
    } finally {
      writeFileSync(join(confDir, 'containers.conf'), '');
    }
    await assertNothingLeft(user, 'after failed starts');
  });
});
