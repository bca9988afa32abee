/**
 * `port`, `rename` and `update`: what is published, what the container is called, and the
 * cgroup limits of a live container (applied through `runtime update`, and stored so the
 * next start has them too).
 */
import { InvalidArgumentError, NameInUseError, NoSuchContainerError } from '../../define/errors.ts';
import { checkTransition, type ContainerConfig, type PortMapping } from '../../domain/containers/model.ts';
import { linuxResources } from '../../domain/containers/spec/resources.ts';
import type { ContainerEngine } from '../container-engine.ts';
import { isValidObjectName } from '../../domain/object-names.ts';

export interface PortReport {
  id: string;
  ports: PortMapping[];
}

/** The port mappings of running containers: the one named, the latest, or all of them. */
export async function containerPorts(ce: ContainerEngine, nameOrId: string | undefined, opts: { all?: boolean; latest?: boolean } = {}): Promise<PortReport[]> {
  let targets;
  if (opts.all) targets = ce.list();
  else if (opts.latest) {
    const latest = ce.latest();
    if (!latest) throw new NoSuchContainerError('latest');
    targets = [latest];
  } else targets = [ce.lookup(nameOrId ?? '')];
  const out: PortReport[] = [];
  for (const t of targets) {
    const rec = await ce.withLock(t.config.id, () => ce.sync(t.config.id)).catch(() => undefined);
    if (rec?.state.status === 'running') out.push({ id: rec.config.id, ports: rec.config.ports });
  }
  return out;
}

export async function renameContainer(ce: ContainerEngine, nameOrId: string, newName: string): Promise<void> {
  const rec = ce.lookup(nameOrId);
  if (!isValidObjectName(newName)) throw new InvalidArgumentError('names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
  if (rec.config.name === newName) return;
  const id = rec.config.id;
  await ce.withLock(id, async () => {
    try {
      ce.repo.updateConfig(id, (c) => ({ ...c, name: newName }));
    } catch (err) {
      if (!(err instanceof NameInUseError)) throw err;
      throw new NameInUseError(`renaming container ${id}: name ${newName} already in use, cannot rename container ${id}: container already exists`);
    }
  });
  await ce.engine.events.container({ ...rec.config, name: newName }, 'rename');
}

export type ContainerUpdateOptions = Partial<ContainerConfig['resources']>;

/** Merges the new limits into the container's; `--cpus` and `--cpu-quota/--cpu-period` replace each other. */
export function mergedResources(old: ContainerConfig['resources'], upd: ContainerUpdateOptions): ContainerConfig['resources'] {
  const next: ContainerConfig['resources'] = { ...old };
  if (upd.cpus !== undefined) {
    delete next.cpuQuota;
    delete next.cpuPeriod;
  }
  if (upd.cpuQuota !== undefined || upd.cpuPeriod !== undefined) delete next.cpus;
  if (upd.memory !== undefined && upd.memorySwap === undefined) delete next.memorySwap;
  for (const [k, v] of Object.entries(upd) as [keyof ContainerUpdateOptions, never][]) {
    if (v !== undefined) next[k] = v;
  }
  return next;
}

/** `update`: returns the container's ID. */
export async function updateContainer(ce: ContainerEngine, nameOrId: string, upd: ContainerUpdateOptions): Promise<string> {
  const id = ce.lookup(nameOrId).config.id;
  return ce.withLock(id, async () => {
    const rec = await ce.sync(id);
    checkTransition('update', id, rec.state.status);
    const resources = mergedResources(rec.config.resources, upd);
    const spec = linuxResources(resources, [], rec.config.privileged);
    delete spec.devices;
    if (['created', 'running', 'paused'].includes(rec.state.status)) await ce.runtimeFor(rec.config).update(id, spec);
    ce.repo.updateConfig(id, (c) => ({ ...c, resources }));
    return id;
  });
}
