/**
 * The id mappings of a container's own user namespace, computed as containers/storage does:
 * the checks it makes on `--uidmap`, the ranges of `--subuidname`, `--userns=nomap`, and the
 * free-range search of `--userns=auto`. Host ids are real ids for root and ids of skiff's
 * rootless namespace for a rootless user (Podman's "intermediate" ids). Pure.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { IdMapping } from '../../infra/oci/runtime-spec.ts';

export interface IdMappings {
  uidMap: IdMapping[];
  gidMap: IdMapping[];
}

/** A run of ids, `end` excluded. */
export interface Interval {
  start: number;
  end: number;
}

/** Podman's text for one mapping (inspect's IDMappings, error messages). */
export function formatIdMapping(m: IdMapping): string {
  return `${m.containerID}:${m.hostID}:${m.size}`;
}

function overlaps(a: number, aSize: number, b: number, bSize: number): boolean {
  return a < b + bSize && b < a + aSize;
}

/** The host id container id `id` maps to, undefined when unmapped. */
export function toHost(id: number, maps: readonly IdMapping[]): number | undefined {
  for (const m of maps) if (id >= m.containerID && id < m.containerID + m.size) return m.hostID + (id - m.containerID);
  return undefined;
}

/** The container id host id `id` shows as, undefined when unmapped. */
export function toContainer(id: number, maps: readonly IdMapping[]): number | undefined {
  for (const m of maps) if (id >= m.hostID && id < m.hostID + m.size) return m.containerID + (id - m.hostID);
  return undefined;
}

/**
 * containers/storage's checks: no two mappings share container or host ids, and the
 * container's root is mapped (it owns the root file system).
 */
export function checkMappings(maps: IdMappings): void {
  for (const list of [maps.uidMap, maps.gidMap]) {
    list.forEach((m, i) => {
      const clash = list.slice(0, i).some((o) => overlaps(m.containerID, m.size, o.containerID, o.size) || overlaps(m.hostID, m.size, o.hostID, o.size));
      if (clash) {
        throw new InvalidArgumentError(`creating container storage: the specified UID and/or GID mapping ${formatIdMapping(m)} conflicts with other mappings: invalid mappings specified`);
      }
    });
  }
  if (toHost(0, maps.uidMap) === undefined || toHost(0, maps.gidMap) === undefined) {
    throw new InvalidArgumentError('container ID 0 cannot be mapped to a host ID');
  }
}

/** `/etc/subuid` ranges as one namespace: container ids from 0, range after range (containers/storage's createIDMap). */
export function subidMappings(ranges: readonly { start: number; count: number }[]): IdMapping[] {
  let next = 0;
  return ranges.map((r) => {
    const m = { containerID: next, hostID: r.start, size: r.count };
    next += r.count;
    return m;
  });
}

/**
 * Host ranges seen from inside a user namespace whose map is `nsMap` (rootless
 * `--subuidname`: the named ranges must lie in the user's own, which skiff's namespace maps;
 * a range running past what the namespace maps is cut there).
 */
export function hostRangesInNamespace(maps: readonly IdMapping[], nsMap: readonly IdMapping[], what: 'UID' | 'GID'): IdMapping[] {
  return maps.map((m) => {
    const line = nsMap.find((n) => m.hostID >= n.hostID && m.hostID < n.hostID + n.size);
    if (!line) throw new InvalidArgumentError(`${what} ${m.hostID} is not mapped in the rootless user namespace: the named ranges must be among the user's own`);
    return { containerID: m.containerID, hostID: line.containerID + (m.hostID - line.hostID), size: Math.min(m.size, line.hostID + line.size - m.hostID) };
  });
}

/** `--userns=nomap`: every id of skiff's namespace but the user's own (0 there), from container id 0. */
export function nomapMappings(namespaceSize: number): IdMapping[] {
  if (namespaceSize <= 1) throw new InvalidArgumentError('nomap requires additional UIDs or GIDs defined in /etc/subuid and /etc/subgid to function correctly');
  return [{ containerID: 0, hostID: 1, size: namespaceSize - 1 }];
}

export interface AutoSizeOptions {
  /** `size=` */
  requested?: number | undefined;
  /** the highest uid or gid the image uses, +1 (0 when unknown) */
  fromImage: number;
  /** storage.conf auto-userns-min-size (default 1024) and auto-userns-max-size (default 65536) */
  min?: number | undefined;
  max?: number | undefined;
}

/** The size of an automatic namespace: as asked, else what the image needs within the configured bounds. */
export function autoNamespaceSize(o: AutoSizeOptions): number {
  if (o.requested) return o.requested;
  const min = o.min ?? 1024;
  const max = o.max ?? 65536;
  const size = Math.max(min, 1, o.fromImage);
  if (max > 0 && size > max) {
    throw new InvalidArgumentError(`the container needs a user namespace with size ${size} that is bigger than the maximum value allowed with userns=auto ${max}`);
  }
  return size;
}

/** The highest id in /etc/passwd and /etc/group texts, +1; nobody (65534) does not count, as containers/storage skips it. */
export function passwdFilesSize(passwd: string, group: string): number {
  let size = 0;
  const consider = (name: string | undefined, ...ids: (string | undefined)[]) => {
    if (name === 'nobody' || name === 'nogroup') return;
    for (const text of ids) {
      const id = Number(text);
      if (text && Number.isInteger(id) && id !== 65534 && id >= size) size = id + 1;
    }
  };
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4) consider(f[0], f[2], f[3]);
  }
  for (const line of group.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3) consider(f[0], f[2]);
  }
  return size;
}

/** Sorted, merged `a` without anything in `b`. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let out = [...a].sort((x, y) => x.start - y.start);
  for (const cut of b) {
    const next: Interval[] = [];
    for (const i of out) {
      if (cut.end <= i.start || cut.start >= i.end) next.push(i);
      else {
        if (cut.start > i.start) next.push({ start: i.start, end: cut.start });
        if (cut.end < i.end) next.push({ start: cut.end, end: i.end });
      }
    }
    out = next;
  }
  return out;
}

const hostIntervals = (maps: readonly IdMapping[]): Interval[] => maps.map((m) => ({ start: m.hostID, end: m.hostID + m.size }));
const containerIntervals = (maps: readonly IdMapping[]): Interval[] => maps.map((m) => ({ start: m.containerID, end: m.containerID + m.size }));

export interface AutoAllocation {
  size: number;
  /** the ids that may be handed out (root: the `containers` user's subordinate ids; rootless: 1… of skiff's namespace) */
  available: readonly Interval[];
  /** host ranges other containers' namespaces use */
  used: readonly IdMapping[];
  /** `uidmapping=`/`gidmapping=`: kept as given, their ids left out of the automatic part */
  additional: readonly IdMapping[];
}

/**
 * containers/storage's getAutoUserNSIDMappings for one kind of id: container ids 0…size-1
 * (less those of the additional mappings) get the first free host ids, in order.
 */
export function allocateAutoMappings(a: AutoAllocation): IdMapping[] {
  const wanted = subtractIntervals([{ start: 0, end: a.size }], containerIntervals(a.additional));
  const free = subtractIntervals(a.available, [...hostIntervals(a.used), ...hostIntervals(a.additional)]);
  const need = wanted.reduce((n, i) => n + i.end - i.start, 0);
  if (free.reduce((n, i) => n + i.end - i.start, 0) < need) throw new InvalidArgumentError('creating container storage: could not find enough available IDs');
  const out: IdMapping[] = [];
  let f = 0;
  let fPos = free[0]?.start ?? 0;
  for (const w of wanted) {
    let cPos = w.start;
    while (cPos < w.end) {
      const span = Math.min(w.end - cPos, free[f]!.end - fPos);
      out.push({ containerID: cPos, hostID: fPos, size: span });
      cPos += span;
      fPos += span;
      if (fPos === free[f]!.end && f + 1 < free.length) fPos = free[++f]!.start;
    }
  }
  return [...out, ...a.additional];
}
