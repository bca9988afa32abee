import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  configContext,
  containersConfPaths,
  dropInFiles,
  isRootless,
  policyPath,
  registriesConfPaths,
  storageConfPaths,
} from './paths.ts';

function fixture(t: TestContext) {
  const root = mkdtempSync(join(tmpdir(), 'skiff-config-paths-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home/user');
  return {
    root,
    home,
    write(rel: string, text = ''): string {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    opts(rootless: boolean, env: NodeJS.ProcessEnv = {}) {
      return { systemRoot: root, rootless, env: { HOME: home, ...env } };
    },
  };
}

test('isRootless: not euid 0, or inside the rootless user namespace', () => {
  const realRoot = process.geteuid!() === 0;
  assert.equal(isRootless({}), !realRoot);
  assert.equal(isRootless({ _CONTAINERS_USERNS_CONFIGURED: 'done' }), true);
});

test('configContext: XDG variables, home and the rootless uid', () => {
  const ctx = configContext({ env: { HOME: '/h', _CONTAINERS_ROOTLESS_UID: '1000' }, rootless: true });
  assert.equal(ctx.uid, 1000);
  assert.equal(ctx.configHome, '/h/.config');
  assert.equal(ctx.dataHome, '/h/.local/share');
  assert.equal(ctx.cacheHome, '/h/.cache');
  assert.equal(ctx.system('/etc/x'), '/etc/x');
  const xdg = configContext({ env: { HOME: '/h', XDG_CONFIG_HOME: '/c', XDG_DATA_HOME: '/d', XDG_CACHE_HOME: '/k' }, systemRoot: '/r' });
  assert.equal(xdg.uid, process.getuid!());
  assert.deepEqual([xdg.configHome, xdg.dataHome, xdg.cacheHome, xdg.system('/etc/x')], ['/c', '/d', '/k', '/r/etc/x']);
});

test('dropInFiles: *.conf files in byte order, no sub-directories, none when missing', (t) => {
  const f = fixture(t);
  const b = f.write('d/b.conf');
  const a = f.write('d/A.conf');
  const n = f.write('d/10.conf');
  f.write('d/c.conf.rpmsave');
  f.write('d/sub.conf/x.conf');
  symlinkSync(b, join(f.root, 'd/link.conf'));
  symlinkSync(join(f.root, 'd/sub.conf'), join(f.root, 'd/dirlink.conf'));
  assert.deepEqual(dropInFiles(join(f.root, 'd')), [n, a, b, join(f.root, 'd/link.conf')]);
  assert.deepEqual(dropInFiles(join(f.root, 'missing')), []);
});

test('containersConfPaths: only existing files, rootless user files last', (t) => {
  const f = fixture(t);
  assert.deepEqual(containersConfPaths(f.opts(true)), []);
  const etc = f.write('etc/containers/containers.conf');
  const userD = f.write('home/user/.config/containers/containers.conf.d/x.conf');
  assert.deepEqual(containersConfPaths(f.opts(false)), [etc]);
  assert.deepEqual(containersConfPaths(f.opts(true)), [etc, userD]);
});

test('storageConfPaths: first existing Podman file, plus skiff files', (t) => {
  const f = fixture(t);
  assert.deepEqual(storageConfPaths(f.opts(true)), {});
  const share = f.write('usr/share/containers/storage.conf');
  assert.equal(storageConfPaths(f.opts(false)).podman, share);
  const etc = f.write('etc/containers/storage.conf');
  assert.equal(storageConfPaths(f.opts(false)).podman, etc);
  const user = f.write('home/user/.config/containers/storage.conf');
  assert.equal(storageConfPaths(f.opts(true)).podman, user);
  assert.equal(storageConfPaths(f.opts(false)).podman, etc);
  const skiffSystem = f.write('etc/skiff/storage.conf');
  const skiffUser = f.write('home/user/.config/skiff/storage.conf');
  assert.deepEqual(storageConfPaths(f.opts(false)), { podman: etc, skiffSystem });
  assert.deepEqual(storageConfPaths(f.opts(true)), { podman: user, skiffSystem, skiffUser });
  assert.deepEqual(storageConfPaths(f.opts(true, { CONTAINERS_STORAGE_CONF: '/x.conf' })), { explicit: '/x.conf' });
});

test('registriesConfPaths: user file, else system file; drop-in directories', (t) => {
  const f = fixture(t);
  const sysD = f.write('etc/containers/registries.conf.d/a.conf');
  const userD = f.write('home/user/.config/containers/registries.conf.d/b.conf');
  assert.deepEqual(registriesConfPaths(f.opts(false)), {
    main: join(f.root, 'etc/containers/registries.conf'),
    explicit: false,
    dropIns: [sysD, userD],
    shortNameAliases: join(f.root, 'var/cache/containers/short-name-aliases.conf'),
  });
  const user = f.write('home/user/.config/containers/registries.conf');
  assert.deepEqual(registriesConfPaths(f.opts(true)), {
    main: user,
    explicit: false,
    dropIns: [userD],
    shortNameAliases: join(f.home, '.cache/containers/short-name-aliases.conf'),
  });
  const explicit = registriesConfPaths(f.opts(false, { CONTAINERS_REGISTRIES_CONF: '/r.conf' }));
  assert.deepEqual([explicit.main, explicit.explicit, explicit.dropIns], ['/r.conf', true, [sysD, userD]]);
});

test('policyPath: --signature-policy, else the user file, else /etc', (t) => {
  const f = fixture(t);
  assert.equal(policyPath(f.opts(true)), join(f.root, 'etc/containers/policy.json'));
  const user = f.write('home/user/.config/containers/policy.json');
  assert.equal(policyPath(f.opts(true)), user);
  assert.equal(policyPath({ ...f.opts(true), signaturePolicy: '/p.json' }), '/p.json');
});
