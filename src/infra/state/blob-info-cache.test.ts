import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MediaType } from '../image/types.ts';
import { BlobInfoCache, compressionOf } from './blob-info-cache.ts';
import { StateDb } from './db.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;

function withCache(fn: (cache: BlobInfoCache) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bic-'));
  const db = new StateDb(join(dir, 'db.sqlite'));
  try {
    fn(new BlobInfoCache(db));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('blobs holding a layer, with compression and size; locations per registry, newest first', () => {
  withCache((cache) => {
    cache.record('r.example', 'a', [{ digest: d('1'), diffId: d('0'), compression: 'gzip', size: 10 }, { digest: d('c') }]);
    cache.record('r.example', 'b', [{ digest: d('1') }]);
    cache.record('other.example', 'x', [{ digest: d('2'), diffId: d('0'), compression: 'zstd' }]);
    assert.deepEqual(cache.blobsFor(d('0')).sort((x, y) => x.digest.localeCompare(y.digest)), [
      { digest: d('1'), compression: 'gzip', size: 10 },
      { digest: d('2'), compression: 'zstd', size: undefined },
    ]);
    assert.deepEqual(cache.blobsFor(d('9')), []);
    const repos = cache.repositories(d('1'), 'r.example');
    assert.deepEqual(new Set(repos), new Set(['a', 'b']));
    assert.deepEqual(cache.repositories(d('1'), 'other.example'), []);
    assert.deepEqual(cache.repositories(d('c'), 'r.example'), ['a']);
  });
});

test('a later sighting without a size keeps the known one', () => {
  withCache((cache) => {
    cache.record('r', 'old', [{ digest: d('1'), diffId: d('0'), compression: 'gzip', size: 10 }]);
    cache.record('r', 'new', [{ digest: d('1'), diffId: d('0'), compression: 'gzip' }]);
    assert.equal(cache.blobsFor(d('0'))[0]!.size, 10);
  });
});

test('compression from the media type; a blob equal to its diffID is uncompressed', () => {
  assert.equal(compressionOf(MediaType.dockerLayer, d('1'), d('0')), 'gzip');
  assert.equal(compressionOf(MediaType.ociLayerGzip, d('1'), d('0')), 'gzip');
  assert.equal(compressionOf(MediaType.ociLayerZstd, d('1'), d('0')), 'zstd');
  assert.equal(compressionOf(MediaType.ociLayer, d('1'), d('0')), 'none');
  assert.equal(compressionOf(MediaType.dockerLayer, d('0'), d('0')), 'none');
});
