import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stagedContentDigest } from './build-digest.ts';

test('the COPY digest follows names, content and modes, not times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-digest-'));
  try {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'f'), 'one');
    const first = stagedContentDigest(dir);
    assert.match(first, /^dir:[0-9a-f]{64}$/);
    utimesSync(join(dir, 'app'), 5, 5);
    utimesSync(join(dir, 'app', 'f'), 5, 5);
    assert.equal(stagedContentDigest(dir), first);
    chmodSync(join(dir, 'app', 'f'), 0o600);
    const moded = stagedContentDigest(dir);
    assert.notEqual(moded, first);
    writeFileSync(join(dir, 'app', 'f'), 'two');
    assert.notEqual(stagedContentDigest(dir), moded);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
