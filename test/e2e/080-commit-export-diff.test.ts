// `diff`, `commit` and `export`: a container's changes as Podman lists them, as a new image
// that runs with them, and as a tar of the whole file system.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive, imageNames } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const image = imageNames.docker;
const changes = 'echo new > /new; rm /data/file.txt; echo more >> /etc/passwd; mkdir -p /a/b; rm -rf /data/opaque-dir; mkdir /data/opaque-dir; touch /data/opaque-dir/z';

describe('diff', () => {
  const env = new SkiffEnv();
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    await env.runOk(['run', '-d', '--name', 'changed', image, 'sleep', '1000']);
    await env.runOk(['exec', 'changed', 'sh', '-c', changes]);
  });
  after(() => env.cleanup());

  test('a container\'s changes, in Podman\'s order, without the mount points', async () => {
    const expected = 'A /a\nA /a/b\nC /data\nD /data/file.txt\nD /data/opaque-dir\nA /data/opaque-dir/z\nC /etc\nC /etc/passwd\nA /new\n';
    assert.equal(await env.runOk(['diff', 'changed']), expected);
    assert.equal(await env.runOk(['container', 'diff', 'changed']), expected);
  });

  test('--format json groups them', async () => {
    const json = await env.runOk(['diff', '--format', 'json', 'changed']);
    assert.deepEqual(JSON.parse(json), {
      changed: ['/data', '/etc', '/etc/passwd'],
      added: ['/a', '/a/b', '/data/opaque-dir/z', '/new'],
      deleted: ['/data/file.txt', '/data/opaque-dir'],
    });
    assert.ok(json.startsWith('{\n     "changed": [\n          "/data",'), json);
  });

  test('an image\'s top layer against the layers below it', async () => {
    const expected = 'C /data\nD /data/opaque-dir\nA /data/opaque-dir/fresh\n';
    assert.equal(await env.runOk(['diff', image]), expected);
    assert.equal(await env.runOk(['image', 'diff', image]), expected);
  });

  test('two containers against each other', async () => {
    await env.runOk(['run', '-d', '--name', 'other', image, 'sleep', '1000']);
    await env.runOk(['exec', 'other', 'touch', '/other-file']);
    const out = await env.runOk(['diff', 'other', 'changed']);
    assert.match(out, /^A \/other-file$/m);
    assert.match(out, /^D \/new$/m);
    assert.match(out, /^A \/data\/file.txt$/m);
  });

  test('errors', async () => {
    const cases: Array<[string[], string]> = [
      [['diff', 'nope'], 'nope not found: layer not known'],
      [['container', 'diff', 'nope'], 'nope not found: container not known'],
      [['diff', '--format', 'xml', 'changed'], "only supported value for '--format' is 'json'"],
      [['diff'], '"skiff diff" requires a name, id, or the "--latest" flag'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });
});

describe('commit', () => {
  const env = new SkiffEnv();
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    await env.runOk(['run', '-d', '--name', 'src', image, 'sleep', '1000']);
    await env.runOk(['exec', 'src', 'sh', '-c', 'echo committed > /committed.txt; rm /data/file.txt']);
  });
  after(() => env.cleanup());

  test('the new image runs with the container\'s changes', async () => {
    const out = await env.run(['commit', 'src', 'snapshot']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(await env.runOk(['image', 'inspect', '--format', '{{.Id}}', 'localhost/snapshot:latest']), out.stdout);
    assert.equal(await env.runOk(['run', '--rm', 'snapshot', 'cat', '/committed.txt']), 'committed\n');
    const gone = await env.run(['run', '--rm', 'snapshot', 'ls', '/data/file.txt']);
    assert.notEqual(gone.code, 0, 'a file the container deleted stays deleted');
  });

  test('the config takes the container\'s command and environment, then --change', async () => {
    await env.runOk(['commit', '-q', '-c', 'ENV EXTRA=1', '-c', 'LABEL committed=yes', 'src', 'withchanges']);
    const config = JSON.parse(await env.runOk(['image', 'inspect', '--format', '{{json .Config}}', 'withchanges'])) as { Cmd: string[]; Env: string[]; Labels: Record<string, string>; WorkingDir: string };
    assert.deepEqual(config.Cmd, ['sleep', '1000']);
    assert.deepEqual(config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm', 'container=podman', 'SKIFF_FIXTURE=busybox', 'EXTRA=1']);
    assert.deepEqual(config.Labels, { 'org.skiff.fixture': 'busybox', committed: 'yes' });
    assert.equal(config.WorkingDir, '/data');
    const history = await env.runOk(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'withchanges']);
    assert.equal(history.split('\n')[0], `/bin/sh|FROM ${image}`);
  });

  test('--change CMD, the docker format with -m and -a, --iidfile', async () => {
    const iidfile = join(env.dir, 'iid');
    const id = (await env.runOk(['commit', '-q', '-f', 'docker', '-m', 'my message', '-a', 'Me <me@example.com>', '-c', 'CMD ["/bin/echo", "hi"]', '--iidfile', iidfile, 'src', 'echoer'])).trim();
    assert.equal(readFileSync(iidfile, 'utf8'), id);
    assert.equal(await env.runOk(['run', '--rm', 'echoer']), 'hi\n');
    assert.equal(
      await env.runOk(['image', 'inspect', '--format', '{{.Comment}}|{{.Author}}|{{.ManifestType}}', 'echoer']),
      'my message|Me <me@example.com>|application/vnd.docker.distribution.manifest.v2+json\n',
    );
  });

  test('-m with the OCI format warns that it is dropped', async () => {
    const r = await env.run(['commit', '-q', '-m', 'dropped', 'src']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /COMMENT is not supported for OCI image format, comment dropped will be ignored/);
  });

  test('a stopped container, and --pause', async () => {
    await env.runOk(['create', '--name', 'created', image, 'true']);
    const file = join(env.dir, 'from-host');
    writeFileSync(file, 'copied in\n');
    await env.runOk(['cp', file, 'created:/from-host']);
    await env.runOk(['commit', '-q', 'created', 'fromcreated']);
    assert.equal(await env.runOk(['run', '--rm', 'fromcreated', 'cat', '/from-host']), 'copied in\n');
    await env.runOk(['commit', '-q', '--pause', 'src', 'paused']);
    assert.equal(await env.runOk(['inspect', '--format', '{{.State.Status}}', 'src']), 'running\n');
  });

  test('errors', async () => {
    const cases: Array<[string[], string]> = [
      [['commit', '-f', 'xxx', 'src'], 'unrecognized image format "xxx"'],
      [['commit', 'src', 'UPPER'], 'repository name must be lowercase'],
      [['commit', 'nope'], 'no container with name or ID "nope" found: no such container'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });
});

describe('export', () => {
  const env = new SkiffEnv();
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    await env.runOk(['run', '-d', '--name', 'ctr', image, 'sleep', '1000']);
    await env.runOk(['exec', 'ctr', 'sh', '-c', 'echo exported > /exported.txt; rm /data/file.txt']);
    await env.runOk(['create', '--name', 'idle', image, 'true']);
  });
  after(() => env.cleanup());

  function listing(tar: Buffer): string[] {
    const path = join(env.dir, `listing-${Date.now()}.tar`);
    writeFileSync(path, tar);
    return execFileSync('tar', ['-tf', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
  }

  test('the whole file system, changes included, to stdout', async () => {
    const r = await env.run(['export', 'ctr']);
    assert.equal(r.code, 0, r.stderr);
    const names = listing(r.stdoutBuffer);
    assert.ok(names.includes('bin/busybox'));
    assert.ok(names.includes('exported.txt'));
    assert.ok(!names.includes('data/file.txt'));
    assert.ok(names.includes('data/hardlink'));
  });

  test('-o writes a file; a container that is not running works too', async () => {
    const out = join(env.dir, 'idle.tar');
    await env.runOk(['export', '-o', out, 'idle']);
    const names = listing(readFileSync(out));
    assert.ok(names.includes('data/file.txt'));
    const r = await env.run(['export', '-o', '/nonexistent/dir/x.tar', 'idle']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: creating file "/nonexistent/dir/x.tar": open /nonexistent/dir/x.tar: no such file or directory\n');
  });

  test('an import of the export runs', async () => {
    const out = join(env.dir, 'ctr.tar');
    await env.runOk(['export', '-o', out, 'ctr']);
    await env.runOk(['import', out, 'reimported']);
    assert.equal(await env.runOk(['run', '--rm', 'reimported', 'cat', '/exported.txt']), 'exported\n');
  });
});
