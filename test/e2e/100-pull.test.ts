// `pull` against the real distribution registry on 127.0.0.1: images seeded by skopeo,
// pulled by skiff, and checked against skopeo's view of them.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { FrontServer, multiPlatformLayout, remoteConfigDigest, seedAll } from './registry-test-helpers.ts';

const noTls = '--tls-verify=false';

describe('pull', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  let busybox = '';
  let busyboxId = '';
  let multi: Awaited<ReturnType<typeof multiPlatformLayout>>;

  before(async () => {
    registry = await TestRegistry.start();
    busybox = await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:1.0');
    // a name no shortnames.conf alias (from containers-common) claims
    await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'skiffbox:1.0');
    busyboxId = (await remoteConfigDigest(registry, 'busybox:latest')).slice(7);
    multi = await multiPlatformLayout();
    await seedAll(registry, `oci:${multi.dir}:multi`, 'multi:latest');
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
    rmSync(multi.dir, { recursive: true, force: true });
  });

  test('by tag: Podman\'s progress lines on stderr, the image ID on stdout', async () => {
    const r = await env.run(['pull', noTls, busybox]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${busyboxId}\n`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `Trying to pull ${busybox}...`);
    assert.equal(lines[1], 'Getting image source signatures');
    assert.equal(lines.filter((l) => /^Copying blob sha256:[0-9a-f]{64}$/.test(l)).length, 4);
    assert.ok(lines.includes(`Copying config sha256:${busyboxId}`));
    assert.deepEqual(lines.slice(-2), ['Writing manifest to image destination', 'Storing signatures']);
    const inspect = JSON.parse(await env.runOk(['image', 'inspect', busybox]))[0];
    assert.equal(inspect.Id, busyboxId);
    assert.deepEqual(inspect.RepoTags, [busybox]);
    const remote = (await registry.inspect('busybox:latest')) as { Digest: string };
    assert.ok(inspect.RepoDigests.includes(`${busybox.replace(/:latest$/, '')}@${remote.Digest}`), JSON.stringify(inspect.RepoDigests));
  });

  test('again: every blob is skipped; by digest and --quiet', async () => {
    const again = await env.run(['pull', noTls, busybox]);
    assert.equal(again.code, 0, again.stderr);
    // On a pipe Podman names every blob, skipped or not (a terminal says "skipped: already exists").
    assert.equal(again.stderr.split('\n').filter((l) => /^Copying blob sha256:[0-9a-f]{64}$/.test(l)).length, 4);
    const remote = (await registry.inspect('busybox:latest')) as { Digest: string };
    const byDigest = await env.run(['pull', '-q', noTls, `${registry.host}/busybox@${remote.Digest}`]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.equal(byDigest.stdout, `${busyboxId}\n`);
    assert.equal(byDigest.stderr, '');
  });

  test('the pulled image runs its content: files are there', async () => {
    const mount = (await env.runOk(['image', 'mount', busybox])).trim();
    try {
      assert.ok(readdirSync(mount).includes('bin'));
    } finally {
      await env.runOk(['image', 'unmount', busybox]);
    }
  });

  test('an unknown image: one line naming registry and repository, exit 125', async () => {
    const r = await env.run(['pull', '--retry=0', noTls, `${registry.host}/nope:latest`]);
    assert.equal(r.code, 125);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^Trying to pull ${registry.host}/nope:latest\\.\\.\\.\\nError: initializing source docker://${registry.host}/nope:latest: reading manifest latest in ${registry.host}/nope: manifest unknown`));
  });

  test('plain HTTP is refused without --tls-verify=false or an insecure registries.conf entry', async () => {
    const r = await env.run(['pull', '-q', busybox]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /pinging container registry 127\.0\.0\.1:\d+: Get "https:\/\/127\.0\.0\.1:\d+\/v2\/": http: server gave HTTP response to HTTPS client/);
    const insecure = new SkiffEnv();
    try {
      insecure.writeConfig('registries', `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
      assert.equal(await insecure.runOk(['pull', '-q', busybox]), `${busyboxId}\n`);
    } finally {
      await insecure.cleanup();
    }
  });

  test('short names: search registries in order, aliases, enforcing mode', async () => {
    const e = new SkiffEnv();
    try {
      e.writeConfig('registries', `unqualified-search-registries = ["${registry.host}"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
      const r = await e.run(['pull', 'skiffbox:1.0']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^Resolving "skiffbox" using unqualified-search registries \\(${e.registriesConf}\\)\nTrying to pull ${registry.host}/skiffbox:1\\.0\\.\\.\\.`));
      assert.equal(JSON.parse(await e.runOk(['image', 'inspect', 'skiffbox:1.0']))[0].RepoTags[0], `${registry.host}/skiffbox:1.0`);

      e.writeConfig('registries', `short-name-mode = "enforcing"\nunqualified-search-registries = ["${registry.host}", "example.invalid"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
      const ambiguous = await e.run(['pull', 'skiffbox']);
      assert.equal(ambiguous.code, 125);
      assert.equal(ambiguous.stderr, 'Error: short-name resolution enforced but cannot prompt without a TTY\n');

      e.writeConfig('registries', `short-name-mode = "enforcing"\nunqualified-search-registries = ["${registry.host}", "example.invalid"]\n[aliases]\n"bb" = "${registry.host}/skiffbox"\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
      const alias = await e.run(['pull', 'bb:1.0']);
      assert.equal(alias.code, 0, alias.stderr);
      assert.match(alias.stderr, /^Resolved "bb" as an alias \(/);

      e.writeConfig('registries', '');
      const none = await e.run(['pull', 'skiffbox']);
      assert.equal(none.code, 125);
      assert.match(none.stderr, /short-name "skiffbox" did not resolve to an alias and no unqualified-search registries are defined/);
    } finally {
      await e.cleanup();
    }
  });

  test('a multi-platform index: the host platform by default, --platform and --arch/--variant', async () => {
    const e = new SkiffEnv();
    try {
      const host = await e.run(['pull', '-q', noTls, `${registry.host}/multi:latest`]);
      assert.equal(host.code, 0, host.stderr);
      assert.equal(host.stdout, `${(process.arch === 'arm64' ? multi.arm64Config : multi.amd64Config).slice(7)}\n`);
      assert.equal(await e.runOk(['pull', '-q', noTls, '--platform', 'linux/arm64/v8', `${registry.host}/multi:latest`]), `${multi.arm64Config.slice(7)}\n`);
      assert.equal(await e.runOk(['pull', '-q', noTls, '--arch', 'amd64', `${registry.host}/multi:latest`]), `${multi.amd64Config.slice(7)}\n`);
      const missing = await e.run(['pull', '-q', noTls, '--arch', 's390x', `${registry.host}/multi:latest`]);
      assert.equal(missing.code, 125);
      assert.match(missing.stderr, /no image found in image index for architecture s390x/);
    } finally {
      await e.cleanup();
    }
  });

  test('--all-tags pulls every tag', async () => {
    const e = new SkiffEnv();
    try {
      const r = await e.run(['pull', '-q', '--all-tags', noTls, `${registry.host}/busybox`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${busyboxId}\n${busyboxId}\n`);
      const tags = JSON.parse(await e.runOk(['image', 'inspect', busybox]))[0].RepoTags.sort();
      assert.deepEqual(tags, [`${registry.host}/busybox:1.0`, `${registry.host}/busybox:latest`]);
      const withTag = await e.run(['pull', '--all-tags', noTls, busybox]);
      assert.equal(withTag.code, 125);
      assert.equal(withTag.stderr, "Error: tag can't be used with --all-tags/-a\n");
    } finally {
      await e.cleanup();
    }
  });

  test('connection refused: one line, exit 125, after the retries', async () => {
    const r = await env.run(['pull', '--retry=1', '--retry-delay=10ms', noTls, '127.0.0.1:1/x:latest']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Error: initializing source docker:\/\/127\.0\.0\.1:1\/x:latest: pinging container registry 127\.0\.0\.1:1: Get "https:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
  });
});

describe('pull: broken content', () => {
  test('a blob corrupted in the registry: digest error, nothing stored; killed registry: no partial layer', async () => {
    const registry = await TestRegistry.start();
    const env = new SkiffEnv();
    try {
      const name = await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
      const manifest = (await registry.inspect('busybox:latest', true)) as { layers: { digest: string }[] };
      const last = manifest.layers.at(-1)!.digest.slice(7);
      const data = join(registry.dir, 'storage/docker/registry/v2/blobs/sha256', last.slice(0, 2), last, 'data');
      writeFileSync(data, 'not the layer you are looking for');
      const r = await env.run(['pull', '-q', noTls, name]);
      assert.equal(r.code, 125);
      assert.match(r.stderr, new RegExp(`copying blob sha256:${last} from ${registry.host}/busybox: .*(digest|size|longer)`));
      assert.equal(await env.runOk(['images', '-q']), '');
      assert.deepEqual(readdirSync(join(env.root, 'overlay')).filter((n) => n !== 'l'), []);
      assert.deepEqual(readdirSync(join(env.root, 'staging')), []);

      await registry.stop();
      const down = await env.run(['pull', '-q', '--retry=0', noTls, name]);
      assert.equal(down.code, 125);
      assert.equal(await env.runOk(['images', '-q']), '');
    } finally {
      await env.cleanup();
      await registry.stop();
    }
  });
});

describe('pull: a registry dying mid-pull', () => {
  test('the connection cut inside a blob: error, no partial layer; the next pull succeeds', async () => {
    const registry = await TestRegistry.start();
    const front = await FrontServer.start(registry, {});
    const env = new SkiffEnv();
    try {
      await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
      const id = (await remoteConfigDigest(registry, 'busybox:latest')).slice(7);
      front.cutNextBlob = true;
      const cut = await env.run(['pull', '-q', noTls, `${front.host}/busybox:latest`]);
      assert.equal(cut.code, 125);
      assert.match(cut.stderr, /^Error: copying blob sha256:[0-9a-f]{64} from 127\.0\.0\.1:\d+\/busybox: /);
      assert.equal(await env.runOk(['images', '-q']), '');
      assert.deepEqual(readdirSync(join(env.root, 'overlay')).filter((n) => n !== 'l'), []);
      assert.equal(await env.runOk(['pull', '-q', noTls, `${front.host}/busybox:latest`]), `${id}\n`);
    } finally {
      await env.cleanup();
      await front.stop();
      await registry.stop();
    }
  });
});

describe('pull: authentication', () => {
  test('htpasswd basic auth: --creds, auth.json, wrong password', async () => {
    const registry = await TestRegistry.start({ auth: { user: 'alice', password: 'wonderland' } });
    const env = new SkiffEnv();
    try {
      const name = await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
      const id = (await remoteConfigDigest(registry, 'busybox:latest')).slice(7);
      const anon = await env.run(['pull', '-q', noTls, name]);
      assert.equal(anon.code, 125);
      assert.match(anon.stderr, /reading manifest latest in 127\.0\.0\.1:\d+\/busybox: unauthorized: authentication required/);
      const wrong = await env.run(['pull', '-q', noTls, '--creds', 'alice:nope', name]);
      assert.equal(wrong.code, 125);
      assert.doesNotMatch(wrong.stderr, /nope/);
      assert.equal(await env.runOk(['pull', '-q', noTls, '--creds', 'alice:wonderland', name]), `${id}\n`);
      await env.runOk(['rmi', name]);
      writeFileSync(env.authFile, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('alice:wonderland').toString('base64') } } }));
      assert.equal(await env.runOk(['pull', '-q', noTls, name]), `${id}\n`);
    } finally {
      await env.cleanup();
      await registry.stop();
    }
  });

  test('bearer tokens: anonymous pull, and with credentials', async () => {
    const registry = await TestRegistry.start();
    const front = await FrontServer.start(registry, { bearer: { user: 'bob', password: 'builder' } });
    const env = new SkiffEnv();
    try {
      await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
      const id = (await remoteConfigDigest(registry, 'busybox:latest')).slice(7);
      assert.equal(await env.runOk(['pull', '-q', noTls, `${front.host}/busybox:latest`]), `${id}\n`);
      assert.ok(front.seenAuth.includes('Bearer'));
      await env.runOk(['rmi', `${front.host}/busybox:latest`]);
      assert.equal(await env.runOk(['pull', '-q', noTls, '--creds', 'bob:builder', `${front.host}/busybox:latest`]), `${id}\n`);
      const wrong = await env.run(['pull', '-q', noTls, '--creds', 'bob:nope', `${front.host}/busybox:latest`]);
      assert.equal(wrong.code, 125);
      assert.match(wrong.stderr, /invalid username\/password/);
    } finally {
      await env.cleanup();
      await front.stop();
      await registry.stop();
    }
  });

  test('TLS with a self-signed certificate: refused, then trusted through --cert-dir', async () => {
    const registry = await TestRegistry.start();
    const front = await FrontServer.start(registry, { tls: true });
    const env = new SkiffEnv();
    try {
      await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'busybox:latest');
      const id = (await remoteConfigDigest(registry, 'busybox:latest')).slice(7);
      const untrusted = await env.run(['pull', '-q', '--retry=0', `${front.host}/busybox:latest`]);
      assert.equal(untrusted.code, 125);
      assert.match(untrusted.stderr, /certificate signed by unknown authority/);
      assert.equal(await env.runOk(['pull', '-q', '--cert-dir', front.certDir(), `${front.host}/busybox:latest`]), `${id}\n`);
    } finally {
      await env.cleanup();
      await front.stop();
      await registry.stop();
    }
  });
});
