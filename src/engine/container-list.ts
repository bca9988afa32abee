/**
 * `ps`: containers as the database records them, without asking the runtime. A container
 * still marked live whose exit file exists (its exit command has not run yet, or never
 * will), or whose conmon is gone (killed, or unable to write the exit file on a full disk),
 * is brought up to date on the way; that is one stat and one kill(pid, 0) per live container.
 */
import fs from 'node:fs';
import { NoSuchContainerError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { healthStatusWord } from '../domain/containers/health.ts';
import { processAlive } from '../infra/sys/process.ts';
import { filterPredicate } from './container-batch.ts';
import { stateWord } from './container-inspect.ts';
import type { ContainerEngine } from './container-engine.ts';
import { isConmonOf, syncLocked } from './container-lifecycle.ts';
import { liveStates } from '../domain/containers/model.ts';
import type { ContainerListOptions, ListContainer } from './container-reports.ts';
import { rwSize } from './container-remove.ts';

/** Go's zero time.Time as Unix seconds. */
export const goZeroUnix = -62135596800;

function unixSeconds(iso: string): number {
  if (!iso || iso.startsWith('0001-01-01')) return goZeroUnix;
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * The records brought up to date where conmon has left an exit file or is gone (its exit
 * command did not run): the rest as they are, without taking their locks.
 */
export async function reconcile(ce: ContainerEngine, records: ContainerRecord[]): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const rec of records) {
    const id = rec.config.id;
    // a conmon that died and was not reaped yet is a zombie: alive to kill(0), not conmon any more
    const stale = () => fs.existsSync(ce.exitCodeFile(id)) || (rec.state.conmonPid > 0 && !(processAlive(rec.state.conmonPid) && isConmonOf(rec.state.conmonPid, id)));
    if (!liveStates.includes(rec.state.status) || !stale()) {
      out.push(rec);
      continue;
    }
    try {
      out.push(await ce.withLock(id, () => syncLocked(ce, id)));
    } catch (err) {
      if (!(err instanceof NoSuchContainerError)) throw err;
    }
  }
  return out;
}

function imageSizes(ce: ContainerEngine): Map<string, number> {
  return new Map(ce.engine.store.images.list().map((img) => [img.id, img.size]));
}

/** `ps --ns`: the namespace inodes of a running container's init process, as Podman names them. */
function namespacesOf(pid: number): Record<string, string> {
  const inode = (ns: string) => {
    try {
      return /\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/ns/${ns}`))?.[1] ?? '';
    } catch {
      return '';
    }
  };
  return { Cgroup: inode('cgroup'), IPC: inode('ipc'), MNT: inode('mnt'), NET: inode('net'), PIDNS: inode('pid'), User: inode('user'), UTS: inode('uts') };
}

export function listEntry(ce: ContainerEngine, rec: ContainerRecord, sizes?: Map<string, number>, namespaces = false): ListContainer {
  const { config: c, state: s } = rec;
  const running = s.status === 'running' || s.status === 'paused';
  return {
    AutoRemove: c.autoRemove,
    Command: [c.path, ...c.args],
    CreatedAt: c.created,
    Exited: s.status === 'exited' || s.status === 'stopped',
    ExitedAt: unixSeconds(s.finishedAt),
    ExitCode: s.exitCode,
    Id: c.id,
    Image: c.imageName,
    ImageID: c.imageId,
    IsInfra: false,
    Labels: Object.keys(c.labels).length > 0 ? c.labels : null,
    Mounts: c.mounts.map((m) => m.destination),
    Names: [c.name],
    Namespaces: namespaces && running && s.pid > 0 ? namespacesOf(s.pid) : {},
    Networks: [],
    Pid: running ? s.pid : 0,
    Pod: '',
    PodName: '',
    Ports: c.ports.length > 0 ? c.ports.map((p) => ({ host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: p.range, protocol: p.protocol })) : null,
    Size: sizes ? { RootFsSize: (sizes.get(c.imageId) ?? 0) + rwSize(ce, c.id), RwSize: rwSize(ce, c.id) } : null,
    StartedAt: unixSeconds(s.startedAt),
    State: stateWord(rec),
    Status: healthStatusWord(c, s),
    Created: unixSeconds(c.created),
    createdMs: Date.parse(c.created),
  };
}

export async function listContainers(ce: ContainerEngine, opts: ContainerListOptions): Promise<ListContainer[]> {
  let records = await reconcile(ce, ce.list());
  if (opts.filters && opts.filters.length > 0) {
    const match = filterPredicate(ce, opts.filters);
    records = records.filter((r) => match(r, r.state.status));
  }
  const all = opts.all || opts.latest || (opts.last !== undefined && opts.last > 0);
  if (!all) records = records.filter((r) => r.state.status === 'running');
  records.sort((a, b) => Date.parse(a.config.created) - Date.parse(b.config.created));
  if (opts.latest) records = records.slice(-1);
  else if (opts.last !== undefined && opts.last > 0) records = records.slice(-opts.last);
  const sizes = opts.size ? imageSizes(ce) : undefined;
  return records.map((r) => listEntry(ce, r, sizes, opts.namespace));
}
