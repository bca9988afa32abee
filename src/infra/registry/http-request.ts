/**
 * One HTTP(S) request with node:http/https, so TLS trust (extra CAs, client certificates,
 * verification off) is set per registry. The response is returned unread, as a stream.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { TlsSettings } from './tls-config.ts';

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A buffer, or a stream (sent chunked unless Content-Length is among the headers). */
  body?: Buffer | Readable;
  tls: TlsSettings;
}

/** Idle sockets are reused across requests to the same registry (blob fetches in parallel). */
const agents = new Map<string, http.Agent>();

function agentFor(req: HttpRequest): http.Agent {
  const secure = req.url.protocol === 'https:';
  const key = `${req.url.protocol}${req.url.host}:${req.tls.verify}:${req.tls.ca?.length ?? 0}:${Boolean(req.tls.cert)}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = secure
      ? new https.Agent({
          keepAlive: true,
          rejectUnauthorized: req.tls.verify,
          ...(req.tls.ca ? { ca: req.tls.ca } : {}),
          ...(req.tls.cert ? { cert: req.tls.cert, key: req.tls.key } : {}),
        })
      : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

export function httpRequest(req: HttpRequest): Promise<http.IncomingMessage> {
  const mod = req.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'User-Agent': 'skiff', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
    else if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') headers['Content-Length'] = '0';
    const r = mod.request(req.url, { method: req.method, headers, agent: agentFor(req) }, resolve);
    r.setTimeout(120_000, () => r.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}

/** Reads and discards a response body so its socket can be reused. */
export function drain(res: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    res.on('end', resolve).on('error', () => resolve()).on('close', resolve);
    res.resume();
  });
}

export async function readBody(res: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Go's way of naming a network failure: "dial tcp HOST: connect: connection refused". */
export function describeNetworkError(err: unknown, host: string): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${host}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`;
    case 'ECONNRESET':
      return e.message === 'aborted' ? 'unexpected EOF' : 'connection reset by peer';
    case 'EPROTO':
      return /wrong version number|packet length too long/.test(e.message) ? 'http: server gave HTTP response to HTTPS client' : e.message;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ETIMEDOUT':
      return `dial tcp ${host}: i/o timeout`;
    default:
      return e.message || String(err);
  }
}
