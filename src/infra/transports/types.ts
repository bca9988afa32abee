/**
 * The contract between image archives/layouts on disk and the store: readers hand out images
 * as config bytes plus layer streams; writers take the same back. Neither side knows about
 * the store.
 */
import type { Readable } from 'node:stream';

/** One layer of an image being read. */
export interface SourceLayer {
  /** The digest of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
  diffId?: string;
  /** The digest of the bytes open() returns. */
  digest?: string;
  mediaType?: string;
  /** The size of the bytes open() returns, when known. */
  size?: number;
  /**
   * The blob bytes as stored (compressed or not: sniff them). The stream fails with a
   * DigestMismatchError when it ends if the bytes don't match `digest`, so read it to the
   * end before trusting it. Call before the reader is closed.
   */
  open(): Promise<Readable>;
}

export interface SourceImage {
  /**
   * The names Podman gives the image when it loads it, fully qualified
   * (docker.io/library/busybox:latest, localhost/name:tag); empty for an unnamed image.
   */
  names: string[];
  configBytes: Buffer;
  /** sha256 of configBytes: the image ID. */
  configDigest: string;
  /** The manifest as stored, or as containers/image generates it for a docker-archive. */
  manifestBytes?: Buffer;
  manifestMediaType?: string;
  layers: SourceLayer[];
}

export type ArchiveFormat = 'docker-archive' | 'oci-archive' | 'oci-dir' | 'docker-dir';

export interface ImageArchiveReader {
  readonly format: ArchiveFormat;
  /** Every image in the archive, in the archive's order; parsed and checked on first call. */
  images(): Promise<SourceImage[]>;
  /** Releases temporary files; layer streams must have been read before. */
  close(): Promise<void>;
}

/** One layer of an image being written. */
export interface ArchiveLayer {
  /** The digest of the uncompressed tar that open() returns. */
  diffId: string;
  /** The uncompressed size; without it the layer is spooled to a temporary file to learn it. */
  size?: number;
  /** UNCOMPRESSED tar bytes hashing to diffId (checked while writing). */
  open(): Promise<Readable>;
}

export interface ArchiveImage {
  /** Names to record: repo:tag for docker formats, ref.name annotations for OCI ones. */
  names: string[];
  configBytes: Buffer;
  layers: ArchiveLayer[];
  /**
   * The stored manifest. For OCI formats its annotations are kept, and it is written
   * verbatim when it already describes exactly the blobs written (so the digest is stable).
   */
  manifestBytes?: Buffer;
}

export interface WriteOptions {
  /** gzip layers (OCI formats and docker-dir); default false: layers stored as plain tar. */
  compress?: boolean;
  /** Where temporary files go (default os.tmpdir(), i.e. $TMPDIR). */
  tmpDir?: string;
}
