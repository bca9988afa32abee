import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptContentError } from '../../../define/errors.ts';
import { decodeHeader, encodeHeader, encodePax, parseNumber, parsePax } from './tar-header.ts';

test('numeric fields: octal with padding, GNU base-256 positive and negative', () => {
  assert.equal(parseNumber(Buffer.from(' 0000755\0'), 0, 8), 0o755);
  assert.equal(parseNumber(Buffer.from('17 \0\0\0\0\0'), 0, 8), 0o17);
  assert.equal(parseNumber(Buffer.alloc(8), 0, 8), 0);
  const big = Buffer.alloc(12);
  big[0] = 0x80;
  big.writeUIntBE(3_000_000_000_000, 6, 6);
  assert.equal(parseNumber(big, 0, 12), 3_000_000_000_000);
  const negative = Buffer.alloc(8, 0xff);
  negative[7] = 0xfe;
  assert.equal(parseNumber(negative, 0, 8), -2);
  assert.throws(() => parseNumber(Buffer.from('12x45670'), 0, 8), CorruptContentError);
});

test('PAX records keep binary values and order; lengths count themselves', () => {
  const records: Array<[string, Buffer]> = [
    ['path', Buffer.from('a'.repeat(90))],
    ['SCHILY.xattr.security.capability', Buffer.from([1, 0, 0, 2, 0x0a, 0xff, 0])],
    ['GNU.sparse.offset', Buffer.from('0')],
    ['GNU.sparse.offset', Buffer.from('10')],
  ];
  for (let n = 0; n < 120; n++) records.push([`k${n}`, Buffer.from('v'.repeat(n))]);
  const encoded = encodePax(records);
  assert.deepEqual(parsePax(encoded), records);
  assert.deepEqual(parsePax(Buffer.concat([encodePax(records.slice(0, 1)), Buffer.alloc(100)])), records.slice(0, 1));
  assert.throws(() => parsePax(Buffer.from('99 path=x\n')), CorruptContentError);
  assert.throws(() => parsePax(Buffer.from('9 pathx\n')), CorruptContentError);
});

test('headers: encode, decode, checksum, overflow into PAX', () => {
  const { block, overflow } = encodeHeader({ name: 'dir/file', mode: 0o4755, uid: 1, gid: 2, size: 1234, mtime: 1_700_000_000, typeflag: '0' });
  assert.deepEqual(overflow, []);
  const h = decodeHeader(block, 0);
  assert.deepEqual([h.name, h.mode, h.uid, h.gid, h.size, h.mtime, h.typeflag], ['dir/file', 0o4755, 1, 2, 1234, 1_700_000_000, '0']);
  const corrupt = Buffer.from(block);
  corrupt[10] ^= 1;
  assert.throws(() => decodeHeader(corrupt, 512), CorruptContentError);
  const long = encodeHeader({ name: 'n'.repeat(101), mode: 0o644, uid: 0o10000000, gid: 0, size: 8 ** 11, mtime: 0, typeflag: '2', linkname: 'l'.repeat(101) });
  assert.deepEqual(long.overflow.sort(), ['linkpath', 'path', 'size', 'uid']);
});
