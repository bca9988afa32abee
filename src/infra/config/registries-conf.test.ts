import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { configTree } from './fixture.test.ts';
import { ConfigError } from '../../define/errors.ts';
import type { ConfigOptions } from './paths.ts';
import { loadRegistriesConf } from './registries-conf.ts';

function fixture(t: TestContext) {
  const tree = configTree(t, 'registries-conf');
  const { root, home } = tree;
  return {
    ...tree,
    opts(env: NodeJS.ProcessEnv = {}, rootless = false): ConfigOptions {
      return { systemRoot: root, rootless, env: { HOME: home, ...env } };
    },
  };
}

const mainV2 = `
unqualified-search-registries = ["example.com", "quay.io/"]
short-name-mode = "enforcing"

[[registry]]
prefix = "example.com/foo"
insecure = false
blocked = false
location = "internal-registry-for-example.com/bar"

[[registry.mirror]]
location = "example-mirror-0.local/mirror-for-foo"

[[registry.mirror]]
location = "example-mirror-1.local/mirrors/foo"
insecure = true
pull-from-mirror = "digest-only"

[[registry]]
location = "registry.com"
blocked = true

[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"busybox" = "docker.io/library/busybox"
`;

test('defaults when no file exists', (t) => {
  const f = fixture(t);
  const conf = loadRegistriesConf(f.opts());
  assert.deepEqual(conf, {
    unqualifiedSearchRegistries: [],
    unqualifiedSearchRegistriesOrigin: join(f.root, 'etc/containers/registries.conf'),
    shortNameMode: 'permissive',
    registries: [],
    aliases: {},
    shortNameAliasesPath: join(f.root, 'var/cache/containers/short-name-aliases.conf'),
    credentialHelpers: ['containers-auth.json'],
    files: [],
  });
  const rootless = loadRegistriesConf(f.opts({}, true));
  assert.equal(rootless.shortNameAliasesPath, join(f.home, '.cache/containers/short-name-aliases.conf'));
});

test('V2 format', (t) => {
  const f = fixture(t);
  const main = f.write('etc/containers/registries.conf', mainV2);
  const conf = loadRegistriesConf(f.opts());
  assert.deepEqual(conf.files, [main]);
  assert.deepEqual(conf.unqualifiedSearchRegistries, ['example.com', 'quay.io']);
  assert.equal(conf.unqualifiedSearchRegistriesOrigin, main);
  assert.equal(conf.shortNameMode, 'enforcing');
  assert.deepEqual(conf.registries, [
    {
      prefix: 'example.com/foo',
      location: 'internal-registry-for-example.com/bar',
      insecure: false,
      blocked: false,
      mirrorByDigestOnly: false,
      mirrors: [
        { location: 'example-mirror-0.local/mirror-for-foo', insecure: false },
        { location: 'example-mirror-1.local/mirrors/foo', insecure: true, pullFromMirror: 'digest-only' },
      ],
    },
    { prefix: 'registry.com', location: 'registry.com', insecure: false, blocked: true, mirrorByDigestOnly: false, mirrors: [] },
  ]);
  assert.deepEqual(conf.aliases.fedora, { value: 'registry.fedoraproject.org/fedora', origin: main });
});

test('V1 format is converted to V2', (t) => {
  const f = fixture(t);
  f.write(
    'etc/containers/registries.conf',
    "[registries.search]\nregistries = ['registry1.com', 'registry2.com']\n\n[registries.insecure]\nregistries = ['registry3.com', 'registry1.com']\n\n[registries.block]\nregistries = ['registry.untrusted.com', 'registry.unsafe.com/']\n",
  );
  const conf = loadRegistriesConf(f.opts());
  assert.deepEqual(conf.unqualifiedSearchRegistries, ['registry1.com', 'registry2.com']);
  const entry = (prefix: string, insecure: boolean, blocked: boolean) => ({
    prefix, location: prefix, insecure, blocked, mirrorByDigestOnly: false, mirrors: [],
  });
  assert.deepEqual(conf.registries, [
    entry('registry.unsafe.com', false, true),
    entry('registry.untrusted.com', false, true),
    entry('registry1.com', true, false),
    entry('registry3.com', true, false),
  ]);
});

test('V1 is refused in drop-ins and mixed with V2', (t) => {
  const f = fixture(t);
  const dropIn = f.write('etc/containers/registries.conf.d/01.conf', "[registries.search]\nregistries = ['a.com']\n");
  assert.throws(
    () => loadRegistriesConf(f.opts()),
    (err: Error) => err instanceof ConfigError && err.message === `${dropIn}: registry must be in v2 format but is in v1`,
  );
  rmSync(dropIn);
  f.write('etc/containers/registries.conf', "unqualified-search-registries = ['a.com']\n[registries.block]\nregistries = ['b.com']\n");
  assert.throws(() => loadRegistriesConf(f.opts()), /mixing sysregistry v1\/v2 is not supported/);
});

test('drop-ins merge over the main file as containers-registries.conf.d(5) says', (t) => {
  const f = fixture(t);
  const main = f.write('etc/containers/registries.conf', mainV2);
  const d1 = f.write(
    'etc/containers/registries.conf.d/10-a.conf',
    '[[registry]]\nprefix = "example.com/foo"\nlocation = "replaced.example.com"\n\n[[registry]]\nlocation = "added.io"\n\n[aliases]\n"busybox" = ""\n"alpine" = "docker.io/library/alpine"\n',
  );
  const d2 = f.write('etc/containers/registries.conf.d/20-b.conf', 'unqualified-search-registries = []\ncredential-helpers = ["pass"]\n');
  f.write('etc/containers/registries.conf.d/30-c.conf.bak', 'short-name-mode = "disabled"\n');
  const u1 = f.write('home/user/.config/containers/registries.conf.d/50-user.conf', 'short-name-mode = "disabled"\n');

  const conf = loadRegistriesConf(f.opts());
  assert.deepEqual(conf.files, [main, d1, d2, u1]);
  assert.deepEqual(conf.unqualifiedSearchRegistries, []);
  assert.equal(conf.unqualifiedSearchRegistriesOrigin, d2);
  assert.equal(conf.shortNameMode, 'disabled');
  assert.deepEqual(conf.credentialHelpers, ['pass']);
  assert.deepEqual(
    conf.registries.map((r) => [r.prefix, r.location, r.mirrors.length]),
    [['added.io', 'added.io', 0], ['example.com/foo', 'replaced.example.com', 0], ['registry.com', 'registry.com', 0]],
  );
  assert.deepEqual(Object.keys(conf.aliases).sort(), ['alpine', 'fedora']);
  assert.equal(conf.aliases.alpine!.origin, d1);
  assert.equal(conf.aliases.fedora!.origin, main);
});

test("a per-user registries.conf replaces the system file and the system drop-ins", (t) => {
  const f = fixture(t);
  f.write('etc/containers/registries.conf', mainV2);
  f.write('etc/containers/registries.conf.d/10-a.conf', 'short-name-mode = "disabled"\n');
  const user = f.write('home/user/.config/containers/registries.conf', 'unqualified-search-registries = ["user.io"]\n');
  const userD = f.write('home/user/.config/containers/registries.conf.d/a.conf', '[aliases]\n"x" = "user.io/x"\n');
  const conf = loadRegistriesConf(f.opts());
  assert.deepEqual(conf.files, [user, userD]);
  assert.deepEqual(conf.unqualifiedSearchRegistries, ['user.io']);
  assert.equal(conf.shortNameMode, 'permissive');
});

test('CONTAINERS_REGISTRIES_CONF replaces the main file, keeps the drop-ins, and must exist', (t) => {
  const f = fixture(t);
  f.write('etc/containers/registries.conf', mainV2);
  f.write('home/user/.config/containers/registries.conf', 'unqualified-search-registries = ["user.io"]\n');
  const d1 = f.write('etc/containers/registries.conf.d/10-a.conf', 'short-name-mode = "disabled"\n');
  const explicit = f.write('test-registries.conf', 'unqualified-search-registries = ["test.io"]\n');
  const conf = loadRegistriesConf(f.opts({ CONTAINERS_REGISTRIES_CONF: explicit }));
  assert.deepEqual(conf.files, [explicit, d1]);
  assert.deepEqual(conf.unqualifiedSearchRegistries, ['test.io']);
  assert.throws(() => loadRegistriesConf(f.opts({ CONTAINERS_REGISTRIES_CONF: join(f.root, 'nope.conf') })), ConfigError);
});

test('short-name-aliases.conf wins over every registries.conf', (t) => {
  const f = fixture(t);
  f.write('etc/containers/registries.conf', mainV2);
  const cache = f.write('home/user/.cache/containers/short-name-aliases.conf', '[aliases]\n"fedora" = "quay.io/fedora/fedora"\n');
  const conf = loadRegistriesConf(f.opts({}, true));
  assert.deepEqual(conf.aliases.fedora, { value: 'quay.io/fedora/fedora', origin: cache });
  assert.equal(conf.files.at(-1), cache);
  // root uses /var/cache, so the user's cache is not read
  assert.equal(loadRegistriesConf(f.opts()).aliases.fedora!.value, 'registry.fedoraproject.org/fedora');
});

test('invalid entries are errors naming the file and line', (t) => {
  const f = fixture(t);
  const path = join(f.root, 'etc/containers/registries.conf');
  const cases: [string, string][] = [
    ['[[registry]]\nlocation = "a.io"\n\n[[registry]]\nlocation = "https://b.io"\n', `${path}:5: registry.location: invalid location 'https://b.io': URI schemes are not supported`],
    ['[[registry]]\nlocation = "a.io"\npull-from-mirror = "all"\n', `${path}:3: registry.pull-from-mirror: pull-from-mirror must not be set for a non-mirror registry "a.io"`],
    ['[[registry]]\nprefix = "a.io/x"\n', `${path}:2: registry.prefix: invalid condition: location is unset and prefix is not in the format: *.example.com`],
    ['[[registry]]\nlocation = "a.io"\n[[registry.mirror]]\nlocation = "m.io"\n[[registry]]\nlocation = "b.io"\n[[registry.mirror]]\nlocation = "m2.io"\npull-from-mirror = "sometimes"\n', `${path}:9: registry.mirror.pull-from-mirror: unsupported pull-from-mirror value "sometimes" for mirror "m2.io"`],
    ['short-name-mode = "strict"\n', `${path}:1: short-name-mode: invalid short-name mode: "strict"`],
    ['unqualified-search-registries = ["a.io/ns"]\n', `${path}:1: unqualified-search-registries: invalid unqualified-search-registries entry "a.io/ns"`],
    ['[aliases]\n"docker.io/foo" = "docker.io/library/foo"\n', `${path}:2: aliases.docker.io/foo: invalid short name "docker.io/foo": must not contain a registry domain`],
    ['[aliases]\n"foo:tag" = "docker.io/library/foo"\n', `${path}:2: aliases.foo:tag: invalid short name "foo:tag": must not contain a tag or digest`],
    ['[aliases]\n"foo" = "library/foo"\n', `${path}:2: aliases.foo: invalid alias "library/foo": must contain registry and repository, without tag or digest`],
    ['[[registry]]\nlocation = "a.io"\ninsecure = true\n[[registry]]\nprefix = "b.io"\nlocation = "a.io"\n', `${path}:4: registry: registry 'a.io' is defined multiple times with conflicting 'insecure' setting`],
    ['unqualified-search-registries = "a.io"\n', `${path}:1: unqualified-search-registries: expected an array of strings, got "a.io"`],
    ['[[registry]\nlocation = "a.io"\n', `${path}:1: `],
  ];
  for (const [text, message] of cases) {
    f.write('etc/containers/registries.conf', text);
    assert.throws(
      () => loadRegistriesConf(f.opts()),
      (err: Error) => err instanceof ConfigError && err.message.startsWith(message),
      `expected: ${message}`,
    );
  }
});

test("the distribution's shipped files load", (t) => {
  const f = fixture(t);
  const shipped = ['/etc/containers/registries.conf', '/etc/containers/registries.conf.d/shortnames.conf'].filter(existsSync);
  if (shipped.length === 0) {
    t.skip('no registries.conf installed (package golang-github-containers-image)');
    return;
  }
  for (const path of shipped) f.write(path, readFileSync(path, 'utf8'));
  const conf = loadRegistriesConf(f.opts());
  assert.equal(conf.files.length, shipped.length);
  if (existsSync('/etc/containers/registries.conf.d/shortnames.conf')) {
    assert.equal(conf.aliases.alpine?.value, 'docker.io/library/alpine');
  }
});
