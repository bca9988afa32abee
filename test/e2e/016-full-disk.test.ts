// A full disk loses nothing: with the store on a small tmpfs, `import` and `load` of an image
// that does not fit fail with one clear line and exit 125, and leave no image, no layer row,
// no layer directory and nothing in staging; commit of a container whose changes do not fit
// fails the same way. Once there is room again, the same archives go in whole.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { conmonsUnder, containerSkip, IMAGE } from './container-test-helpers.ts';

const isRoot = process.getuid?.() === 0;

describe('a full disk', { skip: isRoot ? false : 'mounting a tmpfs needs root', concurrency: false }, () => {
  const env = new SkiffEnv();
  const work = mkdtempSync(join(tmpdir(), 'skiff-full-disk-'));
  const bigTar = join(work, 'big.tar');

  /** What the store holds: image IDs, layer directories, and what is left in staging. */
  const storeState = async () => ({
    images: (await env.runOk(['images', '-q', '--no-trunc'])).trim().split('\n').filter(Boolean).sort(),
    layers: existsSync(join(env.root, 'overlay')) ? readdirSync(join(env.root, 'overlay')).filter((d) => d !== 'l').sort() : [],
    staging: existsSync(join(env.root, 'staging')) ? readdirSync(join(env.root, 'staging')) : [],
  });

  before(async () => {
    // a root file system with 12 MB of data that does not compress
    const rootfs = join(work, 'rootfs');
    mkdirSync(join(rootfs, 'data'), { recursive: true });
    for (let i = 0; i < 12; i++) writeFileSync(join(rootfs, 'data', `blob${i}`), randomBytes(1 << 20));
    execFileSync('tar', ['-C', rootfs, '-cf', bigTar, '.']);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', env.root]);
    await env.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(async () => {
    await env.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('import and load of an image that does not fit: one line, 125, and the store as it was', async () => {
    const before = await storeState();
    const imported = await env.run(['import', bigTar, 'localhost/big:1']);
    assert.equal(imported.code, 125, imported.stderr);
    assert.match(imported.stderr, /^Error: .*no space left on device[^\n]*\n$/);
    assert.deepEqual(await storeState(), before);

    // the same image as an archive, made where there is room
    const roomy = new SkiffEnv();
    try {
      await roomy.runOk(['import', '-q', bigTar, 'localhost/big:1']);
      await roomy.runOk(['save', '-o', join(work, 'big-archive.tar'), 'localhost/big:1']);
    } finally {
      await roomy.cleanup();
    }
    const loaded = await env.run(['load', '-i', join(work, 'big-archive.tar')]);
    assert.equal(loaded.code, 125, loaded.stderr);
    assert.match(loaded.stderr, /no space left on device[^\n]*\n$/);
    assert.deepEqual(await storeState(), before);
  });

  /** Fills what is left of the store's tmpfs with a host file; returns a function that frees it. */
  const fillUp = (): (() => void) => {
    const file = join(env.root, 'filler');
    execFileSync('sh', ['-c', 'dd if=/dev/zero of="$1" bs=64k 2>/dev/null; true', 'sh', file]);
    return () => rmSync(file, { force: true });
  };

  test('commit of changes that do not fit: one line, 125, and no new image', { skip: containerSkip }, async () => {
    await env.runOk(['run', '--name', 'writer', '--network', 'none', IMAGE, 'sh', '-c', 'dd if=/dev/urandom of=/written bs=1M count=2 2>/dev/null']);
    const before = await storeState();
    const free = fillUp();
    try {
      const committed = await env.run(['commit', 'writer', 'localhost/written:1']);
      assert.equal(committed.code, 125, committed.stderr);
      assert.match(committed.stderr, /^Error: .*no space left on device[^\n]*\n$/);
      // with no room at all the store can still be read; a change is refused with the reason
      assert.deepEqual(await storeState(), before);
      assert.match(await env.runOk(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /^writer Exited \(0\) /);
      const tagged = await env.run(['tag', IMAGE, 'localhost/another:1']);
      assert.equal(tagged.code, 125);
      assert.match(tagged.stderr, /^Error: .*no space left on device\n$/);
    } finally {
      free();
    }
    assert.deepEqual(await storeState(), before);
    await env.runOk(['commit', '-q', 'writer', 'localhost/written:1']);
    await env.runOk(['rm', 'writer']);
  });

  test('a container that fills the disk: run ends with 125 (conmon could not record the exit), and ps catches up once there is room', { skip: containerSkip }, async () => {
    const r = await env.run(['run', '--name', 'filler', '--network', 'none', IMAGE, 'sh', '-c', 'dd if=/dev/urandom of=/fill bs=1M count=64 2>/dev/null; echo done'], { timeoutMs: 60_000 });
    assert.equal(r.code, 125, r.stderr);
    assert.equal(r.stdout, 'done\n');
    assert.match(r.stderr, /^Error: conmon failed: monitor of container [0-9a-f]{64} exited without writing an exit code\n$/);
    assert.deepEqual(conmonsUnder(env.dir), [], 'no conmon left waiting');
    // room again (the container's own file goes with it): ps records that it stopped
    execFileSync('mount', ['-o', 'remount,size=128m', env.root]);
    assert.match(await env.runOk(['ps', '-a', '--filter', 'name=filler', '--format', '{{.Status}}']), /^Exited \(-1\) /);
    await env.runOk(['rm', 'filler']);
    execFileSync('mount', ['-o', 'remount,size=8m', env.root]);
  });

  test('with room again, the same image goes in whole', async () => {
    execFileSync('mount', ['-o', 'remount,size=64m', env.root]);
    await env.runOk(['import', '-q', bigTar, 'localhost/big:1']);
    const size = Number(await env.runOk(['image', 'inspect', '--format', '{{.Size}}', 'localhost/big:1']));
    assert.ok(size >= 12 << 20, `size ${size}`);
    assert.deepEqual((await storeState()).staging, []);
  });
});
