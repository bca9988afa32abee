// kill -9 of `skiff load` at any moment leaves nothing half-visible: no image, no layer row
// without its directory, no directory without its row once the next writer has swept, and
// the next load of the same archive succeeds with every file in place.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';
import { tool } from '../helpers/tools.ts';

const env = new SkiffEnv();
const work = mkdtempSync(join(tmpdir(), 'skiff-crash-'));
let archive = '';

/** A two-layer image of many small files and one large one, so a load takes a while. */
before(async () => {
  const layout = join(work, 'oci');
  await tool('umoci', ['init', '--layout', layout]);
  await tool('umoci', ['new', '--image', `${layout}:big`]);
  for (const layer of [1, 2]) {
    const bundle = join(work, `bundle${layer}`);
    await tool('umoci', ['unpack', '--image', `${layout}:big`, bundle]);
    const dir = join(bundle, 'rootfs', `layer${layer}`);
    mkdirSync(dir, { recursive: true });
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(dir, `d${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(dir, `d${d}`, `f${f}`), `layer ${layer} dir ${d} file ${f}\n`.repeat(20));
    }
    writeFileSync(join(dir, 'large'), Buffer.alloc(24 << 20, layer));
    await tool('umoci', ['repack', '--image', `${layout}:big`, bundle]);
    rmSync(bundle, { recursive: true, force: true });
  }
  archive = join(work, 'big.tar');
  await tool('skopeo', ['copy', '-q', `oci:${layout}:big`, `docker-archive:${archive}:localhost/big:latest`]);
});
after(async () => {
  await env.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function loadKilledAfter(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(skiffBin, [...env.globalArgs(), 'load', '-q', '-i', archive], { env: { ...process.env, ...env.env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function layerDirs(): string[] {
  return readdirSync(join(env.root, 'overlay')).filter((n) => n !== 'l' && n !== 'empty');
}

test('kill -9 during load leaves no partial image, and the next load completes', async () => {
  for (const ms of [150, 400, 700, 1000, 1500]) {
    await loadKilledAfter(ms);
    const images = JSON.parse(await env.runOk(['images', '--format', 'json'])) as { Names?: string[] }[];
    for (const img of images) {
      // an image either is not there or is whole: every file of both layers reads back
      assert.deepEqual(img.Names, ['localhost/big:latest']);
      const mnt = (await env.runOk(['image', 'mount', 'localhost/big'])).trim();
      assert.equal(readdirSync(join(mnt, 'layer1', 'd39')).length, 100);
      assert.equal(readdirSync(join(mnt, 'layer2', 'd39')).length, 100);
      await env.runOk(['image', 'unmount', 'localhost/big']);
      await env.runOk(['rmi', 'localhost/big']);
    }
  }
  assert.equal((await env.runOk(['load', '-i', archive])).trim(), 'Loaded image: localhost/big:latest');
  const mnt = (await env.runOk(['image', 'mount', 'localhost/big'])).trim();
  assert.equal(readdirSync(join(mnt, 'layer2', 'd0')).length, 100);
  await env.runOk(['image', 'unmount', 'localhost/big']);
  // the load swept what the killed ones left: one directory per recorded layer, no staging debris
  assert.equal(layerDirs().length, 2);
  const staging = join(env.root, 'staging');
  assert.deepEqual(readdirSync(staging).filter((n) => !n.startsWith('trash-')), []);
  const check = await tool('sqlite3', [join(env.root, 'skiff.db'), 'PRAGMA integrity_check']);
  assert.equal(check.trim(), 'ok');
});
