/**
 * Content digests. skiff only stores and produces sha256 digests, as Podman does; anything
 * else found in content (a manifest, an index, an archive) is rejected as corrupt.
 *
 * node:crypto and node:stream load on first use: together they cost ~8 ms, and commands
 * such as `ps` and `run` import this module without hashing anything.
 */
import type { Readable, Transform, TransformCallback } from 'node:stream';
import { CorruptContentError, DigestMismatchError } from '../../define/errors.ts';

const digestPattern = /^sha256:[a-f0-9]{64}$/;

export interface ParsedDigest {
  algorithm: 'sha256';
  hex: string;
}

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${process.getBuiltinModule('node:crypto').createHash('sha256').update(data).digest('hex')}`;
}

export function isValidDigest(value: unknown): value is string {
  return typeof value === 'string' && digestPattern.test(value);
}

/** Splits a digest; anything but `sha256:` + 64 lowercase hex digits is a CorruptContentError. */
export function parseDigest(value: unknown, what = 'digest'): ParsedDigest {
  if (!isValidDigest(value)) {
    throw new CorruptContentError(`invalid ${what} ${JSON.stringify(value)}: expected sha256:<64 hex digits>`);
  }
  return { algorithm: 'sha256', hex: value.slice('sha256:'.length) };
}

/** The hex part of a valid digest (validated as parseDigest does). */
export function digestHex(value: unknown, what = 'digest'): string {
  return parseDigest(value, what).hex;
}

/** Throws DigestMismatchError unless `data` hashes to `digest`. */
export function checkDigest(data: Uint8Array, digest: string, what = 'blob'): void {
  const actual = sha256Digest(data);
  if (actual !== digest) throw new DigestMismatchError(digest, actual, what);
}

export interface VerifyOptions {
  /** The exact number of bytes expected; more or fewer is a CorruptContentError. */
  size?: number;
  /** Names the content in error messages ("layer sha256:…", "config"). */
  what?: string;
}

type VerifierClass = new (digest: string, options: VerifyOptions) => Transform;
let verifierClass: VerifierClass | undefined;

function digestVerifier(): VerifierClass {
  if (verifierClass) return verifierClass;
  const stream = process.getBuiltinModule('node:stream');
  class DigestVerifier extends stream.Transform {
    readonly #hash = process.getBuiltinModule('node:crypto').createHash('sha256');
    readonly #digest: string;
    readonly #size: number | undefined;
    readonly #what: string;
    #seen = 0;

    constructor(digest: string, options: VerifyOptions) {
      super();
      this.#digest = digest;
      this.#size = options.size;
      this.#what = options.what ?? 'blob';
    }

    override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      this.#seen += chunk.length;
      if (this.#size !== undefined && this.#seen > this.#size) {
        callback(new CorruptContentError(`${this.#what} is longer than its declared size of ${this.#size} bytes`));
        return;
      }
      this.#hash.update(chunk);
      callback(null, chunk);
    }

    override _flush(callback: TransformCallback): void {
      const actual = `sha256:${this.#hash.digest('hex')}`;
      if (actual !== this.#digest) {
        callback(new DigestMismatchError(this.#digest, actual, this.#what));
      } else if (this.#size !== undefined && this.#seen !== this.#size) {
        callback(new CorruptContentError(`${this.#what} has ${this.#seen} bytes, expected ${this.#size}`));
      } else {
        callback();
      }
    }
  }
  verifierClass = DigestVerifier;
  return verifierClass;
}

/**
 * Passes `input` through unchanged while hashing it. When the input ends, the returned stream
 * emits 'error' with a DigestMismatchError (instead of 'end') if the bytes do not hash to
 * `digest`, so a consumer that reads to the end can trust what it read. Errors of `input`
 * are forwarded, and destroying the returned stream destroys `input`.
 */
export function verifyDigest(input: Readable, digest: string, options: VerifyOptions = {}): Readable {
  parseDigest(digest);
  return process.getBuiltinModule('node:stream').pipeline(input, new (digestVerifier())(digest, options), () => {});
}

/** Reads a whole stream, failing once more than `limit` bytes arrive. */
export async function readAll(input: Readable, limit: number, what = 'content'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > limit) {
      input.destroy();
      throw new CorruptContentError(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
