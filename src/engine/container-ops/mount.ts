/**
 * `mount` and `unmount`: a container's root file system mounted on the host, counted so
 * that nested mount/unmount pairs (and a running container's own reference) behave as
 * Podman's do: the rootfs goes away only when the last reference does.
 */
import { isMounted } from '../../infra/storage/overlay.ts';
import type { ContainerEngine } from '../container-engine.ts';
import type { BatchReport } from '../container-reports.ts';
import { isRunning } from './container-fs.ts';

export interface MountedContainer {
  id: string;
  names: string[];
  path: string;
}

/** Mounts the container's root file system; returns where. */
export async function mountContainer(ce: ContainerEngine, nameOrId: string): Promise<string> {
  const rec = ce.lookup(nameOrId);
  const id = rec.config.id;
  const mountPoint = await ce.withLock(id, async () => {
    await ce.sync(id);
    return ce.mountRootfs(id);
  });
  await ce.engine.events.container(rec.config, 'mount');
  return mountPoint;
}

/** Containers whose root file system is mounted now (by `mount` or because they run), by ID. */
export function mountedContainers(ce: ContainerEngine): MountedContainer[] {
  const out: MountedContainer[] = [];
  for (const id of [...ce.mountCounts().keys()].sort()) {
    const rec = ce.byId(id);
    const path = ce.mountPoint(id);
    if (rec && isMounted(path)) out.push({ id, names: [rec.config.name], path });
  }
  return out;
}

/**
 * Drops one `mount` reference (all of them with `force`). A running container keeps the
 * reference its start took, so unmounting it only ends the extra ones.
 */
export async function unmountContainers(ce: ContainerEngine, namesOrIds: readonly string[], opts: { all?: boolean; force?: boolean } = {}): Promise<BatchReport[]> {
  const targets: [string, string][] = opts.all ? mountedContainers(ce).map((m) => [m.id, m.id]) : [];
  const reports: BatchReport[] = [];
  for (const input of namesOrIds) {
    try {
      targets.push([ce.lookup(input).config.id, input]);
    } catch (err) {
      reports.push({ Id: input, RawInput: input, Err: err as Error });
    }
  }
  for (const [id, input] of targets) {
    try {
      const unmounted = await ce.withLock(id, async () => {
        const rec = await ce.sync(id);
        const count = ce.mountCounts().get(id) ?? 0;
        if (isRunning(rec) && rec.state.mountPoint) {
          const extra = count - 1;
          for (let i = 0; i < (opts.force ? extra : Math.min(extra, 1)); i++) ce.unmountRootfs(id);
          return extra > 0;
        }
        return ce.unmountRootfs(id, opts.force ?? false);
      });
      // `--all` lists what it actually unmounted; named containers are echoed either way.
      if (!opts.all || unmounted) reports.push({ Id: id, RawInput: input });
      if (unmounted) await ce.engine.events.container(ce.lookup(id).config, 'unmount');
    } catch (err) {
      reports.push({ Id: id, RawInput: input, Err: err as Error });
    }
  }
  return reports;
}
