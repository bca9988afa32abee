/**
 * A client for one registry over the OCI distribution protocol: ping (/v2/), authentication
 * (Basic, or Bearer tokens per repository scope, anonymous or with credentials), manifests,
 * blobs, uploads, tags and the catalog. Idempotent requests are retried on connection errors
 * and 5xx answers. Errors are RegistryErrors naming the registry; credentials and tokens
 * never appear in them.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from '../../define/errors.ts';
import type { Credentials } from './auth-file.ts';
import { parseChallenges, type Challenge } from './challenge.ts';
import { describeNetworkError, drain, httpRequest, readBody } from './http-request.ts';
import { isNetworkError, isRedirect, isResponse, isTransient, nextLink, registryErrorText, statusText } from './responses.ts';
import type { TlsSettings } from './tls-config.ts';

export { registryErrorText };

export interface RegistryClientOptions {
  /** host[:port] as in image references; docker.io is reached at registry-1.docker.io. */
  registry: string;
  tls: TlsSettings;
  credentials?: Credentials | undefined;
  /** Extra attempts after a failed idempotent request (default 3, as Podman). */
  retry?: number | undefined;
  /** Delay before a retry in ms; default: exponential from 1 s. */
  retryDelayMs?: number | undefined;
}

export interface RequestOptions {
  /** repository whose scope the request needs, with the actions (pull, push) */
  repository?: string;
  actions?: string;
  /** further token scopes, e.g. `repository:other:pull` for a cross-repository mount */
  extraScopes?: string[];
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /** statuses that are answers rather than errors */
  ok?: number[];
  /** follow 3xx redirects (blob downloads) */
  follow?: boolean;
}

/** A failure worth retrying: the network, or the registry's own trouble. */
class Retryable extends Error {}

const maxErrorBody = 64 * 1024;

export class RegistryClient {
  readonly registry: string;
  readonly #opts: RegistryClientOptions;
  #base: Promise<URL> | undefined;
  #challenge: Challenge | undefined;
  readonly #tokens = new Map<string, string>();

  constructor(opts: RegistryClientOptions) {
    this.#opts = opts;
    this.registry = opts.registry;
  }

  get #host(): string {
    return this.registry === 'docker.io' ? 'registry-1.docker.io' : this.registry;
  }

  /**
   * The registry's base URL: https, or with TLS verification off, http when https does not
   * answer. Also learns the authentication challenge of /v2/.
   */
  base(): Promise<URL> {
    this.#base ??= this.#ping().catch((err: unknown) => {
      this.#base = undefined;
      throw err;
    });
    return this.#base;
  }

  async #ping(): Promise<URL> {
    const schemes = this.#opts.tls.verify ? ['https'] : ['https', 'http'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const url = new URL(`${scheme}://${this.#host}/v2/`);
      try {
        const res = await this.#withRetry(() => this.#raw('GET', url, {}));
        await drain(res);
        if (res.statusCode === 401) this.#challenge = this.#pickChallenge(res);
        else if (res.statusCode !== 200 && res.statusCode !== 404) {
          throw new RegistryError(`pinging container registry ${this.registry}: StatusCode: ${res.statusCode}, ${url.href}`, res.statusCode);
        }
        return new URL(`${scheme}://${this.#host}`);
      } catch (err) {
        if (err instanceof RegistryError) throw err;
        lastError = err;
        // Nothing listens there: plain HTTP on the same port would not answer either.
        if (isNetworkError(err)) break;
      }
    }
    const url = `https://${this.#host}/v2/`;
    throw new RegistryError(`pinging container registry ${this.registry}: Get "${url}": ${describeNetworkError(lastError, this.#host)}`, undefined, {
      cause: lastError,
    });
  }

  #pickChallenge(res: IncomingMessage): Challenge | undefined {
    const header = res.headers['www-authenticate'];
    const all = parseChallenges(Array.isArray(header) ? header.join(', ') : (header ?? ''));
    return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
  }

  async #raw(method: string, url: URL, opts: RequestOptions, auth?: string): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...opts.headers };
    if (auth) headers.Authorization = auth;
    const body = typeof opts.body === 'function' ? opts.body() : opts.body;
    return httpRequest({ method, url, headers, ...(body ? { body } : {}), tls: this.#opts.tls });
  }

  /** Runs `attempt`, again after connection errors and 5xx answers, up to the retry count. */
  async #withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    const retries = this.#opts.retry ?? 3;
    for (let i = 0; ; i++) {
      try {
        const res = await attempt();
        if (isResponse(res) && res.statusCode !== undefined && res.statusCode >= 500 && i < retries) {
          await drain(res);
          throw new Retryable(`${res.statusCode}`);
        }
        return res;
      } catch (err) {
        const network = err instanceof Retryable || isNetworkError(err);
        // A 5xx is only turned into Retryable while attempts remain, so it never escapes.
        if (!network || i >= retries) throw err;
        await sleep(this.#retryDelay(i));
      }
    }
  }

  #retryDelay(attempt: number): number {
    return this.#opts.retryDelayMs ?? 1000 * 2 ** attempt;
  }

  /**
   * Runs a whole operation again from its start after connection errors and 5xx answers, up
   * to the retry count: for uploads, whose requests cannot be repeated one by one.
   */
  async retrying<T>(operation: () => Promise<T>): Promise<T> {
    const retries = this.#opts.retry ?? 3;
    for (let i = 0; ; i++) {
      try {
        return await operation();
      } catch (err) {
        if (i >= retries || !isTransient(err)) throw err;
        await sleep(this.#retryDelay(i));
      }
    }
  }

  async #authorization(repository: string | undefined, actions: string, extraScopes: string[] = []): Promise<string | undefined> {
    const challenge = this.#challenge;
    const creds = this.#opts.credentials;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const scopes = scopeList(repository, actions, extraScopes);
    const key = scopes.join(' ');
    const cached = this.#tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const token = await this.#fetchToken(challenge, scopes);
    this.#tokens.set(key, token);
    return `Bearer ${token}`;
  }

  async #fetchToken(challenge: Challenge, scopes: string[]): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError(`${this.registry}: bearer challenge without a realm`);
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const creds = this.#opts.credentials;
    const headers: Record<string, string> = {};
    if (creds) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const res = await this.#withRetry(() => httpRequest({ method: 'GET', url, headers, tls: this.#opts.tls }));
    const body = await readBody(res, maxErrorBody);
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new RegistryError(`unable to retrieve auth token: invalid username/password: unauthorized: ${registryErrorText(body) || 'authentication required'}`, res.statusCode);
    }
    if (res.statusCode !== 200) {
      throw new RegistryError(`unable to retrieve auth token from ${url.origin}${url.pathname}: status ${res.statusCode}`, res.statusCode);
    }
    let parsed: { token?: unknown; access_token?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError(`unable to retrieve auth token from ${url.origin}${url.pathname}: invalid JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || !token) throw new RegistryError(`unable to retrieve auth token from ${url.origin}${url.pathname}: no token in the answer`);
    return token;
  }

  /**
   * Sends a request to `path` (relative to the registry, or an absolute URL such as an upload
   * location). Answers a 401 once by authenticating for the request's scope. Returns the
   * response unread when its status is 2xx or in `ok`; otherwise throws a RegistryError
   * carrying the registry's error text (the caller adds the context).
   */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const base = await this.base();
    let url = new URL(path, base);
    const idempotent = method === 'GET' || method === 'HEAD';
    const actions = opts.actions ?? 'pull';
    let auth = await this.#authorization(opts.repository, actions, opts.extraScopes);
    let res = await this.#send(method, url, opts, auth, idempotent);
    if (res.statusCode === 401 && !(opts.ok ?? []).includes(401)) {
      const challenge = this.#pickChallenge(res);
      await drain(res);
      if (challenge) this.#challenge = challenge;
      this.#tokens.delete(scopeList(opts.repository, actions, opts.extraScopes ?? []).join(' '));
      auth = await this.#authorization(opts.repository, actions, opts.extraScopes);
      res = await this.#send(method, url, opts, auth, idempotent);
    }
    for (let hops = 0; opts.follow && isRedirect(res.statusCode) && hops < 10; hops++) {
      await drain(res);
      const next = new URL(String(res.headers.location), url);
      // Blob storage elsewhere (S3, a CDN) gets no registry credentials.
      const sameHost = next.host === url.host;
      url = next;
      res = await this.#send(method, url, { ...opts, headers: {} }, sameHost ? auth : undefined, idempotent);
    }
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || (opts.ok ?? []).includes(status)) return res;
    const body = method === 'HEAD' ? Buffer.alloc(0) : await readBody(res, maxErrorBody).catch(() => Buffer.alloc(0));
    if (method === 'HEAD') await drain(res);
    throw new RegistryError(statusText(status, body), status);
  }

  #send(method: string, url: URL, opts: RequestOptions, auth: string | undefined, idempotent: boolean): Promise<IncomingMessage> {
    if (!idempotent) {
      return this.#raw(method, url, opts, auth).catch((err: unknown) => {
        throw new RegistryError(`${method} ${url.origin}${url.pathname}: ${describeNetworkError(err, url.host)}`, undefined, { cause: err });
      });
    }
    return this.#withRetry(() => this.#raw(method, url, opts, auth)).catch((err: unknown) => {
      if (err instanceof RegistryError) throw err;
      throw new RegistryError(`Get "${url.origin}${url.pathname}": ${describeNetworkError(err, url.host)}`, undefined, { cause: err });
    });
  }

  /** Whether the registry accepts the client's credentials for `/v2/` (login). */
  async checkLogin(): Promise<void> {
    const res = await this.request('GET', '/v2/', { ok: [401] });
    await drain(res);
    if (res.statusCode === 401) throw new RegistryError('invalid username/password', 401);
  }

  /** GET or HEAD of a manifest by tag or digest; the answer is unread. */
  manifest(method: 'GET' | 'HEAD', repository: string, reference: string, accept: readonly string[], ok: number[] = []): Promise<IncomingMessage> {
    return this.request(method, `/v2/${repository}/manifests/${reference}`, { repository, headers: { Accept: accept.join(', ') }, ok });
  }

  /** The blob's bytes (redirects followed), unverified: the caller checks the digest. */
  async blob(repository: string, digest: string): Promise<Readable> {
    return this.request('GET', `/v2/${repository}/blobs/${digest}`, { repository, follow: true });
  }

  async hasBlob(repository: string, digest: string, actions = 'pull'): Promise<boolean> {
    return (await this.blobSize(repository, digest, actions)) !== undefined;
  }

  /** The size of a blob in `repository` (HEAD), -1 when the registry does not say; undefined when absent. */
  async blobSize(repository: string, digest: string, actions = 'pull'): Promise<number | undefined> {
    const res = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, { repository, actions, ok: [404], follow: true });
    await drain(res);
    if (res.statusCode === 404) return undefined;
    const length = Number(res.headers['content-length']);
    return Number.isInteger(length) && length >= 0 ? length : -1;
  }

  /**
   * A cross-repository mount of `digest` from `from` (same registry) into `repository`.
   * False when the registry declined: it then opens an upload instead, which is cancelled,
   * as containers/image does, so no half-open upload is left behind.
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const res = await this.request('POST', `/v2/${repository}/blobs/uploads/${query}`, {
      repository,
      actions: 'pull,push',
      extraScopes: [`repository:${from}:pull`],
    });
    await drain(res);
    if (res.statusCode === 201) return true;
    if (res.headers.location) {
      // A courtesy, whose failure containers/image ignores too: registries expire abandoned uploads.
      const cancel = await this.request('DELETE', (await this.#uploadLocation(res, repository)).href, { repository, actions: 'pull,push' }).catch(() => undefined);
      if (cancel) await drain(cancel);
    }
    return false;
  }

  /**
   * Uploads a blob whose digest is known only once its bytes have been produced (a layer
   * compressed on the fly), as containers/image does: POST, the bytes streamed in one
   * PATCH, then a PUT closing the upload with `digest()`, called after the stream ended.
   */
  async uploadBlobStream(repository: string, open: () => Readable, digest: () => string): Promise<void> {
    const opts = { repository, actions: 'pull,push' };
    const start = await this.request('POST', `/v2/${repository}/blobs/uploads/`, opts);
    await drain(start);
    const patch = await this.request('PATCH', (await this.#uploadLocation(start, repository)).href, {
      ...opts,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: open,
    });
    await drain(patch);
    const url = await this.#uploadLocation(patch, repository);
    url.searchParams.set('digest', digest());
    const res = await this.request('PUT', url.href, opts);
    await drain(res);
  }

  /**
   * Uploads a blob of known digest and size: POST, then either one monolithic PUT (blobs up
   * to `monolithicLimit` bytes) or, as containers/image does, the bytes streamed in a PATCH
   * and the upload closed by a PUT with the digest.
   */
  async uploadBlob(repository: string, digest: string, size: number, open: () => Readable, monolithicLimit = 1024 * 1024): Promise<void> {
    const opts = { repository, actions: 'pull,push' };
    const start = await this.request('POST', `/v2/${repository}/blobs/uploads/`, opts);
    await drain(start);
    let url = await this.#uploadLocation(start, repository);
    if (size > monolithicLimit) {
      const patch = await this.request('PATCH', url.href, { ...opts, headers: { 'Content-Type': 'application/octet-stream' }, body: open });
      await drain(patch);
      url = await this.#uploadLocation(patch, repository);
    }
    url.searchParams.set('digest', digest);
    const body = size > monolithicLimit ? {} : { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) }, body: open };
    const res = await this.request('PUT', url.href, { ...opts, ...body });
    await drain(res);
  }

  async #uploadLocation(res: IncomingMessage, repository: string): Promise<URL> {
    const location = res.headers.location;
    if (!location) throw new RegistryError(`${this.registry}/${repository}: blob upload answered without a Location`);
    return new URL(location, await this.base());
  }

  /** PUT of a manifest under a tag or digest; returns the digest the registry reports. */
  async putManifest(repository: string, reference: string, mediaType: string, bytes: Buffer): Promise<string | undefined> {
    const res = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      repository,
      actions: 'pull,push',
      headers: { 'Content-Type': mediaType },
      body: bytes,
    });
    await drain(res);
    const digest = res.headers['docker-content-digest'];
    return typeof digest === 'string' ? digest : undefined;
  }

  /** Every tag of a repository (following Link pagination). */
  async tags(repository: string): Promise<string[]> {
    const out: string[] = [];
    for (let path: string | undefined = `/v2/${repository}/tags/list`; path; ) {
      const res = await this.request('GET', path, { repository });
      const parsed = JSON.parse((await readBody(res, 16 * 1024 * 1024)).toString('utf8')) as { tags?: string[] | null };
      out.push(...(parsed.tags ?? []));
      path = nextLink(res);
    }
    return out;
  }

  /** Repository names from /v2/_catalog (following Link pagination), up to `limit`. */
  async catalog(limit = Infinity): Promise<string[]> {
    const out: string[] = [];
    for (let path: string | undefined = '/v2/_catalog'; path && out.length < limit; ) {
      const res = await this.request('GET', path, { actions: '' });
      const parsed = JSON.parse((await readBody(res, 16 * 1024 * 1024)).toString('utf8')) as { repositories?: string[] | null };
      out.push(...(parsed.repositories ?? []));
      path = nextLink(res);
    }
    return out.slice(0, limit);
  }
}

function scopeList(repository: string | undefined, actions: string, extra: string[]): string[] {
  return [...(repository ? [`repository:${repository}:${actions}`] : []), ...extra];
}
