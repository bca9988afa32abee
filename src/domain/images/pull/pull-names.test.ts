import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RegistriesConf } from '../../../infra/config/registries-conf.ts';
import { resolvePullNames } from './pull-names.ts';

function conf(partial: Partial<RegistriesConf>): RegistriesConf {
  return {
    unqualifiedSearchRegistries: [],
    unqualifiedSearchRegistriesOrigin: '/etc/containers/registries.conf',
    shortNameMode: 'permissive',
    registries: [],
    aliases: {},
    shortNameAliasesPath: '/var/cache/containers/short-name-aliases.conf',
    credentialHelpers: [],
    files: [],
    ...partial,
  };
}

const names = (input: string, c: RegistriesConf) => resolvePullNames(input, c).candidates.map((x) => x.name);

test('qualified names are used as they are, docker.io normalised, latest added', () => {
  assert.deepEqual(names('quay.io/a/b', conf({})), ['quay.io/a/b:latest']);
  assert.deepEqual(names('docker.io/busybox:1', conf({})), ['docker.io/library/busybox:1']);
  assert.deepEqual(names('docker://127.0.0.1:5000/x@sha256:' + 'a'.repeat(64), conf({})), [`127.0.0.1:5000/x@sha256:${'a'.repeat(64)}`]);
  assert.deepEqual(names('localhost/x', conf({})), ['localhost/x:latest']);
});

test('short names: each search registry in order, library/ only for docker.io', () => {
  const c = conf({ unqualifiedSearchRegistries: ['registry.example', 'docker.io'] });
  assert.deepEqual(names('busybox:1', c), ['registry.example/busybox:1', 'docker.io/library/busybox:1']);
  assert.deepEqual(names('ns/app', c), ['registry.example/ns/app:latest', 'docker.io/ns/app:latest']);
});

test('an alias wins, keeps the tag, and names its file', () => {
  const c = conf({ unqualifiedSearchRegistries: ['a.example', 'b.example'], shortNameMode: 'enforcing', aliases: { bb: { value: 'quay.io/x/busybox', origin: '/etc/x.conf' } } });
  const r = resolvePullNames('bb:2', c);
  assert.deepEqual(r.candidates.map((x) => x.name), ['quay.io/x/busybox:2']);
  assert.deepEqual(r.alias, { name: 'bb', origin: '/etc/x.conf' });
});

test('enforcing mode refuses an ambiguous short name without a terminal; no search registries is an error', () => {
  assert.throws(() => names('busybox', conf({ unqualifiedSearchRegistries: ['a.example', 'b.example'], shortNameMode: 'enforcing' })), { message: 'short-name resolution enforced but cannot prompt without a TTY' });
  assert.deepEqual(names('busybox', conf({ unqualifiedSearchRegistries: ['a.example'], shortNameMode: 'enforcing' })), ['a.example/busybox:latest']);
  const configured = conf({ files: ['/etc/containers/registries.conf'] });
  assert.throws(() => names('busybox:1', configured), { message: 'short-name "busybox:1" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"' });
  const cacheOnly = conf({ files: ['/var/cache/containers/short-name-aliases.conf'] });
  assert.throws(() => names('busybox', cacheOnly), { message: 'short-name "busybox" did not resolve to an alias and no containers-registries.conf(5) was found' });
});

test('several search registries: a terminal prompts (enforcing, permissive), disabled never does', () => {
  const both = { unqualifiedSearchRegistries: ['a.example', 'b.example'] };
  const enforcing = resolvePullNames('ns/app:2', conf({ ...both, shortNameMode: 'enforcing' }), true);
  assert.deepEqual(enforcing.prompt, { name: 'ns/app' });
  assert.deepEqual(enforcing.candidates.map((c) => c.name), ['a.example/ns/app:2', 'b.example/ns/app:2']);
  assert.equal(enforcing.search, undefined);
  assert.deepEqual(resolvePullNames('app', conf({ ...both, shortNameMode: 'permissive' }), true).prompt, { name: 'app' });
  const permissive = resolvePullNames('app', conf({ ...both, unqualifiedSearchRegistriesOrigin: '/x.conf' }), false);
  assert.equal(permissive.prompt, undefined);
  assert.deepEqual(permissive.search, { name: 'app', origin: '/x.conf' });
  assert.equal(permissive.candidates.length, 2);
  const disabled = resolvePullNames('app', conf({ ...both, shortNameMode: 'disabled' }), true);
  assert.equal(disabled.prompt, undefined);
  assert.equal(disabled.candidates.length, 2);
  assert.equal(resolvePullNames('app', conf({ unqualifiedSearchRegistries: ['a.example'], shortNameMode: 'enforcing' }), true).prompt, undefined);
});

test('an alias applies in every short-name-mode, disabled included', () => {
  const c = conf({ unqualifiedSearchRegistries: ['a.example', 'b.example'], shortNameMode: 'disabled', aliases: { app: { value: 'quay.io/x/app', origin: '/a.conf' } } });
  const r = resolvePullNames('app', c, true);
  assert.deepEqual(r.candidates.map((x) => x.name), ['quay.io/x/app:latest']);
  assert.equal(r.prompt, undefined);
});
