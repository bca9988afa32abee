// `volume create|ls|inspect|exists|rm|prune` as Podman 4.3 has them, and what volumes do for
// containers: the first user fills an empty volume from the image and gives it the image
// directory's owner; a volume in use is not removed without -f; a tmpfs volume is mounted
// while containers use it. Also as an unprivileged user.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, loadBusybox, mountsUnder } from './container-test-helpers.ts';
import { ensureUser, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

describe('volume commands', () => {
  const env = new SkiffEnv();
  after(() => env.cleanup());

  test('create, ls, inspect, exists and rm, with Podman\'s output', async () => {
    assert.equal(await env.runOk(['volume', 'create', 'myvol']), 'myvol\n');
    assert.equal(await env.runOk(['volume', 'create', '--label', 'a=b', '--label', 'c', '-o', 'o=uid=1000,gid=1001', 'v2']), 'v2\n');
    const anonymous = (await env.runOk(['volume', 'create'])).trim();
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    assert.equal(await env.runOk(['volume', 'ls']), `DRIVER      VOLUME NAME\nlocal       ${anonymous}\nlocal       myvol\nlocal       v2\n`);
    assert.equal(await env.runOk(['volume', 'ls', '-q', '--filter', 'label=a']), 'v2\n');
    assert.equal(await env.runOk(['volume', 'ls', '--noheading', '--filter', 'name=^my']), 'local       myvol\n');
    const [inspected] = JSON.parse(await env.runOk(['volume', 'inspect', 'v2'])) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(inspected!), ['Name', 'Driver', 'Mountpoint', 'CreatedAt', 'Labels', 'Scope', 'Options', 'UID', 'GID', 'MountCount', 'NeedsCopyUp']);
    assert.deepEqual(inspected!['Labels'], { a: 'b', c: '' });
    assert.deepEqual(inspected!['Options'], { GID: '1001', UID: '1000', o: 'uid=1000,gid=1001' });
    assert.equal(inspected!['Mountpoint'], join(env.root, 'volumes', 'v2', '_data'));
    const st = statSync(join(env.root, 'volumes', 'v2', '_data'));
    assert.deepEqual([st.uid, st.gid], [1000, 1001]);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.Name}} {{.Scope}} {{.NeedsChown}} {{.UID}}', 'myvol', 'v2']), 'myvol local true 0\nv2 local false 1000\n');
    assert.match(await env.runOk(['volume', 'ls', '--format', '{{.Name}} {{.CreatedAt}}', '--filter', 'name=myvol']), /^myvol \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC\n$/);
    assert.equal(await env.runOk(['inspect', '--format', '{{.Driver}}', 'myvol']), 'local\n');
    assert.equal((await env.run(['volume', 'exists', 'myvol'])).code, 0);
    assert.equal((await env.run(['volume', 'exists', 'nope'])).code, 1);
    assert.equal(await env.runOk(['volume', 'rm', 'myvol', anonymous]), `myvol\n${anonymous}\n`);
    assert.equal(await env.runOk(['volume', 'ls', '-q']), 'v2\n');
  });

  test('bad input: Podman\'s messages and exit codes, nothing made', async () => {
    for (const [args, code, stderr] of [
      [['volume', 'create', 'v2'], 125, 'Error: volume with name v2 already exists: volume already exists\n'],
      [['volume', 'create', 'bad/name'], 125, 'Error: running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n'],
      [['volume', 'create', '-o', 'bogus=1', 'b1'], 125, 'Error: invalid mount option bogus for driver \'local\': invalid argument\n'],
      [['volume', 'create', '--driver', 'nope', 'b2'], 125, 'Error: volume b2 uses volume plugin nope but it could not be retrieved: no volume plugin with name nope available: required plugin missing\n'],
      [['volume', 'ls', '--filter', 'bogus=1'], 125, 'Error: "bogus" is an invalid volume filter\n'],
      [['volume', 'rm', 'nope'], 1, 'Error: no volume with name "nope" found: no such volume\n'],
      [['volume', 'inspect', 'nope'], 125, 'Error: inspecting object: no such volume nope\n'],
      [['volume', 'rm'], 125, 'Error: choose either one or more volumes or all\n'],
    ] as const) {
      const r = await env.run([...args]);
      assert.equal(r.code, code, args.join(' '));
      assert.equal(r.stderr, stderr, args.join(' '));
    }
    assert.equal(await env.runOk(['volume', 'ls', '-q']), 'v2\n');
  });
});

describe('volumes and containers', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('the first container fills an empty volume from the image and gives it the directory\'s owner; data stays', async () => {
    await env.runOk(['volume', 'create', 'etcvol']);
    assert.equal(await env.runOk(['run', '--rm', '-v', 'etcvol:/etc', IMAGE, 'sh', '-c', 'cat /etc/hostname >/dev/null; grep -c root /etc/passwd; echo kept > /etc/mine']), '1\n');
    const data = join(env.root, 'volumes', 'etcvol', '_data');
    assert.match(readFileSync(join(data, 'passwd'), 'utf8'), /^root:/);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.NeedsCopyUp}} {{.NeedsChown}}', 'etcvol']), 'false false\n');
    assert.equal(await env.runOk(['run', '--rm', '-v', 'etcvol:/data', IMAGE, 'cat', '/data/mine']), 'kept\n');
    // a directory the image's user 1000 owns: a new volume over it is theirs
    assert.equal(await env.runOk(['run', '--rm', '-v', 'homevol:/home/app', '-u', '1000', IMAGE, 'sh', '-c', 'touch /home/app/f && stat -c %u /home/app']), '1000\n');
    assert.equal(await env.runOk(['run', '--rm', '-v', 'fresh:/nowhere', '-u', '1000:1000', IMAGE, 'stat', '-c', '%u:%g', '/nowhere']), '1000:1000\n');
  });

  test('rm of a volume in use is 2 unless -f, which removes the container; prune keeps what is used', async () => {
    const id = (await env.runOk(['create', '--name', 'user1', '-v', 'busy:/data', IMAGE, 'true'])).trim();
    await env.runOk(['init', id]);
    const r = await env.run(['volume', 'rm', 'busy']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `Error: volume busy is being used by the following container(s): ${id}: volume is being used\n`);
    await env.runOk(['volume', 'create', 'unused']);
    assert.match(await env.runOk(['volume', 'ls', '-q', '--filter', 'dangling=true']), /\bunused\n/);
    assert.doesNotMatch(await env.runOk(['volume', 'ls', '-q', '--filter', 'dangling=true']), /\bbusy\n/);
    const pruned = await env.runOk(['volume', 'prune', '-f']);
    assert.match(pruned, /^unused\n/m);
    assert.doesNotMatch(pruned, /busy/);
    assert.equal(await env.runOk(['volume', 'rm', '-f', 'busy']), 'busy\n');
    assert.equal((await env.run(['container', 'exists', 'user1'])).code, 1);
  });

  test('export and import: content, owners and links go through a tar; nothing of an archive lands outside the volume', async () => {
    await env.runOk(['volume', 'create', 'src']);
    await env.runOk(['run', '--rm', '-v', 'src:/d', IMAGE, 'sh', '-c', 'mkdir -p /d/sub && echo hi > /d/sub/f && chown 1000:1000 /d/sub/f && ln -s /etc /d/link']);
    const tar = join(env.dir, 'src.tar');
    await env.runOk(['volume', 'export', '-o', tar, 'src']);
    await env.runOk(['volume', 'create', 'dst']);
    await env.runOk(['volume', 'import', 'dst', tar]);
    assert.equal(await env.runOk(['run', '--rm', '-v', 'dst:/d', IMAGE, 'sh', '-c', 'cat /d/sub/f; stat -c %u /d/sub/f; readlink /d/link']), 'hi\n1000\n/etc\n');
    // the link now in dst points at /; an archive writing through it stays in the volume
    const evil = join(env.dir, 'evil');
    mkdirSync(join(evil, 'link', 'tmp'), { recursive: true });
    writeFileSync(join(evil, 'link', 'tmp', 'skiff-volume-escape'), 'x');
    execFileSync('tar', ['-C', evil, '-cf', join(env.dir, 'evil.tar'), 'link/tmp/skiff-volume-escape']);
    await env.runOk(['volume', 'import', 'dst', '-'], { input: readFileSync(join(env.dir, 'evil.tar')) });
    assert.ok(!existsSync('/tmp/skiff-volume-escape') && !existsSync('/etc/tmp/skiff-volume-escape'), 'nothing outside the volume');
    const r = await env.run(['volume', 'import', 'nope', tar]);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: no volume with name "nope" found: no such volume\n']);
  });

  test('a tmpfs volume is mounted while containers use it, and its data goes with the last one', async () => {
    await env.runOk(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=2m,uid=5', 'tv']);
    const target = join(env.root, 'volumes', 'tv', '_data');
    await env.runOk(['run', '-d', '--name', 'keeper', '-v', 'tv:/t', IMAGE, 'sh', '-c', 'echo in-memory > /t/f; sleep 100']);
    assert.deepEqual(mountsUnder(target), [target]);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.MountCount}} {{.UID}}', 'tv']), '1 5\n');
    assert.match(await env.runOk(['run', '--rm', '-v', 'tv:/t', IMAGE, 'sh', '-c', 'cat /t/f; stat -c %u /t; df -k /t | tail -1']), /^in-memory\n5\ntmpfs +2048 /);
    assert.deepEqual(mountsUnder(target), [target], 'still mounted for keeper');
    await env.runOk(['rm', '-f', '-t', '0', 'keeper']);
    assert.deepEqual(mountsUnder(target), []);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.MountCount}}', 'tv']), '0\n');
    assert.equal(await env.runOk(['run', '--rm', '-v', 'tv:/t', IMAGE, 'ls', '/t']), '');
  });

  test('volume mount and unmount: a plain volume is its directory; a tmpfs one stays mounted until the last unmount, containers or not', async () => {
    await env.runOk(['volume', 'create', 'plainmnt']);
    assert.equal(await env.runOk(['volume', 'mount', 'plainmnt']), `${join(env.root, 'volumes', 'plainmnt', '_data')}\n`);
    assert.equal(await env.runOk(['volume', 'unmount', 'plainmnt']), 'plainmnt\n');
    await env.runOk(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=mode=0755', 'tmv']);
    const target = join(env.root, 'volumes', 'tmv', '_data');
    assert.equal(await env.runOk(['volume', 'mount', 'tmv']), `${target}\n`);
    assert.equal(await env.runOk(['volume', 'mount', 'tmv']), `${target}\n`);
    assert.deepEqual(mountsUnder(target), [target]);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.MountCount}}', 'tmv']), '2\n');
    writeFileSync(join(target, 'from-host'), 'x');
    // a container that ends leaves the mount to the volume mounts still held
    assert.equal(await env.runOk(['run', '--rm', '-v', 'tmv:/t', IMAGE, 'ls', '/t']), 'from-host\n');
    assert.deepEqual(mountsUnder(target), [target]);
    assert.equal(await env.runOk(['volume', 'unmount', 'tmv']), 'tmv\n');
    assert.deepEqual(mountsUnder(target), [target]);
    assert.equal(await env.runOk(['volume', 'unmount', 'tmv']), 'tmv\n');
    assert.deepEqual(mountsUnder(target), []);
    assert.equal(await env.runOk(['volume', 'inspect', '--format', '{{.MountCount}}', 'tmv']), '0\n');
    // one unmount too many is not an error, as with Podman
    assert.equal(await env.runOk(['volume', 'unmount', 'tmv']), 'tmv\n');
    for (const [args, err] of [
      [['volume', 'mount', 'nosuch'], 'Error: no volume with name "nosuch" found: no such volume\n'],
      [['volume', 'unmount', 'nosuch'], 'Error: no volume with name "nosuch" found: no such volume\n'],
      [['volume', 'mount'], 'Error: accepts 1 arg(s), received 0\n'],
      [['volume', 'mount', 'tmv', 'plainmnt'], 'Error: accepts 1 arg(s), received 2\n'],
    ] as const) {
      const r = await env.run([...args]);
      assert.deepEqual([r.code, r.stderr], [125, err], args.join(' '));
    }
    await env.runOk(['volume', 'rm', 'tmv', 'plainmnt']);
  });
});

describe('volumes as an unprivileged user', { skip: rootlessSkipReason(), concurrency: false }, () => {
  let user: UserEnv;
  before(async () => {
    user = new UserEnv(ensureUser('skifftest'));
    await user.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(async () => {
    await user?.cleanup();
  });

  test('create, use, ls, rm: the volume lives in the user\'s store and keeps the image\'s owners', async () => {
    assert.equal(await user.runOk(['volume', 'create', 'uvol']), 'uvol\n');
    assert.equal(await user.runOk(['run', '--rm', '-v', 'uvol:/home/app', IMAGE, 'sh', '-c', 'echo hi > /home/app/f; stat -c %u /home/app']), '1000\n');
    assert.equal(await user.runOk(['run', '--rm', '-v', 'uvol:/x', IMAGE, 'cat', '/x/f']), 'hi\n');
    assert.equal(JSON.parse(await user.runOk(['volume', 'inspect', 'uvol']))[0].Mountpoint, join(user.graphRoot, 'volumes', 'uvol', '_data'));
    assert.equal(await user.runOk(['volume', 'ls', '-q']), 'uvol\n');
    assert.equal(await user.runOk(['volume', 'rm', 'uvol']), 'uvol\n');
  });
});
