import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { lgetxattr, lsetxattr, mknod, S_IFCHR } from '../../../infra/sys/fs-syscalls.ts';
import { collect, packTar } from '../../../infra/storage/layer/test-kit.test.ts';
import { tarDirectory } from '../../../infra/storage/layer/tar-dir.ts';
import { Store } from '../../../infra/storage/store.ts';
import { parseImageConfig } from '../../images/image-config.ts';
import { commitConfig, type CommitSource } from './commit-config.ts';
import { commitImage } from './commit-image.ts';

const base = mkdtempSync(join(tmpdir(), 'skiff-commit-'));
after(() => rmSync(base, { recursive: true, force: true }));

const source: CommitSource = {
  id: 'c'.repeat(64),
  imageName: 'localhost/base:latest',
  imageId: '',
  entrypoint: [],
  command: ['sleep', '1000'],
  env: ['PATH=/bin', 'TERM=xterm', 'A=1'],
  workingDir: '/data',
  user: '',
  labels: { mine: 'yes' },
  ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp', range: 1 }],
  exposedPorts: [],
};

test('the config: what the container ran with, then --change', () => {
  const parent = { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: { img: '1' }, StopSignal: 'SIGTERM' }, rootfs: { type: 'layers', diff_ids: ['sha256:a'] }, history: [{ created_by: 'base' }] };
  const cfg = commitConfig(parent, source, { format: 'oci', changes: ['CMD ["/bin/echo","hi"]', 'ENV B=2'], author: 'Me', message: 'ignored in oci', diffId: 'sha256:b', created: '2024-01-01T00:00:00Z' });
  assert.deepEqual(cfg.config, {
    Env: ['PATH=/bin', 'TERM=xterm', 'A=1', 'B=2'], Cmd: ['/bin/echo', 'hi'], Labels: { img: '1', mine: 'yes' }, StopSignal: 'SIGTERM',
    ExposedPorts: { '80/tcp': {} }, WorkingDir: '/data',
  });
  assert.deepEqual(cfg.rootfs, { type: 'layers', diff_ids: ['sha256:a', 'sha256:b'] });
  assert.deepEqual(cfg.history?.at(-1), { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh', author: 'Me', comment: 'FROM localhost/base:latest' });
  assert.equal(cfg.author, 'Me');
  assert.equal(cfg.comment, undefined);
  const docker = commitConfig(parent, source, { format: 'docker', changes: [], message: 'msg', diffId: 'sha256:b', created: '2024-01-01T00:00:00Z' }) as Record<string, unknown>;
  assert.equal(docker.comment, 'msg');
  assert.equal(docker.container, source.id);
});

test('an upper directory committed as a layer: whiteouts and opaque directories in OCI form', async () => {
  const store = Store.open({ graphRoot: join(base, 'root'), runRoot: join(base, 'run'), whiteoutFormat: 'overlay-root' });
  after(() => store.close());
  const baseTar = await packTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/gone', data: 'x' },
    { name: 'opq/', type: 'directory' },
    { name: 'opq/old', data: 'o' },
  ]);
  const baseLayer = await store.layers.put(async () => Readable.from([baseTar]), { parent: undefined });
  const baseConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [baseLayer.diffId] } }));
  const image = store.images.put({ id: 'a'.repeat(64), digest: 'sha256:00', manifest: Buffer.from('{}'), manifestType: 'application/vnd.oci.image.manifest.v1+json', config: baseConfig, topLayer: baseLayer.id, size: 1, names: [], digests: [] });

  const upper = join(base, 'upper');
  mkdirSync(join(upper, 'etc'), { recursive: true });
  mkdirSync(join(upper, 'opq'));
  writeFileSync(join(upper, 'new'), 'new\n');
  mknod(join(upper, 'etc/gone'), S_IFCHR, 0, 0);
  lsetxattr(join(upper, 'opq'), 'trusted.overlay.opaque', Buffer.from('y'));
  writeFileSync(join(upper, 'opq/fresh'), 'f');

  const names = (await collect(tarDirectory(upper, { overlayWhiteouts: 'overlay-root' }))).toString('latin1');
  assert.ok(names.includes('etc/.wh.gone'));
  assert.ok(names.includes('opq/.wh..wh..opq'));
  assert.ok(!names.includes('trusted.overlay'));

  const img = await commitImage(store, { source: { ...source, imageId: image.id }, upperDir: upper, whiteoutFormat: 'overlay-root', name: 'localhost/committed:latest', format: 'oci', changes: [] });
  assert.deepEqual(img.names, ['localhost/committed:latest']);
  const cfg = parseImageConfig(img.config);
  assert.equal(cfg.rootfs?.diff_ids.length, 2);
  const chain = store.layers.chain(img.topLayer);
  assert.equal(chain.length, 2);
  const top = store.paths.layerDiff(img.topLayer!);
  assert.equal(readFileSync(join(top, 'new'), 'utf8'), 'new\n');
  assert.ok(lstatSync(join(top, 'etc/gone')).isCharacterDevice());
  assert.equal(lgetxattr(join(top, 'opq'), 'trusted.overlay.opaque')?.toString(), 'y');
  const manifest = JSON.parse(img.manifest.toString()) as { layers: { digest: string }[] };
  assert.deepEqual(manifest.layers.map((l) => l.digest), chain.map((l) => l.diffId));
});
