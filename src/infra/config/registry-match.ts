/**
 * Choosing the `[[registry]]` entry for an image and rewriting its name to the places it is
 * pulled from, as containers/image's sysregistriesv2 does. Pure string work: every image
 * reference here is the fully-qualified, normalised name (`docker.io/library/alpine:latest`,
 * `example.com/ns/img@sha256:…`), as the reference parser produces it.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { Endpoint, RegistriesConf, Registry } from './registries-conf.ts';

/**
 * How many characters of `ref` `prefix` matches, or -1. A prefix must end at a name
 * boundary (`/`, `:`, `@` or the end); `*.example.com` matches any subdomain of
 * example.com in the host part only.
 */
export function refMatchingPrefix(ref: string, prefix: string): number {
  if (prefix.startsWith('*.')) {
    const suffix = prefix.slice(1);
    const at = ref.indexOf(suffix);
    if (at === -1 || ref.slice(0, at).includes('/')) return -1;
    const end = at + suffix.length;
    return end === ref.length || ':/@'.includes(ref[end]!) ? end : -1;
  }
  if (ref.length < prefix.length || !ref.startsWith(prefix)) return -1;
  if (ref.length === prefix.length) return prefix.length;
  return ':/@'.includes(ref[prefix.length]!) ? prefix.length : -1;
}

/** The entry with the longest matching prefix (the first on ties), if any. */
export function findRegistry(conf: Pick<RegistriesConf, 'registries'>, imageRef: string): Registry | undefined {
  let best: Registry | undefined;
  for (const r of conf.registries) {
    if (refMatchingPrefix(imageRef, r.prefix) !== -1 && r.prefix.length > (best?.prefix.length ?? 0)) best = r;
  }
  return best;
}

/**
 * `imageRef` with the part matched by `prefix` replaced by the endpoint's location;
 * unchanged for an empty location (wildcard prefixes).
 */
export function rewriteLocation(endpoint: Pick<Endpoint, 'location'>, prefix: string, imageRef: string): string {
  const matched = refMatchingPrefix(imageRef, prefix);
  if (matched === -1) throw new InvalidArgumentError(`invalid prefix '${prefix}' for reference '${imageRef}'`);
  if (endpoint.location === '') return imageRef;
  return endpoint.location + imageRef.slice(matched);
}

export interface PullSource {
  endpoint: Endpoint;
  /** The image name to request from that endpoint. */
  reference: string;
}

/**
 * Where to try pulling `imageRef` from, in order: the mirrors its kind of reference may
 * use (by digest or by tag), then the registry's own location.
 */
export function pullSources(registry: Registry, imageRef: string): PullSource[] {
  const byDigest = imageRef.includes('@');
  const mirrors = registry.mirrorByDigestOnly
    ? byDigest
      ? registry.mirrors
      : []
    : registry.mirrors.filter((m) =>
        m.pullFromMirror === 'digest-only' ? byDigest : m.pullFromMirror === 'tag-only' ? !byDigest : true,
      );
  const primary: Endpoint = { location: registry.location, insecure: registry.insecure };
  return [...mirrors, primary].map((endpoint) => ({
    endpoint,
    reference: rewriteLocation(endpoint, registry.prefix, imageRef),
  }));
}
