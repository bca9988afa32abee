import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StateDb } from '../../infra/state/db.ts';
import { recordUsernsRanges } from './userns-allocations.ts';
import type { IdMappings } from './userns-mappings.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-userns-db-'));
const db = new StateDb(join(dir, 'skiff.db'));
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const maps = (hostID: number, size: number): IdMappings => ({ uidMap: [{ containerID: 0, hostID, size }], gidMap: [{ containerID: 0, hostID, size }] });
const addContainer = (id: string) =>
  db.run("INSERT INTO containers (id, name, created, config, state) VALUES (?, ?, 0, '{}', '{}')", id, id);

test('ranges of live containers and of allocations in progress are in use; stale ones are dropped', () => {
  addContainer('a');
  recordUsernsRanges(db, 'a', () => maps(1000, 10));
  // In progress (this process lives, no container row yet).
  recordUsernsRanges(db, 'b', () => maps(2000, 10));
  // Stale: its container is gone and its writer has exited.
  const dead = spawnSync('true').pid!;
  db.run("INSERT INTO userns_ranges (container_id, kind, host_start, size, owner_pid) VALUES ('gone', 'uid', 3000, 10, ?)", dead);
  let seen: IdMappings | undefined;
  recordUsernsRanges(db, 'c', (used) => {
    seen = used;
    return maps(4000, 10);
  });
  assert.deepEqual(seen!.uidMap.map((m) => m.hostID).sort(), [1000, 2000]);
  assert.deepEqual(seen!.gidMap.map((m) => m.hostID).sort(), [1000, 2000]);
  assert.equal(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM userns_ranges WHERE container_id = 'gone'")!.n, 0);
});

test('recording again replaces the container own rows', () => {
  recordUsernsRanges(db, 'c', () => maps(5000, 1));
  const rows = db.all<{ host_start: number }>("SELECT host_start FROM userns_ranges WHERE container_id = 'c'");
  assert.deepEqual(rows.map((r) => Number(r.host_start)), [5000, 5000]);
});
