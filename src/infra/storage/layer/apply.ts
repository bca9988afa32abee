/**
 * Applying a layer blob to a directory, in one streaming pass:
 *   input ─ sha256 (expectedDigest) ─ decompress ─ sha256 (diff ID) ─ tar reader ─ files
 *                                                                     └ tar-split file
 * Digests are checked once everything is read; on any failure the tar-split is not
 * written and the caller discards the directory, which may hold part of the layer.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, InvalidArgumentError } from '../../../define/errors.ts';
import { ByteSource } from './byte-source.ts';
import { decompressLayer } from './decompress.ts';
import { EntryWriter, type IdMapping } from './entry-writer.ts';
import { TarReader } from './tar-reader.ts';
import { TarSplitWriter } from './tar-split.ts';
import type { WhiteoutFormat } from './whiteout.ts';

export type { IdMapping } from './entry-writer.ts';
export type { WhiteoutFormat } from './whiteout.ts';

export interface ApplyLayerOptions {
  /** Where to write the tar-split file (via a temporary name and a rename). */
  tarSplitPath: string;
  /** Digest of the raw input bytes ("sha256:…", also sha384/sha512), e.g. a compressed blob's. */
  expectedDigest?: string;
  /** sha256 digest of the uncompressed tar. */
  expectedDiffId?: string;
  whiteoutFormat: WhiteoutFormat;
  /** Ignore EPERM/EINVAL from chown and xattrs (single-ID rootless setups). */
  ignoreChownErrors?: boolean;
  uidMap?: IdMapping[];
  gidMap?: IdMapping[];
}

export interface ApplyLayerReport {
  /** sha256 digest of the uncompressed tar. */
  diffId: string;
  /** Size of the uncompressed tar in bytes. */
  size: number;
  /** Sum of the sizes of the regular files the layer holds. */
  fileSize: number;
}

const ALGORITHMS = new Set(['sha256', 'sha384', 'sha512']);

function algorithmOf(digest: string | undefined, allowed: Set<string>): string {
  if (digest === undefined) return 'sha256';
  const algo = digest.slice(0, digest.indexOf(':'));
  if (!allowed.has(algo)) throw new InvalidArgumentError(`unsupported digest ${JSON.stringify(digest)}`);
  return algo;
}

export async function applyLayer(input: Readable, targetDir: string, opts: ApplyLayerOptions): Promise<ApplyLayerReport> {
  const rawAlgo = algorithmOf(opts.expectedDigest, ALGORITHMS);
  // Without an expected blob digest there is nothing to check the raw bytes against.
  const rawHash = opts.expectedDigest === undefined ? undefined : createHash(rawAlgo);
  algorithmOf(opts.expectedDiffId, new Set(['sha256']));
  const root = await fs.realpath(targetDir);

  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      rawHash?.update(chunk);
      done(null, chunk);
    },
  });
  const inputDone = pipeline(input, tap);
  inputDone.catch(() => {});

  const tarHash = createHash('sha256');
  let size = 0;
  const split = TarSplitWriter.create(opts.tarSplitPath);
  const stashDir = `${opts.tarSplitPath}.stash-${process.pid}-${Date.now().toString(36)}`;
  let stream: Readable | undefined;
  let writer: EntryWriter | undefined;
  try {
    stream = (await decompressLayer(tap)).stream;
    const source = new ByteSource(stream, (chunk) => {
      tarHash.update(chunk);
      size += chunk.length;
    });
    const reader = new TarReader(source, split);
    writer = new EntryWriter(root, reader, { ...opts, stashDir });
    for (let entry = await reader.next(); entry; entry = await reader.next()) {
      await writer.write(entry);
      await split.backpressure();
    }
    const stashed = writer.finish();
    await inputDone;

    const diffId = `sha256:${tarHash.digest('hex')}`;
    if (rawHash && opts.expectedDigest !== undefined) {
      const digest = `${rawAlgo}:${rawHash.digest('hex')}`;
      if (opts.expectedDigest !== digest) throw new DigestMismatchError(opts.expectedDigest, digest, 'layer blob');
    }
    if (opts.expectedDiffId !== undefined && opts.expectedDiffId !== diffId) {
      throw new DigestMismatchError(opts.expectedDiffId, diffId, 'layer diff ID');
    }
    await split.commit(stashed);
    return { diffId, size, fileSize: writer.fileSize };
  } catch (err) {
    stream?.destroy();
    tap.destroy();
    input.destroy();
    await split.abort();
    throw err;
  } finally {
    writer?.cleanup();
  }
}
