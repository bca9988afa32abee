/**
 * `rm` and `container prune`. A live container needs --force, which stops it first (without
 * the lock held while it dies). The row and the directory go in one transaction: the
 * directory is renamed aside there and deleted after the commit, so a killed rm leaves at
 * most trash for the next sweep.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ContainerExistsError, InvalidStateError, NoSuchContainerError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { randomId } from '../infra/storage/ids.ts';
import { batchTargets, filterPredicate, forEachContainer } from './container-batch.ts';
import type { ContainerEngine } from './container-engine.ts';
import { syncLocked, teardownRuntime } from './container-lifecycle.ts';
import { liveStates } from '../domain/containers/model.ts';
import { teardownNetworkLocked } from './container-network.ts';
import type { BatchReport, ContainerRmOptions, PruneContainerReport } from './container-reports.ts';
import { stopOne } from './container-stop.ts';
import { sweepContainers } from './container-sweep.ts';
import { removeAnonymousVolumes } from './container-volumes.ts';

/** Deletes a container that no longer runs; the lock must be held. */
export async function removeLocked(ce: ContainerEngine, rec: ContainerRecord, opts: { volumes?: boolean } = {}): Promise<void> {
  const store = ce.engine.store;
  const id = rec.config.id;
  await teardownRuntime(ce, { ...rec, state: { ...rec.state, status: 'exited' } });
  ce.unmountRootfs(id, true);
  await ce.engine.networks.load();
  await teardownNetworkLocked(ce, ce.byId(id) ?? rec);
  const aside = path.join(store.paths.staging, `trash-ctr-${randomId().slice(0, 16)}`);
  fs.mkdirSync(store.paths.staging, { recursive: true, mode: 0o700 });
  store.db.write(() => {
    if (!ce.repo.delete(id)) throw new NoSuchContainerError(id);
    store.db.run("DELETE FROM mounts WHERE kind = 'container' AND id = ?", id);
    try {
      fs.renameSync(ce.containerDir(id), aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  });
  fs.rmSync(aside, { recursive: true, force: true });
  fs.rmSync(ce.lockFile(id), { force: true });
  fs.rmSync(ce.cleanupClaimFile(id), { force: true });
  if (rec.config.logPath && !rec.config.logPath.startsWith(ce.containerDir(id))) fs.rmSync(rec.config.logPath, { force: true });
  if (opts.volumes) removeAnonymousVolumes(ce, rec.config);
  await ce.engine.events.container(rec.config, 'remove');
}

function runningError(id: string): InvalidStateError {
  return new InvalidStateError(`cannot remove container ${id} as it is running - running or paused containers cannot be removed without force: container state improper`);
}

/**
 * Removes one container, stopping it first with `force`. A container that disappears on the
 * way (its own --rm cleanup removed it) counts as removed.
 */
export async function removeOne(ce: ContainerEngine, id: string, opts: ContainerRmOptions): Promise<void> {
  const gone = (err: unknown) => {
    if (!(err instanceof NoSuchContainerError)) throw err;
  };
  const cur = await ce.withLock(id, () => syncLocked(ce, id)).catch(gone);
  if (!cur) return;
  const live = (r: ContainerRecord) => liveStates.includes(r.state.status) && r.state.status !== 'created';
  // Stopping here cleans up too: conmon's exit command need not start a skiff that would
  // find the container gone (or, under `system reset`, write into a store being removed).
  const claim = live(cur) ? await ce.claimCleanup(id) : undefined;
  try {
    if (live(cur)) {
      if (!opts.force) throw runningError(id);
      await stopOne(ce, id, opts.timeout).catch(gone);
    }
    await ce.withLock(id, async () => {
      const now = ce.byId(id);
      if (!now) return;
      if (live(now)) throw runningError(id);
      await removeLocked(ce, now, { volumes: opts.volumes });
    });
  } finally {
    claim?.release();
  }
}

/** Which containers join each container's namespaces (`--network container:ID` and friends), from one listing. */
function dependents(ce: ContainerEngine): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of ce.list()) {
    for (const value of Object.values(r.config.namespaces)) {
      if (typeof value !== 'string' || !value.startsWith('container:')) continue;
      const target = ce.repo.find(value.slice('container:'.length));
      if (target && target.config.id !== r.config.id) map.set(target.config.id, [...(map.get(target.config.id) ?? []), r.config.id]);
    }
  }
  return map;
}

/** `id`'s dependents, theirs in turn, each before what it depends on. */
function dependentsFirst(map: ReadonlyMap<string, string[]>, id: string, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const d of map.get(id) ?? []) {
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(...dependentsFirst(map, d, seen), d);
  }
  return out;
}

export async function removeContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerRmOptions & { filters?: string[] }): Promise<BatchReport[]> {
  sweepContainers(ce);
  const targets = new Set(batchTargets(ce, namesOrIds, opts).map(([r]) => r.config.id));
  const joiners = dependents(ce);
  return forEachContainer(ce, namesOrIds, opts, async (rec) => {
    const id = rec.config.id;
    // Podman: a container others join goes only after them: with --depend they go too,
    // else they must be among the containers removed (as with `rm -a`).
    const blocking = opts.depend ? [] : (joiners.get(id) ?? []).filter((d) => !targets.has(d) && ce.byId(d));
    if (blocking.length > 0) throw new ContainerExistsError(`container ${id} has dependent containers which must be removed before it: ${blocking.join(', ')}`);
    for (const d of dependentsFirst(joiners, id)) await removeOne(ce, d, opts.depend ? { ...opts, force: true } : opts);
    await removeOne(ce, id, opts);
  });
}

function diskUsage(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += diskUsage(p);
    else if (e.isFile()) total += fs.lstatSync(p).size;
  }
  return total;
}

/** The size of the container's writable layer (what `ps -s` and prune report). */
export function rwSize(ce: ContainerEngine, id: string): number {
  return diskUsage(path.join(ce.containerDir(id), 'diff'));
}

/** `container prune`: every container that is not running (matching the filters). */
export async function pruneContainers(ce: ContainerEngine, filters: string[]): Promise<PruneContainerReport[]> {
  sweepContainers(ce);
  const match = filterPredicate(ce, filters);
  const reports: PruneContainerReport[] = [];
  for (const rec of ce.list()) {
    if (!match(rec, rec.state.status)) continue;
    const id = rec.config.id;
    try {
      await ce.withLock(id, async () => {
        const cur = await syncLocked(ce, id);
        if (liveStates.includes(cur.state.status)) return;
        const size = rwSize(ce, id);
        await removeLocked(ce, cur);
        reports.push({ Id: id, Size: size });
      });
    } catch (err) {
      if (err instanceof NoSuchContainerError) continue;
      reports.push({ Id: id, Size: 0, Err: err as Error });
    }
  }
  return reports;
}
