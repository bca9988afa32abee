/**
 * `stats`: one sample per container from its cgroup and network namespace. Pass the previous
 * round's reports back in to get CPU % over the interval (the first is over the container's
 * whole run, as Podman's).
 */
import { NoSuchContainerError } from '../../define/errors.ts';
import type { ContainerRecord } from '../../domain/containers/container-repo.ts';
import { cgroupPaths, readCgroupSample, readNetIo, type CgroupSample } from '../../domain/containers/stats/cgroup-stats.ts';
import { containerStats, type ContainerStats } from '../../domain/containers/stats/container-stats.ts';
import { nowNs } from '../../domain/containers/timestamps.ts';
import type { ContainerEngine } from '../container-engine.ts';
import { isRunning } from './container-fs.ts';

export type { ContainerStats } from '../../domain/containers/stats/container-stats.ts';

export interface ContainerStatsOptions {
  /** every container, not only running ones */
  all?: boolean;
  latest?: boolean;
}

function sampleOf(rec: ContainerRecord, previous: ReadonlyMap<string, ContainerStats>): ContainerStats {
  const live = isRunning(rec);
  let sample: CgroupSample | undefined;
  let net = { rx: 0, tx: 0 };
  if (live) {
    try {
      sample = readCgroupSample(cgroupPaths(rec.state.pid));
      net = readNetIo(rec.state.pid);
    } catch {
      // exited since the state was read
    }
  }
  return containerStats({
    id: rec.config.id,
    name: rec.config.name,
    sample,
    net,
    memoryLimit: rec.config.resources.memory,
    startedAtNs: BigInt(Date.parse(rec.state.startedAt) || 0) * 1_000_000n,
    nowNs: nowNs(),
    previous: previous.get(rec.config.id),
  });
}

/** A sample of the named containers (in that order), or of all running ones (all with `all`), by ID. */
export async function statsSnapshot(
  ce: ContainerEngine, namesOrIds: readonly string[], opts: ContainerStatsOptions, previous: ReadonlyMap<string, ContainerStats> = new Map(),
): Promise<ContainerStats[]> {
  let targets: ContainerRecord[];
  if (namesOrIds.length) targets = namesOrIds.map((n) => ce.lookup(n));
  else if (opts.latest) {
    const latest = ce.latest();
    if (!latest) throw new NoSuchContainerError('latest');
    targets = [latest];
  } else targets = ce.list().sort((a, b) => (a.config.id < b.config.id ? -1 : 1));
  const out: ContainerStats[] = [];
  for (const t of targets) {
    const rec = await ce.withLock(t.config.id, () => ce.sync(t.config.id)).catch((err: unknown) => {
      if (err instanceof NoSuchContainerError && namesOrIds.length === 0) return undefined;
      throw err;
    });
    if (!rec) continue;
    if (namesOrIds.length === 0 && !opts.latest && !opts.all && rec.state.status !== 'running') continue;
    out.push(sampleOf(rec, previous));
  }
  return out;
}
