/**
 * `login`, `logout` and `login --get-login`: credentials checked against the registry's
 * /v2/ and kept in auth.json. Nothing here needs the store.
 */
import { InvalidArgumentError, RegistryError } from '../define/errors.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import { findRegistry } from '../infra/config/registry-match.ts';
import { getCredentials, removeAllCredentials, removeCredentials, setCredentials, type Credentials } from '../infra/registry/auth-file.ts';
import { connectRegistry, type RegistryAccessOptions } from '../infra/registry/connect.ts';

export interface LoginOptions extends Omit<RegistryAccessOptions, 'credentials'> {
  /** registry[/namespace…]; undefined: the first unqualified-search registry */
  registry?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

export type LoginReport = { kind: 'logged-in'; registry: string } | { kind: 'already-logged-in'; registry: string };

/** The auth.json key for what the user typed: scheme and trailing slashes dropped. */
export function loginKey(input: string | undefined): string {
  let key = input;
  if (!key) {
    key = loadRegistriesConf().unqualifiedSearchRegistries[0];
    if (!key) throw new InvalidArgumentError('please provide a registry to login to');
  }
  key = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (key === 'index.docker.io' || key === 'registry-1.docker.io') key = 'docker.io';
  if (key === '' || /[@]/.test(key)) throw new InvalidArgumentError(`invalid registry "${input}"`);
  return key;
}

async function verify(key: string, creds: Credentials, opts: LoginOptions): Promise<void> {
  const host = key.split('/')[0]!;
  const repository = key.includes('/') ? key.slice(host.length + 1) : undefined;
  const insecure = findRegistry(loadRegistriesConf(), key)?.insecure ?? false;
  const client = connectRegistry(host, repository, { ...opts, credentials: creds }, insecure);
  try {
    await client.checkLogin();
  } catch (err) {
    if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) {
      throw new RegistryError(`logging into "${key}": invalid username/password`, err.status);
    }
    throw new RegistryError(`authenticating creds for "${key}": ${(err as Error).message}`, undefined, { cause: err });
  }
}

export async function login(opts: LoginOptions): Promise<LoginReport> {
  const key = loginKey(opts.registry);
  if (opts.username === undefined && opts.password === undefined) {
    const stored = getCredentials(key, opts.authfile);
    if (stored) {
      await verify(key, stored, opts);
      return { kind: 'already-logged-in', registry: key };
    }
  }
  if (!opts.username) throw new InvalidArgumentError('username is required: use --username (skiff does not prompt)');
  if (opts.password === undefined) throw new InvalidArgumentError('password is required: use --password or --password-stdin (skiff does not prompt)');
  const creds = { username: opts.username, password: opts.password };
  await verify(key, creds, opts);
  setCredentials(key, creds, opts.authfile);
  return { kind: 'logged-in', registry: key };
}

/** The user name stored for the registry (`login --get-login`). */
export function getLogin(registry: string | undefined, authfile?: string): string {
  const key = loginKey(registry);
  const creds = getCredentials(key, authfile);
  if (!creds) throw new InvalidArgumentError(`not logged into ${key}`);
  return creds.username;
}

/** Removes stored credentials; `all` empties the file. */
export function logout(registry: string | undefined, all: boolean, authfile?: string): void {
  if (all) {
    removeAllCredentials(authfile);
    return;
  }
  const key = loginKey(registry);
  if (!removeCredentials(key, authfile)) {
    if (getCredentials(key, authfile)) {
      throw new InvalidArgumentError(`not logged into ${key}: credentials for it come from another file (such as ~/.docker/config.json), which logout leaves alone`);
    }
    throw new InvalidArgumentError(`not logged into ${key}`);
  }
}
