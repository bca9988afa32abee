// Round trips through archives written by tools skiff did not write (skopeo) and read by
// them: what skiff saves, skopeo inspects with the same config and layer digests; what
// skopeo writes, skiff loads to the same image ID. Broken archives store nothing.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive, gzipDockerArchive, multiImageDockerArchive, ociArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { tool } from '../helpers/tools.ts';

const env = new SkiffEnv();
const work = mkdtempSync(join(tmpdir(), 'skiff-saveload-'));
let imageId = '';
let diffIds: string[] = [];


async function skopeoConfigDigest(ref: string): Promise<string> {
  const raw = await tool('skopeo', ['inspect', '--config', '--raw', ref]);
  const { createHash } = await import('node:crypto');
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

before(async () => {
  await env.runOk(['load', '-i', await dockerArchive()]);
  imageId = (await env.runOk(['image', 'inspect', '--format', '{{.Id}}', 'localhost/busybox'])).trim();
  diffIds = JSON.parse(await env.runOk(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'localhost/busybox'])) as string[];
});
after(async () => {
  await env.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('save, read back by skopeo', () => {
  test('docker-archive (default): same config digest, layers, and name', async () => {
    const out = join(work, 'saved-docker.tar');
    assert.equal(await env.runOk(['save', '-o', out, 'localhost/busybox:latest']), '');
    assert.equal(await skopeoConfigDigest(`docker-archive:${out}`), `sha256:${imageId}`);
    const info = JSON.parse(await tool('skopeo', ['inspect', `docker-archive:${out}`])) as { Layers: string[] };
    assert.deepEqual(info.Layers, diffIds);
  });

  test('oci-archive and oci-dir: same config digest; skopeo copies them on', async () => {
    const archive = join(work, 'saved-oci.tar');
    await env.runOk(['save', '--format', 'oci-archive', '-o', archive, 'localhost/busybox:latest']);
    assert.equal(await skopeoConfigDigest(`oci-archive:${archive}`), `sha256:${imageId}`);
    const dir = join(work, 'saved-oci-dir');
    await env.runOk(['save', '--format', 'oci-dir', '-o', dir, 'localhost/busybox:latest']);
    assert.equal(await skopeoConfigDigest(`oci:${dir}`), `sha256:${imageId}`);
    await tool('skopeo', ['copy', '-q', `oci-archive:${archive}`, `oci:${join(work, 'copied')}:x`]);
  });

  test('docker-dir: skopeo reads the dir: transport', async () => {
    const dir = join(work, 'saved-dir');
    await env.runOk(['save', '--format', 'docker-dir', '-o', dir, 'localhost/busybox:latest']);
    assert.equal(await skopeoConfigDigest(`dir:${dir}`), `sha256:${imageId}`);
  });

  test('save to stdout, load from stdin: the same image', async () => {
    const saved = await env.run(['save', 'localhost/busybox:latest']);
    assert.equal(saved.code, 0, saved.stderr);
    const other = new SkiffEnv();
    try {
      assert.equal((await other.runOk(['load'], { input: saved.stdoutBuffer })).trim(), 'Loaded image: localhost/busybox:latest');
      assert.equal((await other.runOk(['image', 'inspect', '--format', '{{.Id}}', 'localhost/busybox'])).trim(), imageId);
    } finally {
      await other.cleanup();
    }
  });
});

describe('load archives written by skopeo', () => {
  for (const [name, make] of [['oci-archive', ociArchive], ['gzip docker-archive', gzipDockerArchive]] as const) {
    test(`${name} loads to the image ID skopeo computes`, async () => {
      const other = new SkiffEnv();
      try {
        const file = await make();
        await other.runOk(['load', '-i', file]);
        const ids = (await other.runOk(['images', '-q', '--no-trunc'])).trim();
        assert.equal(ids, `sha256:${imageId}`);
      } finally {
        await other.cleanup();
      }
    });
  }

  test('a two-image archive loads both names', async () => {
    const other = new SkiffEnv();
    try {
      const out = await other.runOk(['load', '-i', await multiImageDockerArchive()]);
      assert.match(out, /Loaded image: localhost\/busybox:latest/);
      assert.match(out, /Loaded image: localhost\/second:latest/);
      assert.equal((await other.runOk(['images', '-q'])).trim().split('\n').length, 2);
    } finally {
      await other.cleanup();
    }
  });

  test('skopeo copies skiff\'s docker-archive into an OCI layout with the same layers', async () => {
    const out = join(work, 'for-skopeo.tar');
    await env.runOk(['save', '-o', out, 'localhost/busybox']);
    await tool('skopeo', ['copy', '-q', `docker-archive:${out}`, `oci:${join(work, 'layout2')}:y`]);
    // skopeo rewrites a Docker config as an OCI one on the way; the layers stay the same
    const config = JSON.parse(await tool('skopeo', ['inspect', '--config', `oci:${join(work, 'layout2')}:y`])) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(config.rootfs.diff_ids, diffIds);
  });
});

describe('broken archives store nothing', () => {
  test('truncated archive: clear error, exit 125, no image, no layer', async () => {
    const other = new SkiffEnv();
    try {
      const file = join(work, 'truncated.tar');
      copyFileSync(await dockerArchive(), file);
      truncateSync(file, Math.floor(statSync(file).size / 2));
      const r = await other.run(['load', '-i', file]);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /^Error: .+\n$/);
      assert.equal(await other.runOk(['images', '-aq']), '');
    } finally {
      await other.cleanup();
    }
  });

  test('a corrupted layer byte fails its digest and stores nothing', async () => {
    const other = new SkiffEnv();
    try {
      const file = join(work, 'corrupt.tar');
      const bytes = readFileSync(await dockerArchive());
      // flip a byte in the middle of the first (2 MB, busybox) layer: file content, not a header
      const manifest = JSON.parse(await tool('tar', ['-xOf', await dockerArchive(), 'manifest.json'])) as { Layers: string[] }[];
      const layerName = manifest[0]!.Layers[0]!;
      const at = bytes.indexOf(Buffer.from(layerName)) + 512 + 1_000_000;
      bytes[at] = bytes[at]! ^ 0xff;
      writeFileSync(file, bytes);
      const r = await other.run(['load', '-i', file]);
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, /digest/i);
      assert.equal(await other.runOk(['images', '-aq']), '');
    } finally {
      await other.cleanup();
    }
  });

  test('a missing file: Podman\'s message', async () => {
    const r = await env.run(['load', '-i', '/nonexistent/archive.tar']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: stat /nonexistent/archive.tar: no such file or directory\n');
  });
});

describe('pull from archives and layouts (transports other than a registry)', () => {
  test('docker-archive:, oci-archive:, oci:DIR:REF and dir: give the same image; run takes them too', async () => {
    const other = new SkiffEnv();
    try {
      const { fixturesDir } = await import('../helpers/fixtures.ts');
      const dir = await fixturesDir();
      const refs = [
        `docker-archive:${await dockerArchive()}`,
        `oci-archive:${await ociArchive()}`,
        `dir:${join(dir, 'busybox-dir')}`,
      ];
      for (const ref of refs) {
        const r = await other.run(['pull', ref]);
        assert.equal(r.code, 0, `${ref}: ${r.stderr}`);
        assert.equal(r.stdout, `${imageId}\n`, ref);
      }
      assert.equal((await other.runOk(['run', '--rm', refs[0]!, 'echo', 'from an archive'])), 'from an archive\n');
      const bad = await other.run(['pull', 'oci-archive:/nonexistent.tar']);
      assert.equal(bad.code, 125);
      assert.match(bad.stderr, /^Error: .*nonexistent\.tar.*\n$/);
    } finally {
      await other.cleanup();
    }
  });
});
