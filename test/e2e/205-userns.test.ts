// User namespaces of a container's own: --uidmap/--gidmap/--subuidname, --userns=auto (free,
// non-overlapping ranges), ns:PATH, and for a rootless user nomap, keep-id:uid=,gid= and auto
// inside its subordinate range; file owners (idmapped layers for root, a re-owned copy
// rootless), commit mapping owners back, inspect, and Podman's errors for bad input.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, inspectField, loadBusybox, mountsUnder, runtimes } from './container-test-helpers.ts';
import { ensureUser, rootlessSkipReason, subids, UserEnv } from './rootless-test-helpers.ts';

/** A user whose /etc/subuid range stands in for Podman's `containers` user (root's --userns=auto). */
const rangeUser = 'skiffuserns';

const mapLines = (text: string) => text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));

describe('user namespaces as root', { skip: containerSkip, concurrency: false }, () => {
  const env = new SkiffEnv();
  let range: { start: number; count: number };
  before(async () => {
    ensureUser(rangeUser);
    range = subids('/etc/subuid', rangeUser)[0]!;
    env.writeConfig('storage', `[storage.options]\nroot-auto-userns-user = "${rangeUser}"\n`);
    await loadBusybox(env);
  });
  after(() => env.cleanup());

  for (const rt of runtimes) {
    test(`--uidmap/--gidmap with ${rt.name}: the mapping inside, image owners kept, host-side owners moved`, { skip: rt.skip }, async () => {
      const name = `mapped-${rt.name}`;
      const script = 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /home/app; echo new > /new; mkdir /home/x; chown 1000:1000 /home/x';
      const out = await env.runOk(['--runtime', rt.name, 'run', '--name', name, '--uidmap', '0:100000:65536', '--gidmap', '0:200000:65536', IMAGE, 'sh', '-c', script]);
      assert.deepEqual(mapLines(out).slice(0, 2), [[0, 100000, 65536], [0, 200000, 65536]]);
      assert.deepEqual(out.trim().split('\n').slice(2), ['0:0', '1000:1000']);
      const diff = join(env.root, 'overlay-containers', await inspectField(env, name, '{{.Id}}'), 'diff');
      assert.deepEqual([statSync(join(diff, 'new')).uid, statSync(join(diff, 'new')).gid], [100000, 200000]);
      assert.equal(statSync(join(diff, 'home/x')).uid, 101000);
      assert.equal(await inspectField(env, name, '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}'), 'private {"UidMap":["0:100000:65536"],"GidMap":["0:200000:65536"]}');
      // The idmapped layers go when the container stops.
      assert.deepEqual(mountsUnder(env.dir), []);
      await env.runOk(['commit', '-q', name, `localhost/committed-${rt.name}`]);
      assert.equal(await env.runOk(['run', '--rm', `localhost/committed-${rt.name}`, 'stat', '-c', '%u:%g', '/new', '/home/x']), '0:0\n1000:1000\n');
      await env.runOk(['rm', name]);
    });
  }

  test('--uidmap alone maps gids the same; a default container has no mappings', async () => {
    await env.runOk(['create', '--name', 'uidonly', '--uidmap', '0:300000:1000', IMAGE]);
    assert.equal(await inspectField(env, 'uidonly', '{{json .HostConfig.IDMappings}}'), '{"UidMap":["0:300000:1000"],"GidMap":["0:300000:1000"]}');
    await env.runOk(['create', '--name', 'plain', IMAGE]);
    assert.equal(await inspectField(env, 'plain', '{{.HostConfig.UsernsMode}}|{{json .HostConfig.IDMappings}}'), '|null');
    await env.runOk(['rm', 'uidonly', 'plain']);
  });

  test('--userns=auto: free ranges of the auto user, sized from the image, never overlapping', async () => {
    const first = await env.runOk(['run', '--name', 'auto1', '--userns=auto', IMAGE, 'cat', '/proc/self/uid_map']);
    assert.deepEqual(mapLines(first), [[0, range.start, 1024]]);
    const second = await env.runOk(['run', '--name', 'auto2', '--userns=auto:size=2000', IMAGE, 'cat', '/proc/self/uid_map']);
    assert.deepEqual(mapLines(second), [[0, range.start + 1024, 2000]]);
    const big = await env.run(['run', '--rm', '--userns=auto:size=70000', IMAGE, 'true']);
    assert.equal(big.code, 125);
    assert.equal(big.stderr, 'Error: creating container storage: could not find enough available IDs\n');
    await env.runOk(['rm', 'auto1']);
    const again = await env.runOk(['run', '--rm', '--userns=auto', IMAGE, 'cat', '/proc/self/uid_map']);
    assert.deepEqual(mapLines(again), [[0, range.start, 1024]]);
    await env.runOk(['rm', 'auto2']);
  });

  test('--subuidname takes the named /etc/subuid ranges', async () => {
    const out = await env.runOk(['run', '--rm', '--subuidname', rangeUser, IMAGE, 'cat', '/proc/self/uid_map', '/proc/self/gid_map']);
    const gid = subids('/etc/subgid', rangeUser)[0]!;
    assert.deepEqual(mapLines(out), [[0, range.start, range.count], [0, gid.start, gid.count]]);
  });

  test('--userns=ns:PATH joins a user namespace, with the root file system owned to match', async () => {
    await env.runOk(['run', '-d', '--name', 'holder', '--uidmap', '0:400000:65536', IMAGE, 'sleep', '600']);
    const pid = await inspectField(env, 'holder', '{{.State.Pid}}');
    const ns = `/proc/${pid}/ns/user`;
    // runc cannot enter a network namespace of the host's user namespace from a joined one.
    const out = await env.runOk(['run', '--rm', '--network', 'none', '--userns', `ns:${ns}`, IMAGE, 'sh', '-c', 'cat /proc/self/uid_map; stat -c %u /bin/busybox; readlink /proc/self/ns/user']);
    const lines = out.trim().split('\n');
    assert.deepEqual(mapLines(lines[0]!), [[0, 400000, 65536]]);
    assert.deepEqual(lines.slice(1), ['0', readlinkSync(ns)]);
    await env.runOk(['create', '--name', 'joiner', '--network', 'none', '--userns', `ns:${ns}`, IMAGE]);
    assert.equal(await inspectField(env, 'joiner', '{{.HostConfig.UsernsMode}}'), `ns:${ns}`);
    await env.runOk(['rm', '-f', '-t', '0', 'holder', 'joiner']);
  });

  test("bad input gets Podman's errors and exit 125", async () => {
    const cases: [string[], string][] = [
      [['--uidmap', '0:100000:65536', '--uidmap', '10:200000:10'], 'creating container storage: the specified UID and/or GID mapping 10:200000:10 conflicts with other mappings: invalid mappings specified'],
      [['--uidmap', '0:x:1'], 'initializing ID mappings: UID setting is malformed expected ["uint32:uint32:uint32"]: ["0:x:1"]'],
      [['--uidmap', '0:100000:0'], 'container ID 0 cannot be mapped to a host ID'],
      [['--userns=nomap'], 'nomap is only supported in rootless mode'],
      [['--userns=keep-id'], 'keep-id is only supported in rootless mode'],
      [['--userns=auto:foo=1'], 'unknown option specified: "foo"'],
      [['--userns=bogus'], 'unrecognized namespace mode bogus passed'],
      [['--userns=host', '--uidmap', '0:1:1'], '--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive'],
      [['--subuidname', 'no-such-user'], 'no subuid ranges found for user "no-such-user" in /etc/subuid'],
      [['--userns=ns:/no/such/ns'], 'cannot find specified user namespace path: stat /no/such/ns: no such file or directory'],
    ];
    for (const [flags, message] of cases) {
      const r = await env.run(['create', ...flags, IMAGE]);
      assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, `Error: ${message}\n`, flags.join(' '));
    }
    assert.equal(await env.runOk(['ps', '-a', '-q']), '');
  });
});

describe('user namespaces rootless', { skip: rootlessSkipReason(), concurrency: false }, () => {
  let user: UserEnv;
  before(async () => {
    user = new UserEnv(ensureUser(rangeUser));
    await user.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(() => user?.cleanup());

  test("nomap: every id of the user's namespace but the user's own, image owners kept", async () => {
    const ns = mapLines(await user.runOk(['unshare', 'cat', '/proc/self/uid_map']));
    const size = ns.reduce((n, l) => n + l[2]!, 0);
    const out = await user.runOk(['run', '--rm', '--userns=nomap', IMAGE, 'sh', '-c', 'cat /proc/self/uid_map; stat -c %u:%g /bin/busybox /home/app']);
    const lines = out.trim().split('\n');
    assert.deepEqual(mapLines(lines[0]!), [[0, 1, size - 1]]);
    assert.deepEqual(lines.slice(1), ['0:0', '1000:1000']);
  });

  test("--subuidname of the user's own name: its range as the namespace sees it", async () => {
    const ns = mapLines(await user.runOk(['unshare', 'cat', '/proc/self/uid_map']));
    const out = await user.runOk(['run', '--rm', '--subuidname', rangeUser, IMAGE, 'cat', '/proc/self/uid_map']);
    assert.deepEqual(mapLines(out), [[0, 1, ns[1]![2]!]]);
    const r = await user.run(['create', '--subuidname', 'root-has-none', IMAGE]);
    assert.equal(r.code, 125);
  });

  test('keep-id:uid=,gid= runs as those ids, with a passwd entry for the user', async () => {
    const out = await user.runOk(['run', '--rm', '--userns=keep-id:uid=5,gid=6', IMAGE, 'sh', '-c', 'id -u; id -g; id -un; stat -c %u /home/app']);
    assert.equal(out, `5\n6\n${rangeUser}\n1000\n`);
  });

  test('auto: ranges inside the namespace that do not overlap', async () => {
    const a = await user.runOk(['run', '--name', 'a1', '--userns=auto', IMAGE, 'cat', '/proc/self/uid_map']);
    const b = await user.runOk(['run', '--name', 'a2', '--userns=auto', IMAGE, 'cat', '/proc/self/uid_map']);
    assert.deepEqual(mapLines(a), [[0, 1, 1024]]);
    assert.deepEqual(mapLines(b), [[0, 1025, 1024]]);
    await user.runOk(['rm', 'a1', 'a2']);
  });

  test('--uidmap is relative to the namespace; an image owner outside it fails create, naming file and uid', async () => {
    assert.deepEqual(mapLines(await user.runOk(['run', '--rm', '--uidmap', '0:1:2000', IMAGE, 'cat', '/proc/self/uid_map'])), [[0, 1, 2000]]);
    const r = await user.run(['create', '--uidmap', '0:1:500', IMAGE]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^Error: \/(home\/app|data\/app-owned) in the image is owned by uid 1000, which the container's user namespace \(uids 0:1:500, gids 0:1:500\) does not map/);
  });

  test('the re-owned copy of the image is made once per mapping', async () => {
    const copies = () =>
      readdirSync(join(user.graphRoot, 'overlay')).flatMap((layer) => {
        try {
          return readdirSync(join(user.graphRoot, 'overlay', layer, 'mapped'));
        } catch {
          return [];
        }
      });
    const before = copies().length;
    await user.runOk(['run', '--rm', '--uidmap', '0:1:3000', IMAGE, 'true']);
    assert.equal(copies().length, before + 1);
    await user.runOk(['run', '--rm', '--uidmap', '0:1:3000', IMAGE, 'true']);
    assert.equal(copies().length, before + 1);
  });

  test('commit of a keep-id container records container ids, not the namespace ones', async () => {
    const { uid } = user.user;
    await user.runOk(['run', '--name', 'kept', '--userns=keep-id', IMAGE, 'sh', '-c', 'echo mine > /tmp/mine']);
    await user.runOk(['commit', '-q', 'kept', 'localhost/kept']);
    assert.equal(await user.runOk(['run', '--rm', 'localhost/kept', 'stat', '-c', '%u:%g', '/tmp/mine']), `${uid}:${user.user.gid}\n`);
    await user.runOk(['rm', 'kept']);
  });
});
