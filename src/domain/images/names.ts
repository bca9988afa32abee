/**
 * Image names as Podman's libimage treats them: a name without a registry domain becomes
 * `localhost/NAME` when skiff names an image (tag, import, commit, load), and `docker.io`
 * names get `library/` for single-component paths. Tags default to `latest`.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export interface ParsedName {
  domain: string | undefined;
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export function parseName(input: string): ParsedName {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw new InvalidArgumentError(`invalid reference format`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) throw new InvalidArgumentError(`invalid reference format`);
  }
  let domain: string | undefined;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      rest = rest.slice(slash + 1);
    }
  }
  if (!rest) throw new InvalidArgumentError(`invalid reference format`);
  for (const c of rest.split('/')) {
    if (!pathComponent.test(c)) {
      if (c.toLowerCase() !== c && pathComponent.test(c.toLowerCase())) {
        throw new InvalidArgumentError(`invalid reference format: repository name must be lowercase`);
      }
      throw new InvalidArgumentError(`invalid reference format`);
    }
  }
  if (input.length > 255 + (tag ? tag.length + 1 : 0) + (digest ? digest.length + 1 : 0)) {
    throw new InvalidArgumentError(`invalid reference format: repository name must not be more than 255 characters`);
  }
  return { domain, path: rest, tag, digest };
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
