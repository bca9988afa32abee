/**
 * Recognises a layer blob's compression by its first bytes (the media type is not to be
 * trusted: registries serve gzip under "tar" types and back) and returns the uncompressed
 * stream. Decompression failures surface as CorruptContentError.
 */
import { Readable } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { CorruptContentError } from '../../../define/errors.ts';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

const MAGIC: Array<[LayerCompression | 'bzip2' | 'xz', number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];
const SNIFF_BYTES = 6;
/** Output chunk size: larger than zlib's 16 KiB default, so fewer and larger writes downstream. */
const CHUNK = 128 << 10;
/** Decompressed bytes buffered ahead, so the thread pool inflates while the caller writes files. */
const READ_AHEAD = 4 << 20;

export function sniffCompression(head: Buffer): LayerCompression | 'bzip2' | 'xz' {
  for (const [name, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return name;
  }
  return 'none';
}

export async function decompressLayer(input: Readable): Promise<{ compression: LayerCompression; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.length;
  }
  const first = Buffer.concat(head);
  const compression = sniffCompression(first);
  if (compression === 'bzip2' || compression === 'xz') {
    input.destroy();
    throw new CorruptContentError(`unsupported layer compression ${compression}: only gzip, zstd and uncompressed tar layers are supported`);
  }
  async function* whole(): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const source = Readable.from(whole(), { objectMode: false });
  if (compression === 'none') return { compression, stream: source };
  const opts = { chunkSize: CHUNK, readableHighWaterMark: READ_AHEAD };
  const decoder = compression === 'gzip' ? createGunzip(opts) : createZstdDecompress(opts);
  source.on('error', (err) => decoder.destroy(err));
  return { compression, stream: Readable.from(mapErrors(source.pipe(decoder), compression), { objectMode: false, highWaterMark: READ_AHEAD }) };
}

async function* mapErrors(stream: Readable, compression: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ZSTD_'))) {
      throw new CorruptContentError(`corrupt ${compression} layer data: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}
