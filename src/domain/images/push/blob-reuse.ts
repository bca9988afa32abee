/**
 * Reusing blobs a registry already holds instead of uploading them, as containers/image's
 * TryReusingBlob does with its blob info cache. For a layer, the candidates are the blobs
 * known to hold it (in a compression the push accepts) at a location known on the
 * destination registry, plus the uncompressed layer itself: first in the destination
 * repository (a HEAD; present means nothing to upload), then in other repositories of the
 * same registry (a HEAD there, then a cross-repository mount). Every failure of a candidate
 * only moves on to the next one; the caller uploads when none is left.
 */
import type { RegistryClient } from '../../../infra/registry/client.ts';
import type { BlobCompression, BlobInfoCache, KnownBlob } from '../../../infra/state/blob-info-cache.ts';

export interface PushTarget {
  client: RegistryClient;
  /** host[:port], as the cache names registries */
  registry: string;
  repository: string;
}

export interface ReusedBlob {
  digest: string;
  compression: BlobCompression;
  size: number;
}

/**
 * The compressions a pushed layer may have: exactly the requested one, or else any the
 * manifest format can describe, gzip (the default) first.
 */
export function acceptableCompressions(format: 'oci' | 'v2s2', requested: 'gzip' | 'zstd' | undefined): BlobCompression[] {
  if (requested) return [requested];
  return format === 'v2s2' ? ['gzip', 'none'] : ['gzip', 'zstd', 'none'];
}

interface Attempt {
  blob: KnownBlob;
  repository: string;
}

/** Makes a blob holding layer `diffId` present in the target without uploading it, if one is known. */
export async function reuseLayer(target: PushTarget, cache: BlobInfoCache, diffId: string, accept: BlobCompression[]): Promise<ReusedBlob | undefined> {
  const blobs = cache.blobsFor(diffId).filter((b) => accept.includes(b.compression));
  if (accept.includes('none') && !blobs.some((b) => b.digest === diffId)) blobs.push({ digest: diffId, compression: 'none', size: undefined });
  const attempts: Attempt[] = [];
  for (const blob of blobs) {
    const repositories = cache.repositories(blob.digest, target.registry);
    // The uncompressed layer is worth a HEAD even where it is not known, as containers/image tries the source digest.
    if (blob.digest === diffId && !repositories.includes(target.repository)) repositories.unshift(target.repository);
    for (const repository of repositories) attempts.push({ blob, repository });
  }
  const rank = (a: Attempt) => (a.repository === target.repository ? 0 : 10) + accept.indexOf(a.blob.compression);
  attempts.sort((a, b) => rank(a) - rank(b));
  for (const { blob, repository } of attempts) {
    const size = await tryReuse(target, blob.digest, repository, blob.size);
    if (size !== undefined) return { digest: blob.digest, compression: blob.compression, size };
  }
  return undefined;
}

/** Makes the config blob `digest` present in the target without uploading it, if it is known there or nearby. */
export async function reuseConfig(target: PushTarget, cache: BlobInfoCache, digest: string, size: number): Promise<boolean> {
  const others = cache.repositories(digest, target.registry).filter((r) => r !== target.repository);
  for (const repository of [target.repository, ...others]) {
    if ((await tryReuse(target, digest, repository, size)) !== undefined) return true;
  }
  return false;
}

/**
 * The blob's size once it is in the target repository: found there, or mounted from
 * `repository` after a HEAD there showed it exists (so no upload is left half-open when it
 * does not). Undefined when this candidate does not work out.
 */
async function tryReuse(target: PushTarget, digest: string, repository: string, knownSize: number | undefined): Promise<number | undefined> {
  const { client } = target;
  try {
    const same = repository === target.repository;
    const size = await client.blobSize(repository, digest, same ? 'pull,push' : 'pull');
    if (size === undefined) return undefined;
    const known = size >= 0 ? size : knownSize;
    if (known === undefined) return undefined;
    if (!same && !(await client.mountBlob(target.repository, digest, repository))) return undefined;
    return known;
  } catch {
    // A candidate the registry will not show or mount (no access, gone) is simply not reused;
    // a registry that is really unreachable fails the upload that follows, with its error.
    return undefined;
  }
}
