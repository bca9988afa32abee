/**
 * The blob info cache, as containers/image keeps one: which compressed blobs are known to hold
 * a layer (its uncompressed digest, the diffID), how each is compressed, and in which
 * registry repositories a blob is known to exist. Pulls and pushes record what they learn;
 * a push consults it to skip or mount blobs instead of compressing and uploading them again.
 *
 * The cache is advisory: an entry may be stale (a registry garbage-collects), so callers
 * check with the registry before trusting a location.
 */
import { MediaType } from '../image/types.ts';
import type { StateDb } from './db.ts';

export type BlobCompression = 'gzip' | 'zstd' | 'none';

/** A blob known to decompress to a layer. */
export interface KnownBlob {
  digest: string;
  compression: BlobCompression;
  size: number | undefined;
}

/** A blob seen in one repository of a registry. */
export interface BlobSighting {
  digest: string;
  /** the layer it holds; unset for configs */
  diffId?: string | undefined;
  compression?: BlobCompression | undefined;
  size?: number | undefined;
}

/** A layer's compression, from its media type (and its digest: equal to the diffID means none). */
export function compressionOf(mediaType: string, digest: string, diffId: string): BlobCompression {
  if (digest === diffId || mediaType === MediaType.ociLayer || mediaType === MediaType.dockerLayerUncompressed) return 'none';
  return mediaType.endsWith('+zstd') ? 'zstd' : 'gzip';
}

export class BlobInfoCache {
  readonly #db: StateDb;
  constructor(db: StateDb) {
    this.#db = db;
  }

  /** Records blobs as present in `registry`/`repository`, with what each holds when known. */
  record(registry: string, repository: string, blobs: BlobSighting[]): void {
    const now = Date.now();
    this.#db.write(() => {
      for (const b of blobs) {
        if (b.diffId !== undefined && b.compression !== undefined) {
          this.#db.run(
            `INSERT INTO blob_info (digest, diff_id, compression, size) VALUES (?, ?, ?, ?)
             ON CONFLICT(digest) DO UPDATE SET diff_id = excluded.diff_id, compression = excluded.compression,
               size = COALESCE(excluded.size, blob_info.size)`,
            b.digest,
            b.diffId,
            b.compression,
            b.size ?? null,
          );
        }
        this.#db.run(
          'INSERT INTO blob_locations (digest, registry, repository, seen) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET seen = excluded.seen',
          b.digest,
          registry,
          repository,
          now,
        );
      }
    });
  }

  /** The blobs known to hold the layer `diffId`. */
  blobsFor(diffId: string): KnownBlob[] {
    return this.#db
      .all<{ digest: string; compression: string; size: number | null }>('SELECT digest, compression, size FROM blob_info WHERE diff_id = ?', diffId)
      .map((r) => ({ digest: r.digest, compression: r.compression as BlobCompression, size: r.size === null ? undefined : Number(r.size) }));
  }

  /** The repositories of `registry` where `digest` is known to exist, most recently seen first. */
  repositories(digest: string, registry: string): string[] {
    return this.#db
      .all<{ repository: string }>('SELECT repository FROM blob_locations WHERE digest = ? AND registry = ? ORDER BY seen DESC, repository', digest, registry)
      .map((r) => r.repository);
  }
}
