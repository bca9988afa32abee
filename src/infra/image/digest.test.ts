import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { CorruptContentError, DigestMismatchError } from '../../define/errors.ts';
import { checkDigest, digestHex, isValidDigest, parseDigest, readAll, sha256Digest, verifyDigest } from './digest.ts';

const helloDigest = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('sha256Digest', () => {
  assert.equal(sha256Digest('hello'), helloDigest);
  assert.equal(sha256Digest(Buffer.from('hello')), helloDigest);
});

test('parseDigest accepts only sha256 with 64 lowercase hex digits', () => {
  assert.deepEqual(parseDigest(helloDigest), { algorithm: 'sha256', hex: helloDigest.slice(7) });
  assert.equal(digestHex(helloDigest), helloDigest.slice(7));
  for (const bad of [
    helloDigest.toUpperCase(),
    `sha256:${'A'.repeat(64)}`,
    helloDigest.slice(0, -1),
    `${helloDigest}0`,
    helloDigest.slice(7),
    `sha512:${'a'.repeat(128)}`,
    `sha256:${'g'.repeat(64)}`,
    `sha256:../../${'a'.repeat(58)}`,
    '',
    42,
    null,
  ]) {
    assert.equal(isValidDigest(bad), false);
    assert.throws(() => parseDigest(bad), CorruptContentError, String(bad));
  }
});

test('checkDigest', () => {
  checkDigest(Buffer.from('hello'), helloDigest);
  assert.throws(() => checkDigest(Buffer.from('hellO'), helloDigest), DigestMismatchError);
});

test('verifyDigest passes matching content through', async () => {
  const out = await drain(verifyDigest(Readable.from([Buffer.from('hel'), Buffer.from('lo')]), helloDigest, { size: 5 }));
  assert.equal(out.toString(), 'hello');
});

test('verifyDigest fails at the end on a mismatch, and on a wrong size', async () => {
  await assert.rejects(drain(verifyDigest(Readable.from([Buffer.from('hellO')]), helloDigest)), (err: Error) => {
    assert.ok(err instanceof DigestMismatchError);
    assert.equal(err.expected, helloDigest);
    assert.equal(err.actual, sha256Digest('hellO'));
    return true;
  });
  await assert.rejects(drain(verifyDigest(Readable.from([Buffer.from('hello!')]), helloDigest, { size: 5 })), CorruptContentError);
  await assert.rejects(drain(verifyDigest(Readable.from([Buffer.from('hello')]), helloDigest, { size: 6 })), CorruptContentError);
});

test('verifyDigest forwards source errors and destroys the source when abandoned', async () => {
  const failing = new Readable({
    read() {
      this.destroy(new Error('disk on fire'));
    },
  });
  await assert.rejects(drain(verifyDigest(failing, helloDigest)), /disk on fire/);
  const source = Readable.from((function* () {
    for (;;) yield Buffer.alloc(1024);
  })());
  const verified = verifyDigest(source, helloDigest);
  for await (const chunk of verified) {
    assert.ok(chunk);
    break;
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(source.destroyed);
});

test('readAll enforces its limit', async () => {
  assert.equal((await readAll(Readable.from([Buffer.from('abc')]), 3)).toString(), 'abc');
  await assert.rejects(readAll(Readable.from([Buffer.from('abcd')]), 3), CorruptContentError);
});
