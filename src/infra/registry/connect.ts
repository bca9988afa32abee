/**
 * Opening a client for an image's registry with everything configured for it: TLS
 * verification (the flag, else registries.conf `insecure`), certs.d trust, and credentials
 * (--creds, else auth.json for the repository or the host).
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { getCredentials, type Credentials } from './auth-file.ts';
import { RegistryClient } from './client.ts';
import { tlsSettings } from './tls-config.ts';

export interface RegistryAccessOptions {
  /** --tls-verify; undefined: registries.conf decides */
  tlsVerify?: boolean | undefined;
  certDir?: string | undefined;
  authfile?: string | undefined;
  /** --creds user[:password] already split */
  credentials?: Credentials | undefined;
  retry?: number | undefined;
  retryDelayMs?: number | undefined;
}

/** `--creds USER[:PASSWORD]`. */
export function parseCreds(value: string): Credentials {
  if (value === '') throw new InvalidArgumentError('credentials can not be empty');
  const colon = value.indexOf(':');
  if (colon === -1) return { username: value, password: '' };
  if (colon === 0) throw new InvalidArgumentError('username can not be empty');
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** A client for `host`, authenticated for `repository` (host/repo key in auth.json). */
export function connectRegistry(host: string, repository: string | undefined, opts: RegistryAccessOptions, insecure = false): RegistryClient {
  const verify = opts.tlsVerify ?? !insecure;
  const credentials = opts.credentials ?? getCredentials(repository ? `${host}/${repository}` : host, opts.authfile);
  return new RegistryClient({
    registry: host,
    tls: tlsSettings(host, verify, opts.certDir),
    credentials,
    retry: opts.retry,
    retryDelayMs: opts.retryDelayMs,
  });
}
