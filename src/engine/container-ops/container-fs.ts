/**
 * A container's file system as cp, top and exec need it: `/proc/PID/root` while it runs (its
 * own mount namespace, volumes and bind mounts included), otherwise its rootfs mounted for
 * the occasion, with the bind mounts and volumes of its last config.json to look through.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../../domain/containers/container-repo.ts';
import type { ContainerFs } from '../../domain/containers/copy/container-path.ts';
import type { RuntimeSpec } from '../../infra/oci/runtime-spec.ts';
import type { ContainerEngine } from '../container-engine.ts';

/** The container's config.json, as last generated; undefined when there is none. */
export function readBundleSpec(ce: ContainerEngine, id: string): RuntimeSpec | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(ce.userdataDir(id), 'config.json'), 'utf8')) as RuntimeSpec;
  } catch {
    return undefined;
  }
}

export function isRunning(rec: ContainerRecord): boolean {
  return (rec.state.status === 'running' || rec.state.status === 'paused') && rec.state.pid > 0;
}

function bindMounts(spec: RuntimeSpec | undefined): ContainerFs['mounts'] {
  return (spec?.mounts ?? [])
    .filter((m) => m.source !== undefined && (m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind')))
    .map((m) => ({ destination: m.destination, source: m.source! }));
}

/**
 * Runs fn over the container's file system. A stopped container is mounted (counted, so a
 * concurrent `mount` or start keeps it) and unmounted afterwards, under its lock.
 */
export async function withContainerFs<T>(ce: ContainerEngine, rec: ContainerRecord, fn: (fs: ContainerFs, rec: ContainerRecord) => Promise<T>): Promise<T> {
  const id = rec.config.id;
  const live = await ce.withLock(id, () => ce.sync(id));
  if (isRunning(live)) return fn({ root: `/proc/${live.state.pid}/root` }, live);
  return ce.withLock(id, async () => {
    const cur = await ce.sync(id);
    const root = ce.mountRootfs(id);
    try {
      return await fn({ root, mounts: bindMounts(readBundleSpec(ce, id)) }, cur);
    } finally {
      ce.unmountRootfs(id);
    }
  });
}
