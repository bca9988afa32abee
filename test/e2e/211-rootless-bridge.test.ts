// User-defined networks for rootless containers, as a real unprivileged user: containers on
// a `network create`d network reach each other by name (aardvark-dns in the rootless-netns),
// `-p` reaches a container from the host (slirp4netns → netavark's DNAT), and removing the
// last container stops the rootless-netns's slirp4netns.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { IMAGE, waitFor } from './container-test-helpers.ts';
import { freePorts, httpGet, retry } from './network-test-helpers.ts';
import { ensureUser, notOpenToOthers, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

function networkSkipReason(): string | false {
  for (const bin of ['/usr/bin/slirp4netns', '/usr/lib/podman/netavark', '/usr/lib/podman/aardvark-dns']) if (!existsSync(bin)) return `needs ${bin} (packages slirp4netns, netavark, aardvark-dns)`;
  if (!existsSync('/dev/net/tun') || (statSync('/dev/net/tun').mode & 0o006) !== 0o006) return '/dev/net/tun must be mode 666 (scripts/setup.sh does it)';
  return false;
}

const skip = rootlessSkipReason() || networkSkipReason();

/** Live (not zombie) slirp4netns processes working for this user env. */
function slirpsOf(env: UserEnv): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!argv[0]!.endsWith('slirp4netns') || !argv.some((a) => a.startsWith(env.dir))) continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
      found.push(`${pid} ${argv.join(' ')}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** An httpd serving `page.html` ("hello from NAME") on port 80. */
function httpd(name: string): string[] {
  return ['sh', '-c', `mkdir -p /www && echo "hello from ${name}" > /www/page.html && exec httpd -f -p 80 -h /www`];
}

describe('rootless bridge networks (rootless-netns)', { skip, concurrency: false }, () => {
  let user: UserEnv;
  before(async () => {
    const archive = await dockerArchive();
    const closed = notOpenToOthers([archive]);
    if (closed) throw new Error(`fixture not readable by other users: ${closed}`);
    user = new UserEnv(ensureUser('skiffbrtest'));
    await user.runOk(['load', '-q', '-i', archive]);
    await user.runOk(['network', 'create', 'n1']);
  });
  after(async () => {
    await user?.cleanup();
  });

  test('two containers on n1 reach each other by name; -p reaches one from the host; the last rm stops slirp4netns', async () => {
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'web', '--network', 'n1', '-p', `${port}:80`, IMAGE, ...httpd('web')]);
    assert.equal(slirpsOf(user).length, 1, 'one slirp4netns for the rootless-netns');
    assert.match(await user.runOk(['exec', 'web', 'ip', '-o', '-4', 'addr', 'show', 'eth0']), /inet 10\.89\.0\.\d+\//);
    assert.equal(await retry(() => httpGet('127.0.0.1', port, '/page.html'), 30), 'hello from web\n');
    const out = await user.runOk(['run', '--rm', '--network', 'n1', IMAGE, 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://web/page.html && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(out, 'hello from web\n');
    assert.equal(slirpsOf(user).length, 1, 'still one slirp4netns: the namespace is shared');
    await user.runOk(['run', '-d', '--name', 'other', '--network', 'n1', IMAGE, ...httpd('other')]);
    const back = await user.runOk(['exec', 'web', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://other/page.html && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(back, 'hello from other\n');
    // network connect/disconnect run netavark inside the rootless-netns too
    await user.runOk(['network', 'create', 'n2']);
    await user.runOk(['network', 'connect', 'n2', 'other']);
    assert.match(await user.runOk(['exec', 'other', 'ip', '-o', '-4', 'addr']), /inet 10\.89\.1\.\d+\//);
    await user.runOk(['network', 'disconnect', 'n2', 'other']);
    assert.doesNotMatch(await user.runOk(['exec', 'other', 'ip', '-o', '-4', 'addr']), /10\.89\.1\./);
    await user.runOk(['network', 'rm', 'n2']);
    await user.runOk(['rm', '-f', '-t', '0', 'web']);
    assert.equal(slirpsOf(user).length, 1, 'other still uses the rootless-netns');
    await user.runOk(['rm', '-f', '-t', '0', 'other']);
    await waitFor('no slirp4netns left', () => slirpsOf(user).length === 0, 5000).catch(() => assert.deepEqual(slirpsOf(user), []));
    const dir = join(user.runtimeDir, 'skiff', 'netns');
    assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], [], 'container namespace files');
    assert.ok(!existsSync(join(user.runtimeDir, 'skiff', 'rootless-netns', 'netns')), 'the rootless-netns file is gone');
  });

  test('stop and start bring the rootless-netns and its port forward back; a container exiting by itself stops it', async () => {
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'again', '--network', 'bridge', '-p', `${port}:80`, IMAGE, ...httpd('again')]);
    assert.equal(await retry(() => httpGet('127.0.0.1', port, '/page.html'), 30), 'hello from again\n');
    await user.runOk(['stop', '-t', '0', 'again']);
    await waitFor('no slirp4netns after stop', () => slirpsOf(user).length === 0, 5000);
    await user.runOk(['start', 'again']);
    assert.equal(await retry(() => httpGet('127.0.0.1', port, '/page.html'), 30), 'hello from again\n');
    await user.runOk(['rm', '-f', '-t', '0', 'again']);
    await user.runOk(['run', '-d', '--name', 'brief', '--network', 'n1', IMAGE, 'sleep', '0.3']);
    await waitFor('the exit command to stop the rootless-netns', () => slirpsOf(user).length === 0, 10_000);
    await user.runOk(['rm', 'brief']);
  });

  test('legacy iptables: netavark in the rootless-netns takes its lock in the user\'s directory, not /run', async () => {
    // iptables-legacy as `iptables`, as on hosts whose alternatives point there: its lock,
    // /run/xtables.lock, is not writable from the user namespace.
    const legacy = join(user.dir, 'legacy-iptables');
    mkdirSync(legacy, { mode: 0o755 });
    for (const tool of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore']) {
      symlinkSync(`/usr/sbin/${tool.replace(/^(ip6?tables)/, '$1-legacy')}`, join(legacy, tool));
    }
    const port = await freePorts();
    await user.runOk(['run', '-d', '--name', 'legacy', '--network', 'n1', '-p', `${port}:80`, IMAGE, ...httpd('legacy')], { pathPrefix: legacy });
    assert.equal(await retry(() => httpGet('127.0.0.1', port, '/page.html'), 30), 'hello from legacy\n');
    const netns = join(user.runtimeDir, 'skiff', 'rootless-netns', 'netns');
    const lock = `XTABLES_LOCKFILE=${join(user.dir, 'check.lock')}`;
    const rules = await user.runOk(['unshare', 'env', lock, 'nsenter', `--net=${netns}`, 'iptables-legacy', '-t', 'nat', '-S']);
    assert.match(rules, new RegExp(`--dport ${port} .*-j NETAVARK-DN-`), 'the port forward is a legacy rule');
    await user.runOk(['rm', '-f', '-t', '0', 'legacy'], { pathPrefix: legacy });
    await waitFor('no slirp4netns left', () => slirpsOf(user).length === 0, 5000);
  });

  test('containers started at once share one rootless-netns; removing both at once stops it', async () => {
    await Promise.all(['c1', 'c2'].map((n) => user.runOk(['run', '-d', '--name', n, '--network', 'n1', IMAGE, ...httpd(n)])));
    assert.equal(slirpsOf(user).length, 1);
    const out = await user.runOk(['exec', 'c1', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://c2/page.html && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(out, 'hello from c2\n');
    await Promise.all(['c1', 'c2'].map((n) => user.runOk(['rm', '-f', '-t', '0', n])));
    await waitFor('no slirp4netns left', () => slirpsOf(user).length === 0, 5000);
  });
});
