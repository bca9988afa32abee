// The test harness itself: SkiffEnv runs bin/skiff, fixtures build and are what other tools
// read, the test registry serves them, and the layer lint catches what it should.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  busyboxRootfsTar, dirImage, dockerArchive, gzipDockerArchive, imageConfig, imageNames,
  multiImageDockerArchive, ociArchive, ociLayout,
} from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv, repoRoot, unmountUnder } from '../helpers/skiff.ts';
import { tool } from '../helpers/tools.ts';

const execFileP = promisify(execFile);

interface SkopeoInspect { Layers: string[]; Labels: Record<string, string> | null; Env: string[] }

async function skopeoInspect(ref: string): Promise<SkopeoInspect> {
  return JSON.parse(await tool('skopeo', ['--insecure-policy', 'inspect', ref])) as SkopeoInspect;
}

describe('SkiffEnv', () => {
  const env = new SkiffEnv();
  after(() => env.cleanup());

  test('skiff --version prints the version', async () => {
    const r = await env.run(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^skiff version \S+\n$/);
  });

  test('an unknown command exits 125 with an error', async () => {
    const r = await env.run(['nosuchcommand']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^Error: unrecognized command `skiff nosuchcommand`/);
  });

  test('runOk returns stdout and rejects a failure with its output', async () => {
    assert.match(await env.runOk(['--version']), /^skiff version /);
    await assert.rejects(env.runOk(['nosuchcommand']), /exited 125[\s\S]*unrecognized command/);
  });

  test('the env points skiff at private, empty config files', () => {
    assert.equal(env.env['CONTAINERS_CONF'], env.containersConf);
    assert.equal(env.env['CONTAINERS_REGISTRIES_CONF'], env.registriesConf);
    assert.equal(env.env['CONTAINERS_STORAGE_CONF'], env.storageConf);
    assert.ok(env.containersConf.startsWith(env.dir));
    assert.deepEqual(env.globalArgs(), ['--root', env.root, '--runroot', env.runroot, '--tmpdir', env.tmpdir]);
  });

  test('cleanup unmounts what is mounted below the env and removes it', async () => {
    const other = new SkiffEnv();
    const mnt = join(other.root, 'mnt');
    mkdirSync(mnt);
    await execFileP('mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
    await execFileP('mount', ['-t', 'tmpfs', 'tmpfs', mnt]);
    writeFileSync(join(mnt, 'file'), 'x');
    await other.cleanup();
    assert.equal(existsSync(other.dir), false);
  });
});

describe('fixtures', () => {
  test('the OCI layout holds busybox:latest with its layers and config', async () => {
    const layout = await ociLayout();
    const info = await skopeoInspect(`oci:${layout}:${imageNames.ociRef}`);
    assert.equal(info.Layers.length, imageConfig.layers);
    assert.deepEqual(info.Labels, imageConfig.labels);
    assert.deepEqual(info.Env, imageConfig.env);
  });

  test('the archives are readable by skopeo', async () => {
    const docker = await skopeoInspect(`docker-archive:${await dockerArchive()}`);
    assert.equal(docker.Layers.length, imageConfig.layers);
    assert.equal((await skopeoInspect(`oci-archive:${await ociArchive()}:${imageNames.ociRef}`)).Layers.length, imageConfig.layers);
    assert.equal((await skopeoInspect(`dir:${await dirImage()}`)).Layers.length, imageConfig.layers);
    const multi = await multiImageDockerArchive();
    assert.equal((await skopeoInspect(`docker-archive:${multi}:${imageNames.docker}`)).Layers.length, imageConfig.layers);
    assert.equal((await skopeoInspect(`docker-archive:${multi}:${imageNames.second}`)).Layers.length, imageConfig.layers + 1);
  });

  test('the rootfs tar and the gzip archive are tar files', async () => {
    const list = await tool('tar', ['-tf', await busyboxRootfsTar()]);
    for (const name of ['./bin/busybox', './bin/sh', './etc/passwd', './etc/group', './tmp/', './home/app/']) {
      assert.ok(list.split('\n').includes(name), `${name} in the rootfs tar`);
    }
    assert.ok((await tool('tar', ['-tzf', await gzipDockerArchive()])).includes('manifest.json'));
  });
});

describe('TestRegistry', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await TestRegistry.start({ auth: { user: 'tester', password: 'secret' } });
  });
  after(() => registry.stop());

  test('serves an image seeded with skopeo, behind basic auth', async () => {
    const ref = await registry.seed(`oci:${await ociLayout()}:${imageNames.ociRef}`, 'busybox:latest');
    assert.equal(ref, `${registry.host}/busybox:latest`);
    const info = await registry.inspect('busybox:latest') as SkopeoInspect;
    assert.equal(info.Layers.length, imageConfig.layers);
    const anonymous = await fetch(`http://${registry.host}/v2/`);
    await anonymous.arrayBuffer();
    assert.equal(anonymous.status, 401);
  });
});

describe('check-layers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-lint-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function put(path: string, text: string): void {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }

  async function lint(): Promise<{ code: number; stderr: string }> {
    return execFileP(process.execPath, [join(repoRoot, 'scripts/check-layers.mjs'), join(dir, 'src')], { cwd: dir })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
  }

  test('accepts imports that point down and define imported from anywhere', async () => {
    put('src/cli/main.ts', "import { a } from '../engine/e.ts';\nimport { E } from '../define/errors.ts';\nconsole.log(a, E);\n");
    put('src/engine/e.ts', "import { d } from '../domain/d.ts';\nexport const a = d;\n");
    put('src/domain/d.ts', "import { i } from '../infra/sys/i.ts';\nexport const d = i;\n");
    put('src/infra/sys/i.ts', "// console.log('in a comment')\nexport const i = 'process.exit() in a string';\n");
    put('src/define/errors.ts', 'export class E extends Error {}\n');
    assert.deepEqual(await lint(), { code: 0, stderr: '' });
  });

  test('refuses upward imports, define importing layers, and printing below cli', async () => {
    put('src/infra/sys/bad.ts', "import type { X } from '../../domain/d.ts';\nexport const f = () => import('../../cli/main.ts');\n");
    put('src/define/bad.ts', "export { i } from '../infra/sys/i.ts';\n");
    put('src/engine/print.ts', 'export function p(): void {\n  process.stderr.write("x");\n  process.exit(1);\n}\n');
    const r = await lint();
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(': ')[0]);
    assert.deepEqual(lines, [
      'src/define/bad.ts:1', 'src/engine/print.ts:2', 'src/engine/print.ts:3', 'src/infra/sys/bad.ts:1', 'src/infra/sys/bad.ts:2',
    ]);
  });
});

test('unmountUnder leaves other mounts alone', async () => {
  const a = mkdtempSync(join(tmpdir(), 'skiff-mnt-'));
  const b = `${a}-sibling`;
  mkdirSync(b);
  await execFileP('mount', ['-t', 'tmpfs', 'tmpfs', b]);
  try {
    await unmountUnder(a);
    assert.equal(readdirSync(b).length, 0);
    assert.match(await tool('findmnt', ['-n', '-o', 'TARGET', b]), /sibling/);
  } finally {
    await execFileP('umount', [b]);
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  }
});
