import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { CorruptContentError } from '../../../define/errors.ts';
import { decompressLayer } from './decompress.ts';
import { collect } from './test-kit.test.ts';

const data = Buffer.from('layer data '.repeat(10_000));

/** The input split into 3-byte chunks, so sniffing has to gather the magic across chunks. */
function dribble(b: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < Math.min(b.length, 30); i += 3) parts.push(b.subarray(i, i + 3));
  if (b.length > 30) parts.push(b.subarray(30));
  return Readable.from(parts);
}

test('recognises gzip, zstd and plain data by their first bytes', async () => {
  for (const [blob, compression] of [[gzipSync(data), 'gzip'], [zstdCompressSync(data), 'zstd'], [data, 'none']] as const) {
    const r = await decompressLayer(dribble(blob));
    assert.equal(r.compression, compression);
    assert.deepEqual(await collect(r.stream), data);
  }
  const empty = await decompressLayer(Readable.from([]));
  assert.equal(empty.compression, 'none');
  assert.deepEqual(await collect(empty.stream), Buffer.alloc(0));
});

test('bzip2, xz and corrupt data are CorruptContentError', async () => {
  await assert.rejects(decompressLayer(Readable.from([Buffer.from('BZh91AY&SY')])), /unsupported layer compression bzip2/);
  await assert.rejects(decompressLayer(Readable.from([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])])), CorruptContentError);
  const r = await decompressLayer(Readable.from([gzipSync(data).subarray(0, 100)]));
  await assert.rejects(collect(r.stream), CorruptContentError);
});

test('an input error passes through unchanged', async () => {
  const failing = new Readable({ read() { this.destroy(new Error('network down')); } });
  const r = await decompressLayer(Readable.from((async function* () {
    yield gzipSync(data).subarray(0, 10);
    for await (const c of failing) yield c as Buffer;
  })()));
  await assert.rejects(collect(r.stream), /network down/);
});
