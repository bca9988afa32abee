// Rootless skiff as a real unprivileged user (created here with useradd): the pause process
// and its user namespace, storage owned by subordinate ids, containers, isolation between
// users and from root, and what a user without /etc/subuid ranges gets.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive, multiImageDockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv, repoRoot } from '../helpers/skiff.ts';
import { IMAGE, waitFor } from './container-test-helpers.ts';
import { ensureUser, notOpenToOthers, rootlessSkipReason, subids, UserEnv } from './rootless-test-helpers.ts';

const skip = rootlessSkipReason();

/** The layer directories of a store that hold `rel` (e.g. home/app). */
async function layerPaths(graphRoot: string, rel: string): Promise<string[]> {
  const overlay = join(graphRoot, 'overlay');
  const found: string[] = [];
  for (const layer of await readdir(overlay)) {
    const path = join(overlay, layer, 'diff', rel);
    try {
      statSync(path);
      found.push(path);
    } catch {
      // not in this layer
    }
  }
  return found;
}

/** Gone, or a zombie waiting for its new parent to reap it. */
function exited(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

describe('rootless', { skip, concurrency: false }, () => {
  let alice: UserEnv;
  let bob: UserEnv;
  before(async () => {
    const archive = await multiImageDockerArchive();
    const closed = notOpenToOthers([archive, await dockerArchive()]);
    if (closed) throw new Error(`fixture not readable by other users: ${closed}`);
    alice = new UserEnv(ensureUser('skifftest'));
    bob = new UserEnv(ensureUser('skifftest2'));
    await alice.runOk(['load', '-q', '-i', archive]);
  });
  after(async () => {
    await alice?.cleanup();
    await bob?.cleanup();
  });

  test('unshare runs in a namespace mapping the user to 0 and its subuid range from 1', async () => {
    const [range] = subids('/etc/subuid', alice.user.name);
    const out = await alice.runOk(['unshare', 'cat', '/proc/self/uid_map']);
    const lines = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    assert.deepEqual(lines[0], [0, alice.user.uid, 1]);
    assert.deepEqual(lines[1]!.slice(0, 2), [1, range!.start]);
    assert.equal(await alice.runOk(['unshare', 'id', '-u']), '0\n');
    const env = await alice.runOk(['unshare', 'sh', '-c', 'echo "$CONTAINERS_GRAPHROOT"']);
    assert.equal(env, `${alice.graphRoot}\n`);
  });

  test('every command joins the same pause process', async () => {
    const pid = readFileSync(alice.pidFile, 'utf8');
    const ns = await alice.runOk(['unshare', 'readlink', '/proc/self/ns/mnt']);
    assert.equal(await alice.runOk(['unshare', 'readlink', '/proc/self/ns/mnt']), ns);
    assert.equal(readFileSync(alice.pidFile, 'utf8'), pid);
    assert.equal(statSync(`/proc/${pid}`).uid, alice.user.uid);
  });

  test('images are stored under $XDG_DATA_HOME and listed', async () => {
    const out = await alice.runOk(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.deepEqual(out.trim().split('\n').sort(), ['localhost/busybox:latest', 'localhost/second:latest']);
    const info = await alice.runOk(['info', '--format', '{{.Store.GraphRoot}} {{.Host.Security.Rootless}} {{(index .Host.IDMappings.UIDMap 0).HostID}}']);
    assert.equal(info, `${alice.graphRoot} true ${alice.user.uid}\n`);
  });

  test('files keep their owners: uid 1000 in the image is a subordinate uid on disk', async () => {
    const [range] = subids('/etc/subuid', alice.user.name);
    const [gidRange] = subids('/etc/subgid', alice.user.name);
    const paths = await layerPaths(alice.graphRoot, 'home/app');
    assert.ok(paths.length > 0, 'the image has /home/app');
    for (const p of paths) {
      assert.equal(statSync(p).uid, range!.start + 999);
      assert.equal(statSync(p).gid, gidRange!.start + 999);
    }
    const bin = await layerPaths(alice.graphRoot, 'bin');
    assert.equal(statSync(bin[0]!).uid, alice.user.uid, "the image's root is the user");
    const inside = await alice.runOk(['run', '--rm', IMAGE, 'stat', '-c', '%u:%g', '/home/app', '/bin']);
    assert.equal(inside, '1000:1000\n0:0\n');
  });

  test('run --rm prints the output and exits with the container status', async () => {
    assert.equal(await alice.runOk(['run', '--rm', IMAGE, 'echo', 'hello']), 'hello\n');
    const r = await alice.run(['run', '--rm', IMAGE, 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3, r.stderr);
  });

  for (const runtime of ['runc', 'crun']) {
    test(`containers run with ${runtime} and host or no networking`, async () => {
      const none = await alice.runOk(['--runtime', runtime, 'run', '--rm', '--network', 'none', IMAGE, 'sh', '-c', 'ip -o link | wc -l']);
      assert.equal(none.trim(), '1');
      const host = await alice.runOk(['--runtime', runtime, 'run', '--rm', '--network', 'host', IMAGE, 'sh', '-c', 'test -d /sys/class && echo ok']);
      assert.equal(host, 'ok\n');
    });
  }

  test('resource limits without delegated cgroups are dropped with a warning', async () => {
    const r = await alice.run(['run', '--rm', '--memory', '64m', IMAGE, 'true']);
    assert.equal(r.code, 0, r.stderr);
    // Only a unified cgroup v2 hierarchy can be delegated; hybrid and v1 hosts never are.
    if (!existsSync('/sys/fs/cgroup/cgroup.controllers')) assert.match(r.stderr, /Resource limits are not supported and ignored on cgroups V1 rootless systems/);
  });

  test('a container lives through run -d, exec, logs, ps, cp, commit, inspect, stop and rm', async () => {
    await alice.runOk(['run', '-d', '--name', 'web', IMAGE, 'sh', '-c', 'echo started; sleep 600']);
    assert.equal(await alice.runOk(['exec', 'web', 'id', '-u']), '0\n');
    assert.match(await alice.runOk(['ps', '--format', '{{.Names}} {{.Status}}']), /^web Up /m);
    assert.equal(await alice.runOk(['logs', 'web']), 'started\n');
    const file = join(alice.dir, 'copied.txt');
    await alice.runOk(['unshare', 'sh', '-c', `echo copied > ${file}`]);
    await alice.runOk(['cp', file, 'web:/tmp/copied.txt']);
    assert.equal(await alice.runOk(['exec', 'web', 'cat', '/tmp/copied.txt']), 'copied\n');
    await alice.runOk(['commit', '-q', 'web', 'localhost/committed']);
    assert.equal(await alice.runOk(['inspect', '--format', '{{.State.Status}}', 'web']), 'running\n');
    await alice.runOk(['stop', '-t', '1', 'web']);
    await alice.runOk(['rm', 'web']);
    assert.equal(await alice.runOk(['run', '--rm', 'localhost/committed', 'cat', '/tmp/copied.txt']), 'copied\n');
    const saved = join(alice.dir, 'committed.tar');
    await alice.runOk(['save', '-o', saved, 'localhost/committed']);
    assert.equal(statSync(saved).uid, alice.user.uid);
    await alice.runOk(['rmi', 'localhost/committed']);
    assert.equal(await alice.runOk(['ps', '-a', '-q']), '');
  });

  test("--userns=keep-id runs as the user, with a passwd entry; its files in a bind mount are the user's", async () => {
    const shared = join(alice.dir, 'shared');
    await alice.runOk(['unshare', 'mkdir', shared]);
    const script = 'id -un; id -u; id -g; echo "$HOME"; touch /data/made; stat -c %u:%g / /bin/busybox /home/app';
    const out = await alice.runOk(['run', '--rm', '--userns=keep-id', '-v', `${shared}:/data`, IMAGE, 'sh', '-c', script]);
    const { name, uid, gid, home } = alice.user;
    assert.equal(out, `${name}\n${uid}\n${gid}\n${home}\n0:0\n0:0\n1000:1000\n`);
    assert.equal(statSync(join(shared, 'made')).uid, uid);
    assert.equal(statSync(join(shared, 'made')).gid, gid);
  });

  test('an unknown --userns mode is refused, naming it (the modes are in 205-userns)', async () => {
    const r = await alice.run(['run', '--rm', '--userns=bogus', IMAGE, 'true']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: unrecognized namespace mode bogus passed\n');
  });

  test("two users never see each other's images, and root does not see theirs", async () => {
    assert.equal(await bob.runOk(['images', '-q']), '');
    await bob.runOk(['load', '-q', '-i', await dockerArchive()]);
    await bob.runOk(['tag', IMAGE, 'localhost/bobs:only']);
    assert.doesNotMatch(await alice.runOk(['images', '--format', '{{.Repository}}']), /bobs/);
    assert.equal(await bob.runOk(['run', '--rm', 'localhost/bobs:only', 'echo', 'bob']), 'bob\n');
    const root = new SkiffEnv();
    try {
      assert.equal(await root.runOk(['images', '-q']), '');
    } finally {
      await root.cleanup();
    }
    assert.notEqual(readFileSync(alice.pidFile, 'utf8'), readFileSync(bob.pidFile, 'utf8'));
  });

  test('system migrate stops the containers and the pause process; the next command starts another', async () => {
    await alice.runOk(['run', '-d', '--name', 'sleeper', IMAGE, 'sleep', '600']);
    const before = Number(readFileSync(alice.pidFile, 'utf8'));
    await alice.runOk(['system', 'migrate']);
    await waitFor('the pause process to exit', () => exited(before));
    assert.equal(await alice.runOk(['run', '--rm', IMAGE, 'echo', 'again']), 'again\n');
    assert.notEqual(Number(readFileSync(alice.pidFile, 'utf8')), before);
    assert.match(await alice.runOk(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /^sleeper Exited /m);
    await alice.runOk(['rm', 'sleeper']);
  });
});

describe('rootless without /etc/subuid ranges', { skip, concurrency: false }, () => {
  let carol: UserEnv;
  before(() => {
    carol = new UserEnv(ensureUser('skifftest3', false));
  });
  after(() => carol?.cleanup());

  test('version and --help leave the user namespace alone', async () => {
    assert.match(await carol.runOk(['version', '--format', '{{.Client.Version}}']), /\S/);
    assert.match(await carol.runOk(['run', '--help']), /^Run a command in a new container/m);
    assert.equal(existsSync(carol.pidFile), false);
  });

  test('maps only the user, and says once how to add a range', async () => {
    const first = await carol.run(['unshare', 'cat', '/proc/self/uid_map']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.trim().split(/\s+/).map(Number), [0, carol.user.uid, 1]);
    assert.match(first.stderr, /^WARN\[0000\] no subuid\/subgid ranges for user "skifftest3".*usermod --add-subuids/);
    const second = await carol.run(['images', '-q']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '');
  });

  test('an image with files of other uids fails, naming the file and the uid', async () => {
    const r = await carol.run(['load', '-q', '-i', await dockerArchive()]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /insufficient UIDs or GIDs available in user namespace \(requested 1000:1000 for \/home\/app\)/);
  });
});

describe("the launcher's code caches, in the user's home", { skip, concurrency: false }, () => {
  // its own user: other tests' commands would write caches while these are looked at
  let dave: UserEnv;
  let dir: string;
  const cache = (key: string) => join(dir, `${key}.v8cache`);
  const header = (key: string) => {
    const bytes = readFileSync(cache(key));
    return JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString('utf8')) as { source: string };
  };
  const bundle = () => {
    const st = statSync(join(repoRoot, 'dist/bin/skiff-main.cjs'));
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  };
  before(() => {
    dave = new UserEnv(ensureUser('skiffcache'));
    dir = join(dave.user.home, '.cache/skiff/code');
    rmSync(dir, { recursive: true, force: true });
  });
  after(() => dave?.cleanup());

  test('one per command, written when it first succeeds, then only read', async () => {
    await dave.runOk(['version']);
    assert.equal(header('version').source, bundle());
    assert.equal(statSync(cache('version')).uid, dave.user.uid);
    const written = statSync(cache('version'));
    await dave.runOk(['version', '--format', '{{.Client.Version}}']);
    assert.equal(statSync(cache('version')).ino, written.ino);
    await dave.runOk(['help', 'ps']);
    assert.equal(header('help').source, bundle());
    assert.equal(statSync(cache('version')).ino, written.ino);
    // a failure writes nothing
    assert.equal((await dave.run(['inspect', 'no-such-thing'])).code, 125);
    assert.equal(existsSync(cache('inspect')), false);
  });

  test('a cache of another bundle, or a damaged one, is written anew and the command still works', async () => {
    writeFileSync(cache('version'), `${JSON.stringify({ source: '1:2:3' })}\nnot V8 data`);
    assert.match(await dave.runOk(['version', '--format', '{{.Client.Version}}']), /^\d+\.\d+\.\d+/);
    assert.equal(header('version').source, bundle());
    writeFileSync(cache('help'), 'not a cache\nat all');
    assert.match(await dave.runOk(['help']), /^Manage pods, containers and images/);
    assert.equal(header('help').source, bundle());
  });

  test('a cache that cannot be written changes nothing for the command', async () => {
    // a file where the directory should be: no mode bits to get around inside the namespace
    renameSync(dir, `${dir}.aside`);
    writeFileSync(dir, 'not a directory');
    try {
      const r = await dave.run(['help']);
      assert.deepEqual([r.code, r.stderr], [0, '']);
      assert.match(r.stdout, /^Manage pods, containers and images/);
      assert.equal(readFileSync(dir, 'utf8'), 'not a directory');
    } finally {
      rmSync(dir);
      renameSync(`${dir}.aside`, dir);
    }
  });

  test('at most 24 are kept: the least used go', async () => {
    for (let i = 0; i < 30; i++) {
      writeFileSync(cache(`old${i}`), 'x');
      utimesSync(cache(`old${i}`), new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    }
    rmSync(cache('help'));
    await dave.runOk(['help']);
    const left = readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    assert.equal(left.length, 24);
    assert.ok(left.includes('help.v8cache') && left.includes('version.v8cache'));
    assert.ok(!left.includes('old0.v8cache') && left.includes('old29.v8cache'));
  });
});
