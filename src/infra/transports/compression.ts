/**
 * Recognising compressed streams by their magic numbers (as containers/image's
 * compression.DetectCompression does) and undoing gzip and zstd, which Node has built in.
 */
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { CorruptContentError, InvalidArgumentError } from '../../define/errors.ts';

export type Compression = 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** The longest magic number sniffCompression looks at. */
export const sniffLength = 6;

export function sniffCompression(head: Uint8Array): Compression | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return 'xz';
  return undefined;
}

/** A stream that decompresses `compression`; bzip2 and xz are refused. */
export function decompressor(compression: Compression, what: string): Transform {
  switch (compression) {
    case 'gzip':
      return createGunzip();
    case 'zstd':
      return createZstdDecompress();
    default:
      throw new InvalidArgumentError(`${what} is ${compression}-compressed, which skiff does not support: decompress it first`);
  }
}

/**
 * `input` decompressed. Bad compressed data fails the returned stream with a
 * CorruptContentError; destroying the returned stream destroys `input`.
 */
export function decompressStream(input: Readable, compression: Compression, what: string): Readable {
  const inflate = decompressor(compression, what);
  const out = new PassThrough();
  input.on('error', (err) => out.destroy(err));
  inflate.on('error', (err) => {
    out.destroy(new CorruptContentError(`${what}: invalid ${compression} data: ${err.message}`, { cause: err }));
  });
  out.on('close', () => {
    input.destroy();
    inflate.destroy();
  });
  input.pipe(inflate).pipe(out);
  return out;
}
