// fuse-overlayfs as overlay's mount program (storage.conf `mount_program`, or
// `--storage-opt overlay.mount_program=`), rootless and as root: containers run on it, their
// changes (new files, whiteouts, opaque directories) commit, and nothing stays mounted.
import assert from 'node:assert/strict';
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, loadBusybox, mountsUnder } from './container-test-helpers.ts';
import { ensureUser, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

const program = '/usr/bin/fuse-overlayfs';

function fuseSkip(base: string | false): string | false {
  if (base) return base;
  if (!existsSync(program) || !existsSync('/usr/bin/fusermount3')) return 'needs fuse-overlayfs and fuse3 (apt-get install fuse-overlayfs)';
  if (!existsSync('/dev/fuse')) return 'needs /dev/fuse (modprobe fuse)';
  return false;
}

/** Ordinary hosts make /dev/fuse 0666; some VMs leave it 0600, where no user could mount FUSE (as for /dev/net/tun). */
function openDevFuse(): void {
  if ((statSync('/dev/fuse').mode & 0o006) !== 0o006) chmodSync('/dev/fuse', 0o666);
}

const changes = 'echo new > /tmp/new; rm /data/file.txt; rm -r /data/opaque-dir; mkdir /data/opaque-dir; touch /data/opaque-dir/only; grep " / / " /proc/self/mountinfo';
const check = 'cat /tmp/new; test ! -e /data/file.txt && echo deleted; ls /data/opaque-dir';

describe('fuse-overlayfs rootless (storage.conf mount_program)', { skip: fuseSkip(rootlessSkipReason()), concurrency: false }, () => {
  let user: UserEnv;
  before(async () => {
    openDevFuse();
    user = new UserEnv(ensureUser('skiffuserns'));
    await user.runOk(['unshare', 'sh', '-c', `mkdir -p ${user.configHome}/containers && printf '[storage.options.overlay]\\nmount_program = "${program}"\\n' > ${user.configHome}/containers/storage.conf`]);
    await user.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(() => user?.cleanup());

  test('/dev/fuse is usable by the user', async () => {
    assert.doesNotThrow(() => accessSync('/dev/fuse', constants.R_OK | constants.W_OK));
    assert.equal(await user.runOk(['unshare', 'sh', '-c', 'test -r /dev/fuse -a -w /dev/fuse && echo ok']), 'ok\n');
  });

  test('a container runs on fuse-overlayfs and its changes commit', async () => {
    const out = await user.runOk(['run', '--name', 'fused', IMAGE, 'sh', '-c', changes]);
    assert.match(out, / - fuse\.fuse-overlayfs fuse-overlayfs /);
    await user.runOk(['commit', '-q', 'fused', 'localhost/fused']);
    await user.runOk(['rm', 'fused']);
    assert.equal(await user.runOk(['run', '--rm', 'localhost/fused', 'sh', '-c', check]), 'new\ndeleted\nonly\n');
    assert.equal(await user.runOk(['unshare', 'sh', '-c', 'grep -c fuse-overlayfs /proc/self/mountinfo || true']), '0\n');
  });

  test('run -d, exec and stop on a fuse-overlayfs root, then nothing stays mounted', async () => {
    await user.runOk(['run', '-d', '--name', 'bg', IMAGE, 'sleep', '600']);
    await user.runOk(['exec', 'bg', 'sh', '-c', 'echo hi > /hi']);
    assert.equal(await user.runOk(['exec', 'bg', 'cat', '/hi']), 'hi\n');
    assert.equal(await user.runOk(['unshare', 'sh', '-c', 'grep -c fuse-overlayfs /proc/self/mountinfo']), '1\n');
    await user.runOk(['rm', '-f', '-t', '0', 'bg']);
    assert.equal(await user.runOk(['unshare', 'sh', '-c', 'grep -c fuse-overlayfs /proc/self/mountinfo || true']), '0\n');
  });
});

describe('fuse-overlayfs as root (--storage-opt overlay.mount_program)', { skip: fuseSkip(containerSkip), concurrency: false }, () => {
  const env = new SkiffEnv();
  const opt = ['--storage-opt', `overlay.mount_program=${program}`];
  before(() => loadBusybox(env));
  after(() => env.cleanup());

  test('a container runs on fuse-overlayfs, commits, and is unmounted after', async () => {
    const out = await env.runOk([...opt, 'run', '--name', 'fused', IMAGE, 'sh', '-c', changes]);
    assert.match(out, / - fuse\.fuse-overlayfs fuse-overlayfs /);
    assert.deepEqual(mountsUnder(env.dir), []);
    await env.runOk([...opt, 'commit', '-q', 'fused', 'localhost/fused']);
    assert.equal(await env.runOk(['run', '--rm', 'localhost/fused', 'sh', '-c', check]), 'new\ndeleted\nonly\n');
  });

  test('storage.conf mount_program applies, also to containers with --uidmap', async () => {
    env.writeConfig('storage', `[storage.options.overlay]\nmount_program = "${program}"\n`);
    try {
      const out = await env.runOk(['run', '--rm', '--uidmap', '0:100000:65536', IMAGE, 'sh', '-c', 'grep " / / " /proc/self/mountinfo; stat -c %u /home/app']);
      assert.match(out, / - fuse\.fuse-overlayfs fuse-overlayfs .*\n1000\n$/);
      assert.deepEqual(mountsUnder(env.dir), []);
    } finally {
      env.writeConfig('storage', '');
    }
  });
});
