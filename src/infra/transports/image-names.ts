/**
 * The names Podman gives images it loads from archives: docker-archive RepoTags are
 * normalised as Docker names (busybox:1 → docker.io/library/busybox:1); OCI ref names go
 * through libimage's NormalizeName, so a name without a registry lands under localhost/
 * (name:tag → localhost/name:tag).
 */
import { CorruptContentError, SkiffError } from '../../define/errors.ts';
import {
  formatReference,
  parseNormalizedNamed,
  parseReference,
  tagNameOnly,
  type ImageReference,
} from '../image/reference.ts';
import { Annotation } from '../image/types.ts';

function invalidName(name: string, where: string, err: unknown): CorruptContentError {
  const reason = err instanceof SkiffError ? err.message : String(err);
  return new CorruptContentError(`invalid image name ${JSON.stringify(name)} in ${where}: ${reason}`, { cause: err });
}

/** A docker-archive RepoTags entry as containers/image reads it: it must carry a tag. */
export function repoTagName(tag: string, where: string): string {
  let ref: ImageReference;
  try {
    ref = parseNormalizedNamed(tag);
  } catch (err) {
    throw invalidName(tag, where, err);
  }
  if (ref.tag === undefined || ref.digest !== undefined) {
    throw new CorruptContentError(`invalid tag ${JSON.stringify(tag)} in ${where}: it must be name:tag`);
  }
  return formatReference(ref);
}

/** libimage's NormalizeName. */
export function normalizeLocalName(name: string): ImageReference {
  const parsed = parseReference(name);
  const registry = parsed.domain;
  const qualified = /[.:]/.test(registry) || registry === 'localhost' ? name : `localhost/${name.replace(/^\/+/, '')}`;
  const ref = parseNormalizedNamed(qualified);
  if (ref.tag !== undefined && ref.digest !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest };
  return tagNameOnly(ref);
}

/** The name Podman gives an image loaded from an OCI layout entry with these annotations. */
export function ociRefName(annotations: Record<string, string> | undefined, where: string): string | undefined {
  const name = annotations?.[Annotation.containerdImageName] || annotations?.[Annotation.refName];
  if (!name) return undefined;
  try {
    return formatReference(normalizeLocalName(name));
  } catch (err) {
    throw invalidName(name, where, err);
  }
}
