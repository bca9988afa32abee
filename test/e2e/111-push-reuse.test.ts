// Push blob reuse through the blob info cache: blobs a repository has are skipped, blobs
// another repository of the registry has are mounted, and only the rest is uploaded. A
// recording proxy in front of the registry counts what went over the wire. Also what
// registry faults (5xx) get: retries, then one line naming registry and repository.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { dockerArchive, ociLayout } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';

const noTls = '--tls-verify=false';

interface Recorded {
  method: string;
  path: string;
  status: number;
}

interface RawManifest {
  config: { digest: string };
  layers: { mediaType: string; digest: string }[];
}

/** A proxy to the registry that records every request, and can answer some with an error instead. */
class RecordingProxy {
  readonly requests: Recorded[] = [];
  /** The next `count` requests matching `method` and `path` get `status` (and `body`) without reaching the registry. */
  fault: { method: string; path: RegExp; status: number; count: number; body?: string; headers?: Record<string, string> } | undefined;
  readonly #server: http.Server;
  host = '';

  constructor(registry: TestRegistry) {
    const port = Number(registry.host.split(':')[1]);
    this.#server = http.createServer((req, res) => {
      const path = req.url ?? '/';
      const fault = this.fault;
      if (fault && fault.count > 0 && req.method === fault.method && fault.path.test(path)) {
        fault.count--;
        this.requests.push({ method: req.method, path, status: fault.status });
        req.resume();
        res.writeHead(fault.status, { 'Content-Type': 'text/plain', ...fault.headers }).end(fault.body ?? 'injected fault');
        return;
      }
      const up = http.request({ host: '127.0.0.1', port, method: req.method, path, headers: req.headers }, (answer) => {
        this.requests.push({ method: req.method!, path, status: answer.statusCode ?? 0 });
        const headers = { ...answer.headers };
        if (typeof headers.location === 'string') headers.location = headers.location.replace(registry.host, this.host);
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  /** Requests recorded since the last call. */
  take(): Recorded[] {
    return this.requests.splice(0);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Requests that carried blob data: the PATCH and the closing PUT of an upload. */
const uploads = (reqs: Recorded[]) => reqs.filter((r) => r.method === 'PATCH' || (r.method === 'PUT' && r.path.includes('/blobs/uploads/')));
const mounts = (reqs: Recorded[]) => reqs.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 201);
const from = (r: Recorded) => new URL(r.path, 'http://x').searchParams.get('from');

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** skiff run under `script`, so stdin, stdout and stderr are a terminal (80 columns). */
async function onTerminal(env: SkiffEnv, args: string[]): Promise<string> {
  const command = `stty cols 80; exec ${[skiffBin, ...env.globalArgs(), ...args].map(shellQuote).join(' ')}`;
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env.env } as NodeJS.ProcessEnv, encoding: 'utf8' });
  return stdout.replace(/\r/g, '');
}

describe('push: blob reuse', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  let proxy: RecordingProxy;
  let diffIds: string[] = [];

  before(async () => {
    registry = await TestRegistry.start();
    proxy = new RecordingProxy(registry);
    await proxy.start();
    await env.runOk(['load', '-q', '-i', await dockerArchive()]);
    diffIds = JSON.parse(await env.runOk(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'localhost/busybox:latest'])) as string[];
  });
  after(async () => {
    await env.cleanup();
    await proxy.stop();
    await registry.stop();
  });

  test('pushed to repository a, then b: b gets every blob by a cross-repository mount from a', async () => {
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${proxy.host}/a:1`]);
    const first = proxy.take();
    assert.equal(uploads(first).filter((r) => r.method === 'PATCH').length, 4);
    assert.equal(mounts(first).length, 0);

    const r = await env.run(['push', noTls, '--remove-signatures', 'localhost/busybox:latest', `${proxy.host}/b:1`]);
    assert.equal(r.code, 0, r.stderr);
    const second = proxy.take();
    assert.deepEqual(uploads(second), []);
    assert.equal(mounts(second).length, 5, JSON.stringify(second));
    assert.ok(mounts(second).every((m) => from(m) === 'a'));
    // On a pipe, Podman names each layer by its diffID, skipped or not.
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('Copying blob')).sort(), diffIds.map((d) => `Copying blob ${d}`).sort());
    const a = (await registry.inspect('a:1', true)) as RawManifest;
    const b = (await registry.inspect('b:1', true)) as RawManifest;
    assert.deepEqual(b.layers, a.layers);
    assert.equal(b.config.digest, a.config.digest);
  });

  test('again to b: every blob is there (HEAD only); a terminal shows them skipped, as Podman does', async () => {
    const out = await onTerminal(env, ['push', noTls, 'localhost/busybox:latest', `${proxy.host}/b:2`]);
    const reqs = proxy.take();
    assert.deepEqual(reqs.filter((q) => q.method !== 'HEAD' && q.method !== 'GET').map((q) => `${q.method} ${q.path}`), ['PUT /v2/b/manifests/2']);
    const b = (await registry.inspect('b:1', true)) as RawManifest;
    const skipped = out.split('\n').filter((l) => l.endsWith(' skipped: already exists'));
    assert.deepEqual(skipped.sort(), b.layers.map((l) => `Copying blob ${l.digest.slice(7, 19)} skipped: already exists`).sort());
    assert.ok(out.includes(`Copying config ${b.config.digest.slice(7, 17)} done\n`), out);
  });

  test('--compression-format zstd does not reuse the gzip blobs; a second zstd push mounts the zstd ones', async () => {
    await env.runOk(['push', '-q', noTls, '--format', 'oci', '--compression-format', 'zstd', 'localhost/busybox:latest', `${proxy.host}/z1:1`]);
    assert.equal(uploads(proxy.take()).filter((r) => r.method === 'PATCH').length, 4);
    const z1 = (await registry.inspect('z1:1', true)) as RawManifest;
    assert.ok(z1.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'));
    await env.runOk(['push', '-q', noTls, '--format', 'oci', '--compression-format', 'zstd', 'localhost/busybox:latest', `${proxy.host}/z2:1`]);
    const reqs = proxy.take();
    assert.deepEqual(uploads(reqs), []);
    for (const layer of z1.layers) {
      assert.ok(mounts(reqs).some((m) => m.path.includes(`mount=${encodeURIComponent(layer.digest)}`) && from(m) === 'z1'), layer.digest);
    }
    assert.deepEqual(((await registry.inspect('z2:1', true)) as RawManifest).layers, z1.layers);
  });

  test('a stale cache entry is not trusted: the blob is uploaded again', async () => {
    const a = (await registry.inspect('a:1', true)) as RawManifest;
    const gone = a.layers[0]!.digest;
    // Only repository "c" will be tried as a source: drop the blob's link from every other one.
    for (const repo of ['a', 'b']) {
      rmSync(join(registry.dir, 'storage/docker/registry/v2/repositories', repo, '_layers/sha256', gone.slice(7)), { recursive: true, force: true });
    }
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${proxy.host}/c:1`]);
    const reqs = proxy.take();
    assert.equal(uploads(reqs).filter((r) => r.method === 'PATCH').length, 1);
    assert.equal(mounts(reqs).length, 4);
    assert.deepEqual(((await registry.inspect('c:1', true)) as RawManifest).layers, a.layers);
  });
});

describe('push: a pulled image goes back without uploading', () => {
  test('pulled, then pushed to another repository (mounts) and to its own (HEADs): no blob data sent, same manifest', async () => {
    const registry = await TestRegistry.start();
    const proxy = new RecordingProxy(registry);
    await proxy.start();
    const env = new SkiffEnv();
    try {
      await registry.seed(`oci:${await ociLayout()}:busybox:latest`, 'seeded:1');
      // On a terminal, a line per blob once done, named as Podman's progress bars name it.
      const pulled = await onTerminal(env, ['pull', noTls, `${proxy.host}/seeded:1`]);
      const seeded = (await registry.inspect('seeded:1', true)) as RawManifest;
      assert.deepEqual(pulled.split('\n').filter((l) => l.startsWith('Copying blob')).sort(), seeded.layers.map((l) => `Copying blob ${l.digest.slice(7, 19)} done`).sort());
      assert.ok(pulled.includes(`\nCopying config ${seeded.config.digest.slice(7, 17)} done\n`), pulled);
      proxy.take();
      const r = await env.run(['push', noTls, `${proxy.host}/seeded:1`, `${proxy.host}/copy:1`]);
      assert.equal(r.code, 0, r.stderr);
      const reqs = proxy.take();
      assert.deepEqual(uploads(reqs), []);
      assert.equal(mounts(reqs).length, 5);
      assert.ok(mounts(reqs).every((m) => from(m) === 'seeded'));
      const copy = (await registry.inspect('copy:1', true)) as RawManifest;
      assert.deepEqual(copy.layers, seeded.layers);
      assert.equal(((await registry.inspect('copy:1')) as { Digest: string }).Digest, ((await registry.inspect('seeded:1')) as { Digest: string }).Digest);

      await env.runOk(['push', '-q', noTls, `${proxy.host}/seeded:1`, `${proxy.host}/seeded:2`]);
      const same = proxy.take();
      assert.deepEqual(same.filter((q) => q.method === 'POST' || q.method === 'PATCH' || q.path.includes('/blobs/uploads/')), []);
    } finally {
      await env.cleanup();
      await proxy.stop();
      await registry.stop();
    }
  });
});

describe('registry faults', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  let proxy: RecordingProxy;

  before(async () => {
    registry = await TestRegistry.start();
    proxy = new RecordingProxy(registry);
    await proxy.start();
    await env.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(async () => {
    await env.cleanup();
    await proxy.stop();
    await registry.stop();
  });

  test('a 5xx during a blob upload is retried (--retry); past the retries: one line naming registry and repository, exit 125', async () => {
    proxy.fault = { method: 'PATCH', path: /^\/v2\/retried\/blobs\/uploads\//, status: 503, count: 1 };
    await env.runOk(['push', '-q', noTls, '--retry=1', '--retry-delay=10ms', 'localhost/busybox:latest', `${proxy.host}/retried:1`]);
    assert.equal(proxy.fault.count, 0);
    assert.equal(((await registry.inspect('retried:1', true)) as RawManifest).layers.length, 4);

    proxy.fault = { method: 'POST', path: /^\/v2\/broken\/blobs\/uploads\//, status: 500, count: 100 };
    const r = await env.run(['push', '-q', noTls, '--retry=0', 'localhost/busybox:latest', `${proxy.host}/broken:1`]);
    assert.equal(r.code, 125);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^Error: trying to push to ${proxy.host}/broken: writing blob for layer sha256:[0-9a-f]{64}: received unexpected HTTP status: 500\\n$`));
  });

  test('a registry declining a mount (202, an upload opened instead): the upload is cancelled, the blob uploaded', async () => {
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${proxy.host}/mountsrc:1`]);
    proxy.take();
    proxy.fault = { method: 'POST', path: /^\/v2\/declined\/blobs\/uploads\/\?mount=/, status: 202, count: 100, headers: { Location: '/v2/declined/blobs/uploads/abandoned' } };
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${proxy.host}/declined:1`]);
    proxy.fault = undefined;
    const reqs = proxy.take();
    const declined = reqs.filter((r) => r.method === 'POST' && r.path.includes('mount=') && r.status === 202).length;
    assert.ok(declined >= 5, `${declined} mounts tried`);
    assert.equal(reqs.filter((r) => r.method === 'DELETE' && r.path === '/v2/declined/blobs/uploads/abandoned').length, declined);
    assert.equal(uploads(reqs).filter((r) => r.method === 'PATCH').length, 4);
    const src = (await registry.inspect('mountsrc:1', true)) as RawManifest;
    assert.deepEqual(((await registry.inspect('declined:1', true)) as RawManifest).layers, src.layers);
  });

  test('a 5xx for the manifest on pull, past the retries: one line naming registry and repository, exit 125', async () => {
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${proxy.host}/pullme:1`]);
    proxy.fault = { method: 'GET', path: /^\/v2\/pullme\/manifests\//, status: 502, count: 2 };
    const retried = await env.run(['pull', '-q', noTls, '--retry=2', '--retry-delay=10ms', `${proxy.host}/pullme:1`]);
    assert.equal(retried.code, 0, retried.stderr);
    proxy.fault = { method: 'GET', path: /^\/v2\/pullme\/manifests\//, status: 502, count: 100 };
    const r = await env.run(['pull', '-q', noTls, '--retry=1', '--retry-delay=10ms', `${proxy.host}/pullme:1`]);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, `Error: initializing source docker://${proxy.host}/pullme:1: reading manifest 1 in ${proxy.host}/pullme: received unexpected HTTP status: 502\n`);
    proxy.fault = undefined;
  });

  test('a Docker schema 1 manifest is refused, a malformed one is an error; both one line, exit 125, nothing stored', async () => {
    const before = await env.runOk(['images', '-q', '--no-trunc']);
    const schema1 = JSON.stringify({ schemaVersion: 1, name: 'old', tag: '1', architecture: 'amd64', fsLayers: [], history: [] });
    proxy.fault = { method: 'GET', path: /^\/v2\/old\/manifests\//, status: 200, count: 1, body: schema1, headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } };
    const old = await env.run(['pull', '-q', noTls, `${proxy.host}/old:1`]);
    assert.equal(old.code, 125);
    assert.match(old.stderr, new RegExp(`^Error: initializing source docker://${proxy.host}/old:1: reading manifest 1 in ${proxy.host}/old: unsupported manifest type .*Docker schema 1 images are not supported.*\n$`));
    proxy.fault = { method: 'GET', path: /^\/v2\/bad\/manifests\//, status: 200, count: 1, body: '{"schemaVersion": 2, "layers": ', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } };
    const bad = await env.run(['pull', '-q', noTls, `${proxy.host}/bad:1`]);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, new RegExp(`^Error: initializing source docker://${proxy.host}/bad:1: reading manifest 1 in ${proxy.host}/bad: [^\n]+\n$`));
    assert.equal(await env.runOk(['images', '-q', '--no-trunc']), before);
    proxy.fault = undefined;
  });
});
