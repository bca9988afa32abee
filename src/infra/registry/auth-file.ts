/**
 * Credentials in auth.json (containers-auth.json(5)): `{"auths": {"KEY": {"auth":
 * base64(user:password)}}}` where KEY is a registry host or a host/namespace/repo. Read
 * from --authfile, else $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json
 * (/run/containers/0/auth.json for root), with ~/.docker/config.json (and the legacy
 * ~/.dockercfg) as read-only fallbacks. Written atomically with mode 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configContext, type ConfigOptions } from '../config/paths.ts';
import { ConfigError } from '../../define/errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

interface AuthEntry {
  auth?: string;
  identitytoken?: string;
}

interface AuthFileContent {
  auths?: Record<string, AuthEntry>;
  [key: string]: unknown;
}

/** The file login writes and logout edits. */
export function authFilePath(authfile?: string, opts: ConfigOptions = {}): string {
  if (authfile) return authfile;
  const ctx = configContext(opts);
  if (ctx.env.REGISTRY_AUTH_FILE) return ctx.env.REGISTRY_AUTH_FILE;
  if (ctx.rootless || process.getuid!() !== 0) {
    const runtimeDir = ctx.env.XDG_RUNTIME_DIR || `/run/user/${ctx.uid}`;
    return path.join(runtimeDir, 'containers/auth.json');
  }
  return ctx.system(`/run/containers/${ctx.uid}/auth.json`);
}

/** Files read for credentials, in order (the first that has an entry wins). */
function readPaths(authfile: string | undefined, opts: ConfigOptions): string[] {
  const primary = authFilePath(authfile, opts);
  if (authfile || configContext(opts).env.REGISTRY_AUTH_FILE) return [primary];
  const ctx = configContext(opts);
  return [primary, path.join(ctx.configHome, 'containers/auth.json'), path.join(ctx.home, '.docker/config.json')];
}

function readFile(file: string): AuthFileContent {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`reading auth file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as AuthFileContent;
  } catch (err) {
    throw new ConfigError(`unmarshaling JSON at ${JSON.stringify(file)}: ${(err as Error).message}`, { cause: err });
  }
}

/** Decodes an `auth` field (base64 of user:password). */
export function decodeAuth(auth: string): Credentials | undefined {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, '') };
}

export function encodeAuth(creds: Credentials): string {
  return Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
}

/** Keys to look up for an image repository, most specific first: host/ns/repo, …, host. */
export function authKeys(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = parts.length; i >= 1; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** Docker's config.json keys may carry a scheme and a /v1/ path (https://index.docker.io/v1/). */
function normalizeKey(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '');
  return stripped.includes('/') && /\/v[12]\/?$/.test(stripped) ? stripped.replace(/\/v[12]\/?$/, '') : stripped;
}

/** Credentials for `key` (a registry host, or host/repository), if any file has them. */
export function getCredentials(key: string, authfile?: string, opts: ConfigOptions = {}): Credentials | undefined {
  const keys = authKeys(key);
  for (const file of readPaths(authfile, opts)) {
    const auths = readFile(file).auths ?? {};
    const normalized = new Map(Object.entries(auths).map(([k, v]) => [normalizeKey(k), v]));
    for (const k of keys) {
      const entry = auths[k] ?? normalized.get(k) ?? (k === 'docker.io' ? normalized.get('index.docker.io') : undefined);
      if (entry?.auth) {
        const creds = decodeAuth(entry.auth);
        if (creds) return creds;
      }
    }
  }
  return undefined;
}

function writeAtomic(file: string, content: AuthFileContent): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(content, null, '\t')}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function setCredentials(key: string, creds: Credentials, authfile?: string, opts: ConfigOptions = {}): void {
  const file = authFilePath(authfile, opts);
  const content = readFile(file);
  content.auths = { ...content.auths, [key]: { auth: encodeAuth(creds) } };
  writeAtomic(file, content);
}

/** Removes `key`; false when the file had no entry for it. */
export function removeCredentials(key: string, authfile?: string, opts: ConfigOptions = {}): boolean {
  const file = authFilePath(authfile, opts);
  const content = readFile(file);
  if (!content.auths || !(key in content.auths)) return false;
  delete content.auths[key];
  writeAtomic(file, content);
  return true;
}

/** Empties the auths of the file (`logout --all`). */
export function removeAllCredentials(authfile?: string, opts: ConfigOptions = {}): void {
  const file = authFilePath(authfile, opts);
  const content = readFile(file);
  content.auths = {};
  writeAtomic(file, content);
}
