/**
 * The host id ranges containers with their own user namespace hold (table userns_ranges),
 * as containers/storage keeps every container's UIDMap/GIDMap: `--userns=auto` takes ranges
 * nobody holds. Deciding and recording happen in one write transaction, so two concurrent
 * creates never get the same range. Rows are written before the container row exists; a
 * row whose container is gone and whose writer has exited is stale and dropped.
 */
import type { IdMapping } from '../../infra/oci/runtime-spec.ts';
import type { StateDb } from '../../infra/state/db.ts';
import { processAlive } from '../../infra/sys/process.ts';
import type { IdMappings } from './userns-mappings.ts';

interface RangeRow {
  container_id: string;
  kind: string;
  host_start: number;
  size: number;
  owner_pid: number;
  /** the container's id when its row exists */
  live: string | null;
}

/** Host ranges in use, by kind, after dropping stale rows. Call inside a write transaction. */
function usedRanges(db: StateDb): IdMappings {
  const rows = db.all<RangeRow>('SELECT r.container_id, r.kind, r.host_start, r.size, r.owner_pid, c.id AS live FROM userns_ranges r LEFT JOIN containers c ON c.id = r.container_id');
  const used: IdMappings = { uidMap: [], gidMap: [] };
  const stale = new Set<string>();
  for (const r of rows) {
    if (r.live === null && !processAlive(Number(r.owner_pid))) {
      stale.add(r.container_id);
      continue;
    }
    const m: IdMapping = { containerID: 0, hostID: Number(r.host_start), size: Number(r.size) };
    (r.kind === 'uid' ? used.uidMap : used.gidMap).push(m);
  }
  for (const id of stale) db.run('DELETE FROM userns_ranges WHERE container_id = ?', id);
  return used;
}

/**
 * Records the mappings `decide` returns for container `id`, given the ranges others hold
 * (their container ids are meaningless: only host ranges count).
 */
export function recordUsernsRanges(db: StateDb, id: string, decide: (used: IdMappings) => IdMappings): IdMappings {
  return db.write(() => {
    const maps = decide(usedRanges(db));
    db.run('DELETE FROM userns_ranges WHERE container_id = ?', id);
    for (const [kind, list] of [['uid', maps.uidMap], ['gid', maps.gidMap]] as const) {
      for (const m of list) db.run('INSERT INTO userns_ranges (container_id, kind, host_start, size, owner_pid) VALUES (?, ?, ?, ?, ?)', id, kind, m.hostID, m.size, process.pid);
    }
    return maps;
  });
}
