// More of user namespaces: --userns=container:NAME (the other container's namespace and
// mappings), containers.conf `userns` and PODMAN_USERNS as the --userns default, and `cp` to
// and from containers whose files hold mapped host ids.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, inspectField, loadBusybox } from './container-test-helpers.ts';
import { ensureUser, rootlessSkipReason, subids, UserEnv } from './rootless-test-helpers.ts';

/** The user whose /etc/subuid range root's --userns=auto hands out (as in 205-userns). */
const rangeUser = 'skiffuserns';

const mapLines = (text: string) => text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));

/** `uid/gid name` of each entry of a tar archive. */
function tarOwners(archive: Buffer): string[] {
  const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], { input: archive }).toString();
  return listing.trim().split('\n').map((l) => {
    const f = l.split(/\s+/);
    return `${f[1]} ${f[f.length - 1]}`;
  });
}

describe('more user namespaces as root', { skip: containerSkip, concurrency: false }, () => {
  const env = new SkiffEnv();
  let range: { start: number; count: number };
  let scratch: string;
  before(async () => {
    ensureUser(rangeUser);
    range = subids('/etc/subuid', rangeUser)[0]!;
    env.writeConfig('storage', `[storage.options]\nroot-auto-userns-user = "${rangeUser}"\n`);
    scratch = mkdtempSync(join(tmpdir(), 'skiff-207-'));
    await loadBusybox(env);
  });
  after(async () => {
    await env.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('--userns=container:NAME joins its namespace and takes its mappings', async () => {
    await env.runOk(['run', '-d', '--name', 'holder', '--network', 'none', '--uidmap', '0:500000:65536', IMAGE, 'sleep', '600']);
    const id = await inspectField(env, 'holder', '{{.Id}}');
    const ns = readlinkSync(`/proc/${await inspectField(env, 'holder', '{{.State.Pid}}')}/ns/user`);
    const out = await env.runOk(['run', '--rm', '--network', 'none', '--userns=container:holder', IMAGE, 'sh', '-c', 'cat /proc/self/uid_map; stat -c %u /bin/busybox; readlink /proc/self/ns/user']);
    const lines = out.trim().split('\n');
    assert.deepEqual(mapLines(lines[0]!), [[0, 500000, 65536]]);
    assert.deepEqual(lines.slice(1), ['0', ns]);
    await env.runOk(['create', '--name', 'joiner', '--network', 'none', '--userns=container:holder', IMAGE, 'true']);
    assert.equal(await inspectField(env, 'joiner', '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}'), `container:${id} {"UidMap":["0:500000:65536"],"GidMap":["0:500000:65536"]}`);
    // as Podman: starting the joiner starts the container it joins
    await env.runOk(['stop', '-t', '0', 'holder']);
    await env.runOk(['start', 'joiner']);
    assert.equal(await inspectField(env, 'holder', '{{.State.Status}}'), 'running');
    const missing = await env.run(['create', '--userns=container:no-such', IMAGE]);
    assert.equal(missing.code, 125);
    assert.equal(missing.stderr, 'Error: looking up container to share user namespace with: no container with name or ID "no-such" found: no such container\n');
    await env.runOk(['rm', '-f', '-t', '0', 'joiner', 'holder']);
  });

  test('containers.conf userns and PODMAN_USERNS are the --userns default; the flag wins', async () => {
    env.writeConfig('containers', '[containers]\nuserns = "auto"\nuserns_size = 2048\n');
    try {
      assert.deepEqual(mapLines(await env.runOk(['run', '--rm', IMAGE, 'cat', '/proc/self/uid_map'])), [[0, range.start, 1024]]);
      const fromEnv = await env.runOk(['run', '--rm', IMAGE, 'cat', '/proc/self/uid_map'], { env: { PODMAN_USERNS: 'auto:size=300' } });
      assert.deepEqual(mapLines(fromEnv), [[0, range.start, 300]]);
      assert.deepEqual(mapLines(await env.runOk(['run', '--rm', '--userns=host', IMAGE, 'cat', '/proc/self/uid_map'])), [[0, 0, 4294967295]]);
      assert.deepEqual(mapLines(await env.runOk(['run', '--rm', '--uidmap', '0:700000:100', IMAGE, 'cat', '/proc/self/uid_map'])), [[0, 700000, 100]]);
    } finally {
      env.writeConfig('containers', '');
    }
    const r = await env.run(['create', IMAGE], { env: { PODMAN_USERNS: 'keep-id' } });
    assert.equal(r.stderr, 'Error: keep-id is only supported in rootless mode\n');
  });

  test('cp with --uidmap: in as the mapped host ids, out to a tar with container ids, to the host as the caller', async () => {
    await env.runOk(['create', '--name', 'mapped', '--uidmap', '0:600000:65536', IMAGE, 'sh', '-c', 'stat -c %u:%g /tmp/in /tmp/tree/sub/f']);
    const diff = join(env.root, 'overlay-containers', await inspectField(env, 'mapped', '{{.Id}}'), 'diff');
    const file = join(scratch, 'in');
    writeFileSync(file, 'hello\n');
    await env.runOk(['cp', file, 'mapped:/tmp/in']);
    assert.deepEqual([statSync(join(diff, 'tmp/in')).uid, statSync(join(diff, 'tmp/in')).gid], [600000, 600000]);
    const tree = join(scratch, 'tree');
    execFileSync('mkdir', ['-p', join(tree, 'sub')]);
    writeFileSync(join(tree, 'sub', 'f'), 'x');
    await env.runOk(['cp', tree, 'mapped:/tmp/']);
    assert.equal(statSync(join(diff, 'tmp/tree/sub')).uid, 600000);
    assert.equal(await env.runOk(['start', '-a', 'mapped']), '0:0\n0:0\n');
    const tar = await env.run(['cp', 'mapped:/home', '-']);
    assert.equal(tar.code, 0, tar.stderr);
    assert.deepEqual(tarOwners(tar.stdoutBuffer).filter((l) => l.endsWith('home/') || l.endsWith('home/app/')), ['0/0 home/', '1000/1000 home/app/']);
    assert.deepEqual(tarOwners((await env.run(['cp', 'mapped:/tmp/in', '-'])).stdoutBuffer), ['0/0 in']);
    await env.runOk(['cp', 'mapped:/tmp/in', join(scratch, 'out')]);
    assert.equal(statSync(join(scratch, 'out')).uid, 0);
    await env.runOk(['cp', '--archive=false', join(scratch, 'in'), 'mapped:/tmp/kept']);
    assert.equal(statSync(join(diff, 'tmp/kept')).uid, 600000);
    await env.runOk(['rm', 'mapped']);
  });
});

describe('more user namespaces rootless', { skip: rootlessSkipReason(), concurrency: false }, () => {
  let user: UserEnv;
  let scratch: string;
  before(async () => {
    user = new UserEnv(ensureUser(rangeUser));
    scratch = mkdtempSync(join(tmpdir(), 'skiff-207-rootless-'));
    execFileSync('chmod', ['755', scratch]);
    await user.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(async () => {
    await user?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test("containers.conf userns = keep-id runs as the user's ids", async () => {
    const confDir = join(user.configHome, 'containers');
    execFileSync('/usr/sbin/runuser', ['-u', user.user.name, '--', 'mkdir', '-p', confDir]);
    writeFileSync(join(confDir, 'containers.conf'), '[containers]\nuserns = "keep-id"\n');
    try {
      assert.equal(await user.runOk(['run', '--rm', IMAGE, 'id', '-u']), `${user.user.uid}\n`);
    } finally {
      rmSync(join(confDir, 'containers.conf'));
    }
  });

  test('--userns=container:NAME joins a rootless container with mappings of its own', async () => {
    await user.runOk(['run', '-d', '--name', 'holder', '--network', 'none', '--uidmap', '0:1:2000', IMAGE, 'sleep', '600']);
    const pid = (await user.runOk(['inspect', '--format', '{{.State.Pid}}', 'holder'])).trim();
    const out = await user.runOk(['run', '--rm', '--network', 'none', '--userns=container:holder', IMAGE, 'sh', '-c', 'cat /proc/self/uid_map; stat -c %u /bin/busybox; readlink /proc/self/ns/user']);
    const lines = out.trim().split('\n');
    assert.deepEqual(mapLines(lines[0]!), [[0, 1, 2000]]);
    assert.deepEqual(lines.slice(1), ['0', readlinkSync(`/proc/${pid}/ns/user`)]);
    await user.runOk(['rm', '-f', '-t', '0', 'holder']);
  });

  test('cp with keep-id: in as the user inside, out to a tar with container ids', async () => {
    const { uid, gid } = user.user;
    await user.runOk(['create', '--name', 'kept', '--userns=keep-id', IMAGE, 'stat', '-c', '%u:%g', '/tmp/in', '/bin/busybox']);
    const file = join(scratch, 'in');
    writeFileSync(file, 'hello\n');
    execFileSync('chmod', ['644', file]);
    await user.runOk(['cp', file, 'kept:/tmp/in']);
    assert.equal(await user.runOk(['start', '-a', 'kept']), `${uid}:${gid}\n0:0\n`);
    const r = await user.run(['cp', 'kept:/tmp/in', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tarOwners(Buffer.from(r.stdout, 'latin1')), [`${uid}/${gid} in`]);
    await user.runOk(['rm', 'kept']);
  });
});
