/**
 * Image names as Podman's libimage treats them: a name without a registry domain becomes
 * `localhost/NAME` when skiff names an image (tag, import, commit, load), and `docker.io`
 * names get `library/` for single-component paths. Tags default to `latest`.
 */
import { parseReference } from '../../infra/image/reference.ts';

export interface ParsedName {
  domain: string | undefined;
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Splits a reference the way Docker does: the first component is a registry only if it looks like a host. */
export function parseName(input: string): ParsedName {
  const ref = parseReference(input);
  let rest = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
  let domain: string | undefined;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      rest = rest.slice(slash + 1);
    }
  }
  return { domain, path: rest, tag: ref.tag, digest: ref.digest };
}

export function formatName(n: ParsedName): string {
  return `${n.domain ? `${n.domain}/` : ''}${n.path}${n.tag ? `:${n.tag}` : ''}${n.digest ? `@${n.digest}` : ''}`;
}

/** True when the input names no registry (`busybox`, `library/busybox:1`). */
export function isShortName(input: string): boolean {
  return parseName(input).domain === undefined;
}

/** A fully qualified name for naming an image locally: `foo` → `localhost/foo:latest`. */
export function normalizeLocalName(input: string): string {
  const n = parseName(stripTransport(input));
  if (n.domain === undefined) n.domain = 'localhost';
  if (n.domain === 'docker.io' && !n.path.includes('/')) n.path = `library/${n.path}`;
  if (n.tag === undefined && n.digest === undefined) n.tag = 'latest';
  return formatName(n);
}

/** `docker.io/library/busybox:latest` → repository `docker.io/library/busybox`, tag `latest`. */
export function splitRepoTag(name: string): { repository: string; tag: string | undefined; digest: string | undefined } {
  const n = parseName(name);
  return { repository: `${n.domain ? `${n.domain}/` : ''}${n.path}`, tag: n.tag, digest: n.digest };
}

function stripTransport(input: string): string {
  return input.startsWith('docker://') ? input.slice('docker://'.length) : input;
}

/**
 * The names a lookup of `input` may mean, most specific first: exact, then `localhost/`,
 * then `docker.io/library/` for short names. Anything else a short name may match is
 * found by `matchesShortName`.
 */
export function lookupCandidates(input: string): string[] {
  const n = parseName(stripTransport(input));
  if (n.tag === undefined && n.digest === undefined) n.tag = 'latest';
  if (n.domain !== undefined) {
    if (n.domain === 'docker.io' && !n.path.includes('/')) n.path = `library/${n.path}`;
    return [formatName(n)];
  }
  const out = [formatName({ ...n, domain: 'localhost' })];
  out.push(formatName({ ...n, domain: 'docker.io', path: n.path.includes('/') ? n.path : `library/${n.path}` }));
  return out;
}

/** Whether a stored full name answers to a short name (`busybox` → `quay.io/x/busybox:latest`). */
export function matchesShortName(stored: string, input: string): boolean {
  const n = parseName(input);
  if (n.domain !== undefined) return false;
  const s = parseName(stored);
  const tag = n.tag ?? (n.digest ? undefined : 'latest');
  if (tag !== undefined && s.tag !== tag) return false;
  if (n.digest !== undefined && s.digest !== n.digest) return false;
  return s.path === n.path || s.path.endsWith(`/${n.path}`);
}
