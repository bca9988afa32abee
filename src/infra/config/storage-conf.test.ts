import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configTree } from './fixture.test.ts';
import { ConfigError } from '../../define/errors.ts';
import type { ConfigOptions } from './paths.ts';
import { loadStorageConf } from './storage-conf.ts';

function fixture(t: TestContext) {
  const tree = configTree(t, 'storage-conf');
  const { root, home } = tree;
  return {
    ...tree,
    opts(rootless: boolean, env: NodeJS.ProcessEnv = {}): ConfigOptions {
      return { systemRoot: root, rootless, env: { HOME: home, _CONTAINERS_ROOTLESS_UID: '1234', ...env } };
    },
  };
}

const podmanStorageConf = `
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
rootless_storage_path = "$HOME/podman-store"

[storage.options]
additionalimagestores = ["/podman/ro"]
mount_program = "/usr/bin/fuse-overlayfs"

[storage.options.overlay]
mountopt = "nodev,metacopy=on"
`;

test('root defaults when no file exists', (t) => {
  const f = fixture(t);
  assert.deepEqual(loadStorageConf(f.opts(false)), {
    driver: 'overlay',
    graphroot: '/var/lib/skiff',
    runroot: '/run/skiff',
    transientStore: false,
    options: {},
    imageStores: [],
    files: [],
  });
});

test('rootless defaults follow XDG_DATA_HOME and XDG_RUNTIME_DIR', (t) => {
  const f = fixture(t);
  const plain = loadStorageConf(f.opts(true));
  assert.equal(plain.graphroot, join(f.home, '.local/share/skiff'));
  assert.equal(plain.runroot, '/tmp/skiff-run-1234');
  const xdg = loadStorageConf(f.opts(true, { XDG_DATA_HOME: '/data', XDG_RUNTIME_DIR: '/run/user/1234' }));
  assert.equal(xdg.graphroot, '/data/skiff');
  assert.equal(xdg.runroot, '/run/user/1234/skiff');
});

test("Podman's storage.conf gives driver and options, never its store locations", (t) => {
  const f = fixture(t);
  const etc = f.write('etc/containers/storage.conf', podmanStorageConf);
  f.write('usr/share/containers/storage.conf', '[storage]\ndriver = "vfs"\n');
  const conf = loadStorageConf(f.opts(false));
  assert.deepEqual(conf.files, [etc]);
  assert.equal(conf.driver, 'overlay');
  assert.equal(conf.graphroot, '/var/lib/skiff');
  assert.equal(conf.runroot, '/run/skiff');
  assert.deepEqual(conf.imageStores, []);
  assert.deepEqual(conf.options, { mountProgram: '/usr/bin/fuse-overlayfs', mountOpt: 'nodev,metacopy=on' });

  const rootless = loadStorageConf(f.opts(true));
  assert.equal(rootless.graphroot, join(f.home, '.local/share/skiff'));
  assert.equal(rootless.rootlessStoragePath, undefined);
});

test('/usr/share/containers/storage.conf applies when /etc has none', (t) => {
  const f = fixture(t);
  const share = f.write('usr/share/containers/storage.conf', '[storage]\ndriver = "vfs"\n');
  const conf = loadStorageConf(f.opts(false));
  assert.deepEqual(conf.files, [share]);
  assert.equal(conf.driver, 'vfs');
});

test("a rootless user's own storage.conf replaces the system one", (t) => {
  const f = fixture(t);
  f.write('etc/containers/storage.conf', podmanStorageConf);
  const user = f.write(
    'home/user/.config/containers/storage.conf',
    '[storage]\ndriver = "vfs"\ngraphroot = "/home/user/.local/share/containers/storage"\n[storage.options.vfs]\nignore_chown_errors = "true"\n',
  );
  const conf = loadStorageConf(f.opts(true));
  assert.deepEqual(conf.files, [user]);
  assert.equal(conf.driver, 'vfs');
  assert.equal(conf.graphroot, join(f.home, '.local/share/skiff'));
  assert.deepEqual(conf.options, { ignoreChownErrors: true });
});

test('rootless users get overlay when the system driver cannot run rootless', (t) => {
  const f = fixture(t);
  f.write('etc/containers/storage.conf', '[storage]\ndriver = "devmapper"\n');
  assert.equal(loadStorageConf(f.opts(true)).driver, 'overlay');
  assert.equal(loadStorageConf(f.opts(false)).driver, 'devmapper');
});

test('CONTAINERS_STORAGE_CONF is the only file and is honoured entirely', (t) => {
  const f = fixture(t);
  f.write('etc/skiff/storage.conf', '[storage]\ndriver = "vfs"\n');
  const explicit = f.write(
    'test-storage.conf',
    '[storage]\ngraphroot = "/srv/$USER/graph"\nrunroot = "${HOME}/run"\n[storage.options]\nadditionalimagestores = ["/ro"]\n',
  );
  const conf = loadStorageConf(f.opts(false, { CONTAINERS_STORAGE_CONF: explicit, USER: 'alice' }));
  assert.deepEqual(conf.files, [explicit]);
  assert.equal(conf.driver, 'overlay');
  assert.equal(conf.graphroot, '/srv/alice/graph');
  assert.equal(conf.runroot, join(f.home, 'run'));
  assert.deepEqual(conf.imageStores, ['/ro']);
});

test('rootless_storage_path expands $UID, $HOME and $USER', (t) => {
  const f = fixture(t);
  const explicit = f.write('s.conf', '[storage]\nrootless_storage_path = "/scratch/$USER-$UID/store"\n');
  const conf = loadStorageConf(f.opts(true, { CONTAINERS_STORAGE_CONF: explicit, USER: 'bob' }));
  assert.equal(conf.graphroot, '/scratch/bob-1234/store');
  assert.equal(conf.rootlessStoragePath, '/scratch/$USER-$UID/store');
  // graphroot wins over rootless_storage_path in the same file
  f.write('s.conf', '[storage]\ngraphroot = "$HOME/g"\nrootless_storage_path = "/scratch/$UID"\n');
  const both = loadStorageConf(f.opts(true, { CONTAINERS_STORAGE_CONF: explicit }));
  assert.equal(both.graphroot, join(f.home, 'g'));
  assert.equal(both.rootlessStoragePath, undefined);
});

test("skiff's own storage.conf sets skiff's store on top of Podman's options", (t) => {
  const f = fixture(t);
  const podman = f.write('etc/containers/storage.conf', podmanStorageConf);
  const system = f.write(
    'etc/skiff/storage.conf',
    '[storage]\ngraphroot = "/srv/skiff"\nrunroot = "/run/skiff2"\nrootless_storage_path = "/srv/users/$UID"\n[storage.options.overlay]\nmountopt = "nodev"\n',
  );
  const root = loadStorageConf(f.opts(false));
  assert.deepEqual(root.files, [podman, system]);
  assert.equal(root.graphroot, '/srv/skiff');
  assert.equal(root.runroot, '/run/skiff2');
  assert.deepEqual(root.options, { mountProgram: '/usr/bin/fuse-overlayfs', mountOpt: 'nodev' });

  // For rootless users the system-wide file gives rootless_storage_path, not root's store.
  const rootless = loadStorageConf(f.opts(true));
  assert.equal(rootless.graphroot, '/srv/users/1234');
  assert.equal(rootless.runroot, '/tmp/skiff-run-1234');

  const user = f.write('home/user/.config/skiff/storage.conf', '[storage]\ngraphroot = "$HOME/skiff-store"\n');
  const withUser = loadStorageConf(f.opts(true));
  assert.deepEqual(withUser.files, [podman, system, user]);
  assert.equal(withUser.graphroot, join(f.home, 'skiff-store'));
});

test('bad storage.conf content names the file and line', (t) => {
  const f = fixture(t);
  const path = f.write('etc/skiff/storage.conf', '[storage]\ndriver = "overlay"\ngraphroot = "relative/dir"\n');
  assert.throws(
    () => loadStorageConf(f.opts(false)),
    (err: Error) => err instanceof ConfigError && err.message === `${path}:3: storage.graphroot: "relative/dir" is not an absolute path`,
  );
  f.write('etc/skiff/storage.conf', '[storage]\ndriver = overlay\n');
  assert.throws(() => loadStorageConf(f.opts(false)), (err: Error) => err.message.startsWith(`${path}:2: `));
  f.write('etc/skiff/storage.conf', '[storage]\n\n[storage.options.overlay]\nmount_program = 1\n');
  assert.throws(() => loadStorageConf(f.opts(false)), (err: Error) => err.message === `${path}:4: storage.options.overlay.mount_program: expected a string, got number 1`);
});
