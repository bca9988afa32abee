/**
 * Reading a registry's answers: redirects, pagination links, the distribution error format
 * and which failures are worth another attempt.
 */
import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../../define/errors.ts';

export function isResponse(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && 'statusCode' in value && 'headers' in value;
}

export function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** A failure a later attempt may not meet: the network, or the registry's own trouble (5xx). */
export function isTransient(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  if (!(err instanceof RegistryError)) return false;
  return (err.status !== undefined && err.status >= 500) || isNetworkError(err.cause);
}

export function isNetworkError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET)$/.test(code);
}

export function nextLink(res: IncomingMessage): string | undefined {
  const link = res.headers.link;
  const m = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return m?.[1];
}

/** The registry's errors array as distribution formats it: "manifest unknown: manifest unknown". */
export function registryErrorText(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[]; details?: string };
    if (Array.isArray(parsed.errors) && parsed.errors.length) {
      return parsed.errors
        .map((e) => {
          const code = (e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ');
          return e.message ? `${code}: ${e.message}` : code;
        })
        .join('; ');
    }
  } catch {
    return '';
  }
  return '';
}

export function statusText(status: number, body: Buffer): string {
  const text = registryErrorText(body);
  if (text) return text;
  switch (status) {
    case 401:
      return 'unauthorized: authentication required';
    case 403:
      return 'denied: requested access to the resource is denied';
    case 404:
      return 'manifest unknown';
    case 429:
      return 'toomanyrequests: too many requests';
    default:
      return `received unexpected HTTP status: ${status}`;
  }
}
