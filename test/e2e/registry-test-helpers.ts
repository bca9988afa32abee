/**
 * What the registry e2e tests share: a multi-platform OCI layout made from the busybox
 * fixture, the config digest of an image in a registry (skopeo's view), and a front server
 * of our own (node:http/https on 127.0.0.1) that proxies to a TestRegistry while adding a
 * Bearer token flow and/or TLS with a self-signed certificate.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ociLayout } from '../helpers/fixtures.ts';
import type { TestRegistry } from '../helpers/registry.ts';
import { tool } from '../helpers/tools.ts';

function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/**
 * An OCI layout whose `multi` tag is an image index of two images sharing the fixture's
 * layers: linux/amd64 (the fixture itself) and linux/arm64/v8 (same layers, another config).
 * Returns the layout dir and the config digest of each platform's image.
 */
export async function multiPlatformLayout(): Promise<{ dir: string; amd64Config: string; arm64Config: string }> {
  const src = await ociLayout();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-multi-'));
  cpSync(src, dir, { recursive: true });
  const blob = (digest: string) => join(dir, 'blobs', 'sha256', digest.slice(7));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] };
  const amd = index.manifests[0]!;
  const amdManifest = JSON.parse(readFileSync(blob(amd.digest), 'utf8')) as { config: { digest: string; size: number } };
  const config = JSON.parse(readFileSync(blob(amdManifest.config.digest), 'utf8')) as Record<string, unknown>;
  const armConfigBytes = Buffer.from(JSON.stringify({ ...config, architecture: 'arm64', variant: 'v8' }));
  const armConfigDigest = sha256(armConfigBytes);
  writeFileSync(blob(armConfigDigest), armConfigBytes);
  const armManifestBytes = Buffer.from(JSON.stringify({ ...amdManifest, config: { ...amdManifest.config, digest: armConfigDigest, size: armConfigBytes.length } }));
  const armDigest = sha256(armManifestBytes);
  writeFileSync(blob(armDigest), armManifestBytes);
  const inner = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: amd.mediaType, digest: amd.digest, size: amd.size, platform: { architecture: 'amd64', os: 'linux' } },
      { mediaType: amd.mediaType, digest: armDigest, size: armManifestBytes.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    ],
  }));
  const innerDigest = sha256(inner);
  writeFileSync(blob(innerDigest), inner);
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: innerDigest, size: inner.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }],
  }));
  return { dir, amd64Config: amdManifest.config.digest, arm64Config: armConfigDigest };
}

/** Copies every image of an index (skopeo copy --all) into the registry as `name`. */
export async function seedAll(registry: TestRegistry, source: string, name: string): Promise<string> {
  await tool('skopeo', ['--insecure-policy', 'copy', '--all', '--quiet', '--dest-tls-verify=false', source, `docker://${registry.host}/${name}`]);
  return `${registry.host}/${name}`;
}

/** The config digest (the image ID skiff should give it) of an image in the registry. */
export async function remoteConfigDigest(registry: TestRegistry, name: string): Promise<string> {
  const manifest = (await registry.inspect(name, true)) as { config: { digest: string } };
  return manifest.config.digest;
}

export interface FrontOptions {
  /** Require Bearer tokens, issued by /token for these credentials (anonymous: pull only). */
  bearer?: { user: string; password: string };
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1. */
  tls?: boolean;
}

/** A server in front of a registry, adding token auth and/or TLS. */
export class FrontServer {
  readonly host: string;
  /** the self-signed certificate (PEM) when tls */
  readonly certPem: string | undefined;
  /** Authorization headers seen (to check which scheme the client used). */
  readonly seenAuth: string[] = [];
  /** Set to cut the next blob download after some bytes, as a registry dying mid-pull would. */
  cutNextBlob = false;
  readonly #server: http.Server;
  readonly #dir: string;

  private constructor(server: http.Server, host: string, certPem: string | undefined, dir: string) {
    this.#server = server;
    this.host = host;
    this.certPem = certPem;
    this.#dir = dir;
  }

  static async start(registry: TestRegistry, opts: FrontOptions): Promise<FrontServer> {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-front-'));
    const tokens = new Map<string, string>();
    let certPem: string | undefined;
    let key: string | undefined;
    if (opts.tls) {
      await tool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
      certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      key = readFileSync(join(dir, 'key.pem'), 'utf8');
    }
    let self: FrontServer | undefined;
    const handler: http.RequestListener = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const auth = req.headers.authorization ?? '';
      self?.seenAuth.push(auth.split(' ')[0] ?? '');
      const scheme = opts.tls ? 'https' : 'http';
      if (opts.bearer && url.pathname === '/token') {
        const want = `Basic ${Buffer.from(`${opts.bearer.user}:${opts.bearer.password}`).toString('base64')}`;
        const scope = url.searchParams.get('scope') ?? '';
        if (auth && auth !== want) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
          return;
        }
        const actions = auth ? scope : scope.replace(/pull,push|push/, 'pull');
        const token = randomBytes(16).toString('hex');
        tokens.set(token, actions);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token }));
        return;
      }
      if (opts.bearer) {
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        const granted = tokens.get(token);
        const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1];
        const needs = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
        const ok = granted !== undefined && (repo === undefined || (granted.startsWith(`repository:${repo}:`) && granted.split(':')[2]!.includes(needs)));
        if (!ok) {
          const scope = repo ? `,scope="repository:${repo}:${needs === 'push' ? 'pull,push' : 'pull'}"` : '';
          res.writeHead(401, {
            'Content-Type': 'application/json',
            'WWW-Authenticate': `Bearer realm="${scheme}://${self!.host}/token",service="skiff-test"${scope}`,
          }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
          return;
        }
      }
      const headers = { ...req.headers, host: registry.host };
      delete headers.authorization;
      const upstream = http.request({ host: '127.0.0.1', port: Number(registry.host.split(':')[1]), method: req.method, path: req.url, headers }, (up) => {
        const out = { ...up.headers };
        if (typeof out.location === 'string') out.location = out.location.replace(`http://${registry.host}`, `${scheme}://${self!.host}`);
        res.writeHead(up.statusCode ?? 502, out);
        if (self!.cutNextBlob && req.method === 'GET' && up.statusCode === 200 && url.pathname.includes('/blobs/sha256:') && Number(up.headers['content-length']) > 100_000) {
          self!.cutNextBlob = false;
          up.once('data', (chunk: Buffer) => {
            up.destroy();
            res.write(chunk.subarray(0, 500), () => setTimeout(() => res.socket?.destroy(), 50));
          });
          return;
        }
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    };
    const server = opts.tls ? https.createServer({ cert: certPem, key }, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    self = new FrontServer(server, `127.0.0.1:${port}`, certPem, dir);
    return self;
  }

  /** A certs.d-style directory trusting the certificate. */
  certDir(): string {
    const d = join(this.#dir, 'certs');
    cpSync(join(this.#dir, 'cert.pem'), join(d, 'ca.crt'));
    return d;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
