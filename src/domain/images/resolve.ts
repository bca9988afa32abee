/**
 * Finds a local image from what a user typed, in libimage's order: a full or normalised
 * name, then a short name matching any stored repository, then an ID or unique ID prefix,
 * then a digest (`name@sha256:…` or `sha256:…`).
 */
import { InvalidArgumentError, NoSuchImageError } from '../../define/errors.ts';
import type { ImageStore } from '../../infra/storage/image-store.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import { lookupCandidates, matchesShortName, parseName } from './names.ts';

const hexPrefix = /^[0-9a-f]{1,64}$/;

export function findImage(store: ImageStore, nameOrId: string): ImageRecord | undefined {
  const input = nameOrId;
  if (input.startsWith('sha256:')) {
    const hex = input.slice(7);
    if (hex.length === 64) {
      const byDigest = store.byDigest(input);
      if (byDigest.length) return byDigest[0];
    }
    return uniquePrefix(store, hex, nameOrId);
  }
  if (hexPrefix.test(input) && input.length === 64) {
    const img = store.get(input);
    if (img) return img;
  }
  let parsed;
  try {
    parsed = parseName(input);
  } catch (err) {
    if (hexPrefix.test(input)) return uniquePrefix(store, input, nameOrId);
    throw err;
  }
  if (parsed.digest !== undefined) {
    const repo = `${parsed.domain ? `${parsed.domain}/` : ''}${parsed.path}`;
    for (const img of store.byDigest(parsed.digest)) {
      if (img.names.some((n) => n.startsWith(`${repo}:`) || n.startsWith(`${repo}@`) || matchesRepo(n, parsed.path))) return img;
    }
  }
  for (const candidate of lookupCandidates(input)) {
    const img = store.byName(candidate);
    if (img) return img;
  }
  if (parsed.domain === undefined) {
    const matches = store.allNames().filter((n) => matchesShortName(n.name, input));
    const ids = new Set(matches.map((m) => m.imageId));
    if (ids.size === 1) return store.get([...ids][0]!);
    if (ids.size > 1) {
      return store.get(matches[0]!.imageId);
    }
  }
  if (hexPrefix.test(input)) return uniquePrefix(store, input, nameOrId);
  return undefined;
}

function matchesRepo(stored: string, path: string): boolean {
  const s = parseName(stored);
  return s.path === path || s.path.endsWith(`/${path}`);
}

function uniquePrefix(store: ImageStore, prefix: string, input: string): ImageRecord | undefined {
  const found = store.byIdPrefix(prefix);
  if (found.length > 1) throw new InvalidArgumentError(`short ID "${input}" is ambiguous: matches ${found.length} images`);
  return found[0];
}

export function getImage(store: ImageStore, nameOrId: string): ImageRecord {
  const img = findImage(store, nameOrId);
  if (!img) throw new NoSuchImageError(nameOrId);
  return img;
}

/**
 * The stored full name a short name answers to (`busybox:1` → `quay.io/x/busybox:1`), as
 * findImage would pick it; undefined for a qualified name, a digest, or no match. `pull`
 * pulls that name rather than searching registries (libimage: a short name matching a local
 * image "must use its name", containers/podman#12178).
 */
export function localNameForShortName(store: ImageStore, input: string): string | undefined {
  let parsed;
  try {
    parsed = parseName(input);
  } catch {
    return undefined;
  }
  if (parsed.domain !== undefined || parsed.digest !== undefined) return undefined;
  for (const candidate of lookupCandidates(input)) if (store.byName(candidate)) return candidate;
  return store.allNames().find((n) => matchesShortName(n.name, input))?.name;
}
