/**
 * libimage's NormalizeName, with its error messages: how `tag` and `untag` turn what the user
 * typed into the full name stored (`foo` → `localhost/foo:latest`, `docker.io/alpine` →
 * `docker.io/library/alpine:latest`). It parses twice as libimage does (first as written,
 * then normalised), and the two parses fail with different messages.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-*)[a-z0-9]+)*';
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
/** docker/distribution's ReferenceRegexp: name (with an optional domain), tag, digest. */
const referenceRe = new RegExp(`^(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`);

export interface NormalizedName {
  /** the full name, e.g. `localhost/foo:latest` or `quay.io/x/y@sha256:…` */
  name: string;
  digested: boolean;
}

/** Go's reference.Parse: the error it would give, or the parts. */
function parseReference(s: string): { domain: string | undefined; path: string; tag: string | undefined; digest: string | undefined } {
  const m = referenceRe.exec(s);
  if (!m) {
    if (s === '') throw new Error('repository name must have at least one component');
    if (referenceRe.test(s.toLowerCase())) throw new Error('repository name must be lowercase');
    throw new Error('invalid reference format');
  }
  const name = m[1] ? `${m[1]}/${m[2]}` : m[2]!;
  if (name.length > 255) throw new Error('repository name must not be more than 255 characters');
  return { domain: m[1], path: m[2]!, tag: m[3], digest: m[4] };
}

/**
 * Normalises a name as `podman tag`/`untag` do. Errors read
 * `normalizing name "X": …` as Podman prints them.
 */
export function normalizeName(input: string): NormalizedName {
  let first;
  try {
    first = parseReference(input);
  } catch (err) {
    throw new InvalidArgumentError(`normalizing name "${input}": normalizing name "${input}": ${(err as Error).message}`);
  }
  const registry = first.domain ?? '';
  const local = registry.includes('.') || registry.includes(':') || registry === 'localhost';
  let dom = local ? registry : 'localhost';
  let path = local ? first.path : first.domain ? `${first.domain}/${first.path}` : first.path;
  if (path.toLowerCase() !== path) {
    throw new InvalidArgumentError(`normalizing name "${input}": invalid reference format: repository name must be lowercase`);
  }
  if (dom === 'index.docker.io') dom = 'docker.io';
  if (dom === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const repo = `${dom}/${path}`;
  if (first.digest !== undefined) return { name: `${repo}@${first.digest}`, digested: true };
  return { name: `${repo}:${first.tag ?? 'latest'}`, digested: false };
}
