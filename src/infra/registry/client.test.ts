import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { RegistryError } from '../../define/errors.ts';
import { RegistryClient, registryErrorText } from './client.ts';

// A fake registry: /v2/ wants a bearer token from /token; manifests of "flaky" fail twice with 503.
let server: http.Server;
let host = '';
let flaky = 0;
const tokenRequests: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/token') {
      tokenRequests.push(`${url.searchParams.get('scope')} ${req.headers.authorization ? 'creds' : 'anon'}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `t-${url.searchParams.get('scope')}` }));
      return;
    }
    const repo = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1];
    if (req.headers.authorization !== `Bearer t-${repo ? `repository:${repo}:pull` : null}` && !(url.pathname === '/v2/' && req.headers.authorization)) {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake"` }).end();
      return;
    }
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    if (repo === 'flaky' && flaky++ < 2) return void res.writeHead(503).end();
    if (repo === 'missing') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function client(retry = 3): RegistryClient {
  return new RegistryClient({ registry: host, tls: { verify: false }, retry, retryDelayMs: 5, credentials: { username: 'u', password: 'p' } });
}

test('bearer tokens are fetched per repository scope, with the credentials', async () => {
  const c = client();
  const res = await c.manifest('GET', 'a/b', 'latest', ['application/vnd.oci.image.manifest.v1+json']);
  res.resume();
  assert.equal(res.statusCode, 200);
  assert.ok(tokenRequests.includes('repository:a/b:pull creds'));
});

test('5xx answers are retried up to the retry count', async () => {
  flaky = 0;
  const res = await client(3).manifest('GET', 'flaky', 'latest', []);
  res.resume();
  assert.equal(res.statusCode, 200);
  flaky = 0;
  await assert.rejects(client(1).manifest('GET', 'flaky', 'latest', []), RegistryError);
});

test("the registry's error text", async () => {
  await assert.rejects(client().manifest('GET', 'missing', 'latest', []), (err: RegistryError) => err.status === 404 && err.message === 'manifest unknown: manifest unknown');
  assert.equal(registryErrorText(Buffer.from('{"errors":[{"code":"DENIED","message":"no"}]}')), 'denied: no');
  assert.equal(registryErrorText(Buffer.from('not json')), '');
});
