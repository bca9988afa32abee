/**
 * Image references (`[domain[:port]/]path[:tag][@digest]`), parsed and validated exactly as
 * containers/image's docker/reference package does, with its error messages:
 * - parseReference is reference.Parse: no normalisation; a first component is the domain
 *   whenever there are two or more components ("foo/bar" has domain "foo").
 * - parseNormalizedNamed is reference.ParseNormalizedNamed: a first component without
 *   "." or ":" that is not "localhost" is not a domain, so docker.io (and docker.io/library/
 *   for single-component names) is assumed. Short-name resolution through registries.conf
 *   is the caller's business; this is only the Docker-compatible spelling.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export const defaultTag = 'latest';
export const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoName = 'library';

/** The longest name (domain and path) a reference may have. */
export const nameTotalLengthMax = 255;

export interface ImageReference {
  /** '' when the reference has no domain (parseReference of a one-component name). */
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

const alphaNumeric = '[a-z0-9]+';
// Upstream writes the separator as `(?:[._]|__|[-]*)`; `-+` accepts the same names and keeps
// JavaScript's backtracking engine linear (an empty alternative makes `(a+)+` patterns).
const separator = '(?:[._]|__|-+)';
const nameComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const name = `(?:${domain}/)?${nameComponent}(?:/${nameComponent})*`;

const referenceRegexp = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domain})/)?(${nameComponent}(?:/${nameComponent})*)$`);
const anchoredTagRegexp = new RegExp(`^${tag}$`);
const anchoredDigestRegexp = new RegExp(`^${digest}$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
/** go-digest's own (looser) digest syntax, used only to choose its error message. */
const goDigestRegexp = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const digestHexLengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message);
}

/** go-digest's Digest.Validate, with its messages. */
function validateReferenceDigest(value: string): void {
  const i = value.indexOf(':');
  if (i <= 0 || i + 1 === value.length) throw invalid('invalid checksum digest format');
  const algorithm = value.slice(0, i);
  const encoded = value.slice(i + 1);
  const length = digestHexLengths[algorithm];
  if (length === undefined) {
    throw invalid(goDigestRegexp.test(value) ? 'unsupported digest algorithm' : 'invalid checksum digest format');
  }
  if (encoded.length !== length) throw invalid('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalid('invalid checksum digest format');
}

/** reference.Parse: validates `s` without normalising it. Throws InvalidArgumentError. */
export function parseReference(s: string): ImageReference {
  const matches = referenceRegexp.exec(s);
  if (!matches) {
    if (s === '') throw invalid('repository name must have at least one component');
    if (referenceRegexp.test(s.toLowerCase())) throw invalid('repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  const fullName = matches[1]!;
  if (fullName.length > nameTotalLengthMax) {
    throw invalid(`repository name must not be more than ${nameTotalLengthMax} characters`);
  }
  const nameMatch = anchoredNameRegexp.exec(fullName)!;
  const ref: { domain: string; path: string; tag?: string; digest?: string } = {
    domain: nameMatch[1] ?? '',
    path: nameMatch[2]!,
  };
  if (matches[2] !== undefined) ref.tag = matches[2];
  if (matches[3] !== undefined) {
    validateReferenceDigest(matches[3]);
    ref.digest = matches[3];
  }
  return ref;
}

/** reference.SplitDockerDomain: the domain of a familiar name, docker.io when it has none. */
export function splitDockerDomain(s: string): [domain: string, remainder: string] {
  const i = s.indexOf('/');
  let domainPart: string;
  let remainder: string;
  if (i === -1 || (!/[.:]/.test(s.slice(0, i)) && s.slice(0, i) !== 'localhost')) {
    domainPart = defaultDomain;
    remainder = s;
  } else {
    domainPart = s.slice(0, i);
    remainder = s.slice(i + 1);
  }
  if (domainPart === legacyDefaultDomain) domainPart = defaultDomain;
  if (domainPart === defaultDomain && !remainder.includes('/')) remainder = `${officialRepoName}/${remainder}`;
  return [domainPart, remainder];
}

/** reference.ParseNormalizedNamed: "busybox" → docker.io/library/busybox. Throws InvalidArgumentError. */
export function parseNormalizedNamed(s: string): ImageReference {
  if (anchoredIdentifierRegexp.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domainPart, remainder] = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid('invalid reference format: repository name must be lowercase');
  }
  return parseReference(`${domainPart}/${remainder}`);
}

/** domain/path, the repository name. */
export function referenceName(ref: ImageReference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** name[:tag][@digest] */
export function formatReference(ref: ImageReference): string {
  let out = referenceName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The name as Docker prints it: docker.io/library/redis → redis, docker.io/x/y → x/y. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return referenceName(ref);
  const parts = ref.path.split('/');
  return parts.length === 2 && parts[0] === officialRepoName ? parts[1]! : ref.path;
}

/** familiarName with the tag and digest. */
export function familiarString(ref: ImageReference): string {
  let out = familiarName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The same repository with `tag` (any digest is kept, as reference.WithTag does). */
export function withTag(ref: ImageReference, tagValue: string): ImageReference {
  if (!anchoredTagRegexp.test(tagValue)) throw invalid('invalid tag format');
  return { ...ref, tag: tagValue };
}

/** The same repository with `digestValue` (any tag is kept, as reference.WithDigest does). */
export function withDigest(ref: ImageReference, digestValue: string): ImageReference {
  if (!anchoredDigestRegexp.test(digestValue)) throw invalid('invalid digest format');
  return { ...ref, digest: digestValue };
}

/** The repository alone, without tag or digest (reference.TrimNamed). */
export function trimNamed(ref: ImageReference): ImageReference {
  return { domain: ref.domain, path: ref.path };
}

/** reference.TagNameOnly: adds `:latest` to a reference with neither tag nor digest. */
export function tagNameOnly(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: defaultTag } : ref;
}

export function isValidTag(value: string): boolean {
  return anchoredTagRegexp.test(value);
}
