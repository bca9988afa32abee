// `build`'s build-level flags and orchestration: --squash/--squash-all/--layers=false,
// --timestamp and --omit-history, --annotation, --rm/--force-rm, --build-arg-file,
// --platform and the predefined args, --isolation, ONBUILD triggers, contexts from stdin
// and URLs, and --cache-from/--cache-to against a registry on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { BuildContexts } from './build-test-helpers.ts';
import { multiPlatformLayout, seedAll } from './registry-test-helpers.ts';

interface Inspect {
  Id: string;
  Created: string;
  Architecture: string;
  Os: string;
  RootFS: { Layers: string[] };
  History: Array<{ created?: string; created_by?: string; empty_layer?: boolean }>;
  Annotations: Record<string, string>;
  Config: { Env?: string[] };
}

describe('build flags', () => {
  const env = new SkiffEnv();
  const contexts = new BuildContexts();
  let base: Inspect;
  const ctx = (files: Record<string, string>): string => contexts.make(files);
  const inspect = async (e: SkiffEnv, name: string): Promise<Inspect> => (JSON.parse(await e.runOk(['image', 'inspect', name])) as Inspect[])[0]!;
  const lastLine = (out: string): string => out.trim().split('\n').at(-1)!;
  const steps = 'FROM localhost/busybox\nRUN echo one > /one && rm /bin/true\nENV A=1\nCOPY f /f\nRUN echo two > /two && rm /one\n';

  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    base = await inspect(env, 'localhost/busybox');
  });
  after(async () => {
    contexts.cleanup();
    await env.cleanup();
  });

  test('--squash: the new layers become one on the base, step images are not kept', async () => {
    const dir = ctx({ Containerfile: steps, f: 'f\n' });
    const r = await env.run(['build', '--squash', '-t', 'sq', dir]);
    assert.equal(r.code, 0, r.stderr);
    const id = lastLine(r.stdout);
    assert.equal(r.stdout, [
      'STEP 1/5: FROM localhost/busybox', 'STEP 2/5: RUN echo one > /one && rm /bin/true', 'STEP 3/5: ENV A=1', 'STEP 4/5: COPY f /f',
      'STEP 5/5: RUN echo two > /two && rm /one', 'COMMIT sq', `--> ${id.slice(0, 11)}`, 'Successfully tagged localhost/sq:latest', id, '',
    ].join('\n'));
    const img = await inspect(env, 'sq');
    assert.deepEqual(img.RootFS.Layers.slice(0, -1), base.RootFS.Layers);
    assert.equal(img.RootFS.Layers.length, base.RootFS.Layers.length + 1);
    assert.deepEqual(img.History.slice(base.History.length).map((h) => [h.created_by?.replace(/[0-9a-f]{64}/, 'H'), h.empty_layer ?? false]), [
      ['/bin/sh -c echo one > /one && rm /bin/true', true],
      ['/bin/sh -c #(nop) ENV A=1', true],
      ['/bin/sh -c #(nop) COPY dir:H in /f ', true],
      ['/bin/sh -c echo two > /two && rm /one', false],
    ]);
    assert.equal(await env.runOk(['run', '--rm', 'sq', 'sh', '-c', 'cat /f /two; ls /one /bin/true 2>&1 | wc -l']), 'f\ntwo\n2\n');
    assert.deepEqual((await env.runOk(['images', '-a', '-q', '--no-trunc'])).trim().split('\n').sort(), [`sha256:${base.Id}`, `sha256:${id}`].sort());
    const layersFalse = await env.run(['build', '--layers=false', '-q', dir]);
    assert.equal((await inspect(env, lastLine(layersFalse.stdout))).RootFS.Layers.length, base.RootFS.Layers.length + 1);
  });

  test('--squash-all: one layer, base included; not with --squash', async () => {
    const dir = ctx({ Containerfile: steps, f: 'f\n' });
    const id = lastLine(await env.runOk(['build', '--squash-all', '-q', dir]));
    const img = await inspect(env, id);
    assert.equal(img.RootFS.Layers.length, 1);
    assert.deepEqual(img.History.map((h) => h.empty_layer ?? false), [true, true, true, false]);
    assert.equal(await env.runOk(['run', '--rm', id, 'sh', '-c', 'cat /f; ls /one /bin/true 2>/dev/null; echo end']), 'f\nend\n');
    const r = await env.run(['build', '--squash', '--squash-all', dir]);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: cannot specify --squash-all with --squash\n']);
  });

  test('--timestamp: the same image ID twice, times set to it; --omit-history', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nRUN echo hi > /hi\nCOPY f /f\n', f: 'f\n' });
    const args = ['build', '-q', '--no-cache', '--timestamp', '1700000000', dir];
    const first = lastLine(await env.runOk(args));
    assert.equal(lastLine(await env.runOk(args)), first);
    const img = await inspect(env, first);
    assert.equal(img.Created, '2023-11-14T22:13:20Z');
    assert.deepEqual(img.History.slice(base.History.length).map((h) => h.created), ['2023-11-14T22:13:20Z', '2023-11-14T22:13:20Z']);
    assert.equal(await env.runOk(['run', '--rm', first, 'stat', '-c', '%Y', '/hi', '/f']), '1700000000\n1700000000\n');
    const omitted = lastLine(await env.runOk(['build', '-q', '--omit-history', dir]));
    assert.deepEqual((await inspect(env, omitted)).History, []);
  });

  test('a COPY into a directory it creates is still cached when the clock has moved on', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nCOPY f /app/\n', f: 'f\n' });
    const first = lastLine(await env.runOk(['build', '-q', dir]));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await env.runOk(['build', dir]);
    assert.match(again, /--> Using cache /);
    assert.equal(lastLine(again), first);
  });

  test('--annotation goes into OCI manifests only', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nENV X=1\n' });
    const oci = lastLine(await env.runOk(['build', '-q', '--annotation', 'org.example.a=b', '--annotation', 'c', dir]));
    assert.deepEqual((await inspect(env, oci)).Annotations, { c: '', 'org.example.a': 'b' });
    const docker = lastLine(await env.runOk(['build', '-q', '--format', 'docker', '--annotation', 'a=b', dir]));
    assert.deepEqual((await inspect(env, docker)).Annotations, {});
  });

  test('--rm keeps or removes the containers of steps that worked, --force-rm the one that failed', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nRUN true\nRUN exit 2\n' });
    const containers = async (): Promise<string[]> => (await env.runOk(['ps', '-a', '--format', '{{.ExitCode}}'])).trim().split('\n').filter(Boolean);
    assert.equal((await env.run(['build', dir])).code, 2);
    assert.deepEqual(await containers(), []);
    assert.equal((await env.run(['build', '--no-cache', '--rm=false', dir])).code, 2);
    assert.deepEqual(await containers(), ['0']);
    await env.runOk(['rm', '-a', '-f']);
    assert.equal((await env.run(['build', '--no-cache', '--force-rm=false', dir])).code, 2);
    assert.deepEqual(await containers(), ['2']);
    await env.runOk(['rm', '-a', '-f']);
  });

  test('--build-arg-file, proxy variables without ARG and out of history', async () => {
    const dir = ctx({
      Containerfile: 'FROM localhost/busybox\nARG A\nARG B\nRUN echo "$A $B $HTTP_PROXY $no_proxy" > /out\n',
      'args.conf': '# build args\nA=from-file\nB=b\n',
    });
    const id = lastLine(await env.runOk(['build', '-q', '--build-arg-file', join(dir, 'args.conf'), '--build-arg', 'A=cli',
      '--build-arg', 'HTTP_PROXY=http://proxy:3128', '--build-arg', 'no_proxy=localhost', dir]));
    assert.equal(await env.runOk(['run', '--rm', id, 'cat', '/out']), 'cli b http://proxy:3128 localhost\n');
    const history = (await inspect(env, id)).History.at(-1)!.created_by;
    assert.equal(history, '|2 A=cli B=b /bin/sh -c echo "$A $B $HTTP_PROXY $no_proxy" > /out');
  });

  test('--platform names the platform; TARGET*/BUILD* args; a local image of another platform is used with a warning', async () => {
    const dir = ctx({
      Containerfile: 'FROM --platform=$BUILDPLATFORM localhost/busybox\nARG TARGETPLATFORM\nARG TARGETARCH\nARG BUILDARCH\nRUN echo "$TARGETPLATFORM $TARGETARCH $BUILDARCH" > /p\n',
    });
    const host = (await inspect(env, 'localhost/busybox')).Architecture;
    const r = await env.run(['build', '-q', '--platform', 'linux/arm64', '--pull=never', dir]);
    assert.equal(r.code, 0, r.stderr);
    const id = lastLine(r.stdout);
    assert.equal(await env.runOk(['run', '--rm', id, 'cat', '/p']), `linux/arm64 arm64 ${host}\n`);
    assert.equal((await inspect(env, id)).Architecture, host, 'FROM --platform=$BUILDPLATFORM keeps the build platform');
    const scratch = ctx({ Containerfile: 'FROM scratch\nCOPY f /f\n', f: 'x' });
    const s = lastLine(await env.runOk(['build', '-q', '--arch', 'arm64', '--os', 'linux', scratch]));
    assert.deepEqual([(await inspect(env, s)).Os, (await inspect(env, s)).Architecture], ['linux', 'arm64']);
    const warn = ctx({ Containerfile: 'FROM localhost/busybox\nENV P=1\n' });
    const w = await env.run(['build', '-q', '--platform', 'linux/s390x', '--pull=never', warn]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stderr, `WARNING: image platform (linux/${host}) does not match the expected platform (linux/s390x)\n`);
    assert.equal((await inspect(env, lastLine(w.stdout))).Architecture, 's390x');
  });

  test('--isolation takes oci, rootless and chroot', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nRUN true\n' });
    await env.runOk(['build', '-q', '--isolation', 'chroot', dir]);
    let r = await env.run(['build', '--isolation', 'vm', dir]);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: unrecognized isolation type "vm"\n']);
    r = await env.run(['build', '--isolation', 'chroot', '--network', 'bridge', dir]);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: cannot set --network other than host with --isolation chroot\n']);
  });

  test('ONBUILD triggers run right after FROM in the child build (counted after FROM, as Buildah does), not inherited', async () => {
    const parent = ctx({ Containerfile: 'FROM localhost/busybox\nONBUILD RUN echo triggered > /trig\nONBUILD ENV T=1\n' });
    await env.runOk(['build', '-q', '-t', 'onbuild-parent', parent]);
    const child = ctx({ Containerfile: 'FROM onbuild-parent\nRUN cat /trig\n' });
    const r = await env.run(['build', '-t', 'onbuild-child', child]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^STEP 1\/2: FROM onbuild-parent\nSTEP 2\/4: RUN echo triggered > \/trig\n--> [0-9a-f]{11}\nSTEP 3\/4: ENV T=1\n--> [0-9a-f]{11}\nSTEP 4\/4: RUN cat \/trig\ntriggered\nCOMMIT onbuild-child\n/);
    assert.ok((await inspect(env, 'onbuild-child')).Config.Env!.includes('T=1'));
    const grandchild = ctx({ Containerfile: 'FROM onbuild-child\nRUN test ! -e /again\n' });
    assert.match(await env.runOk(['build', grandchild]), /^STEP 1\/2: FROM onbuild-child\nSTEP 2\/2: RUN test/);
  });

  test('contexts: a tar on stdin, a Containerfile on stdin, a tarball URL', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nCOPY f /f\n', f: 'from tar\n', 'sub/Other': 'FROM localhost/busybox\nCOPY f /g\n' });
    const tar = execFileSync('tar', ['-C', dir, '-cf', '-', '.']);
    const fromTar = lastLine(await env.runOk(['build', '-q', '-'], { input: tar }));
    assert.equal(await env.runOk(['run', '--rm', fromTar, 'cat', '/f']), 'from tar\n');
    const fromText = await env.run(['build', '-q', '-f', '-'], { input: 'FROM localhost/busybox\nENV FROM_STDIN=1\n' });
    assert.equal(fromText.code, 0, fromText.stderr);
    assert.ok((await inspect(env, lastLine(fromText.stdout))).Config.Env!.includes('FROM_STDIN=1'));
    const gz = execFileSync('tar', ['-C', dir, '-czf', '-', '.']);
    const server = http.createServer((req, res) => {
      if (req.url === '/ctx.tar.gz') res.end(gz);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const fromUrl = lastLine(await env.runOk(['build', '-q', '-f', 'sub/Other', `${url}/ctx.tar.gz`]));
      assert.equal(await env.runOk(['run', '--rm', fromUrl, 'cat', '/g']), 'from tar\n');
      const missing = await env.run(['build', `${url}/nope.tar`]);
      assert.deepEqual([missing.code, missing.stderr], [125, `Error: reading ${url}/nope.tar: invalid response status 404\n`]);
    } finally {
      server.close();
    }
  });

  describe('with a registry', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await TestRegistry.start();
    });
    after(async () => {
      await registry.stop();
    });

    test('--platform picks that platform from a manifest list', async () => {
      const multi = await multiPlatformLayout();
      contexts.adopt(multi.dir);
      const name = await seedAll(registry, `oci:${multi.dir}:multi`, 'multi:latest');
      const dir = ctx({ Containerfile: `FROM ${name}\n` });
      const fresh = new SkiffEnv();
      try {
        const id = lastLine(await fresh.runOk(['build', '-q', '--tls-verify=false', '--platform', 'linux/arm64/v8', dir]));
        assert.equal(`sha256:${id}`, multi.arm64Config);
        assert.equal((await inspect(fresh, id)).Architecture, 'arm64');
      } finally {
        await fresh.cleanup();
      }
    });

    test('--cache-to pushes each step, --cache-from pulls them into a fresh store', async () => {
      const dir = ctx({ Containerfile: 'FROM localhost/busybox\nENV C=1\nRUN echo ran > /ran\nCOPY f /f\n', f: 'f\n' });
      const repo = `${registry.host}/buildcache`;
      const tagged = await env.run(['build', '--cache-to', `${repo}:v1`, dir]);
      assert.deepEqual([tagged.code, tagged.stderr], [125, `Error: unable to parse value provided \`${repo}:v1\` to --cache-to: repository must contain neither a tag nor digest: ${repo}:v1\n`]);
      const pushed = await env.run(['build', '--tls-verify=false', '--cache-to', repo, '-t', 'cached', dir]);
      assert.equal(pushed.code, 0, pushed.stderr);
      const keys = [...pushed.stdout.matchAll(new RegExp(`--> Pushing cache ${repo}:([0-9a-f]{64})\\n`, 'g'))].map((m) => m[1]);
      assert.equal(keys.length, 3, pushed.stdout);
      const fresh = new SkiffEnv();
      try {
        await fresh.runOk(['load', '-i', await dockerArchive()]);
        const r = await fresh.run(['build', '--tls-verify=false', '--cache-from', repo, dir]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual([...r.stdout.matchAll(/--> Cache pulled from remote .*:([0-9a-f]{64})\n--> Using cache/g)].map((m) => m[1]), keys);
        assert.doesNotMatch(r.stdout, /\nran\n/);
        assert.equal(lastLine(r.stdout), (await inspect(env, 'cached')).Id);
      } finally {
        await fresh.cleanup();
      }
    });
  });
});
