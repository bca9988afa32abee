/**
 * Resource usage of a container's cgroup, read from cgroup v1 controllers or the v2 tree,
 * whichever holds each controller (hybrid hosts have v1 controllers beside an almost empty
 * v2 tree). The cgroup is the one its init process is in, per /proc/PID/cgroup.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface CgroupSample {
  /** total CPU time, ns */
  cpuNs: bigint;
  /** kernel CPU time, ns */
  cpuSystemNs: bigint;
  /** per-CPU time, ns (cgroup v1 only) */
  perCpuNs: bigint[];
  memoryUsage: number;
  pids: number;
  blockRead: number;
  blockWrite: number;
}

interface CgroupPaths {
  /** v1 controller → directory */
  v1: Map<string, string>;
  /** the v2 directory, when the process has one */
  v2: string | undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number {
  const n = Number((text ?? '').trim());
  return Number.isFinite(n) ? n : 0;
}

/** Where each controller of `pid` lives, from /proc/PID/cgroup. */
export function cgroupPaths(pid: number, opts: { procRoot?: string; cgroupRoot?: string } = {}): CgroupPaths {
  const root = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const text = readFileSync(`${opts.procRoot ?? '/proc'}/${pid}/cgroup`, 'utf8');
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, , controllers, path] = m;
    if (controllers === '') {
      const unified = existsSync(`${root}/unified`) ? `${root}/unified` : root;
      v2 = `${unified}${path}`;
      continue;
    }
    const list = controllers!.split(',').map((c) => c.replace(/^name=/, ''));
    for (const c of list) {
      const dir = [`${root}/${controllers}`, `${root}/${c}`].find((d) => existsSync(d));
      if (dir) v1.set(c, `${dir}${path}`);
    }
  }
  return { v1, v2 };
}

function v2Stat(dir: string, file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (read(`${dir}/${file}`) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) out.set(k, Number(v));
  }
  return out;
}

/** Sums a v1 blkio file ("8:0 Read 4096" lines) or v2 io.stat ("8:0 rbytes=4096 wbytes=0 …"). */
function blockIo(paths: CgroupPaths): { read: number; write: number } {
  const blkio = paths.v1.get('blkio');
  if (blkio) {
    const files = ['blkio.throttle.io_service_bytes_recursive', 'blkio.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes'];
    const text = files.map((f) => read(`${blkio}/${f}`)).find((t) => t !== undefined && t.trim() !== '' && !/^Total 0\s*$/.test(t.trim()));
    let r = 0;
    let w = 0;
    for (const line of (text ?? '').split('\n')) {
      const [, op, value] = line.trim().split(/\s+/);
      if (op === 'Read') r += Number(value);
      else if (op === 'Write') w += Number(value);
    }
    return { read: r, write: w };
  }
  let r = 0;
  let w = 0;
  if (paths.v2) {
    for (const line of (read(`${paths.v2}/io.stat`) ?? '').split('\n')) {
      for (const kv of line.split(' ').slice(1)) {
        const [k, v] = kv.split('=');
        if (k === 'rbytes') r += Number(v);
        else if (k === 'wbytes') w += Number(v);
      }
    }
  }
  return { read: r, write: w };
}

const USER_HZ = 100n;

export function readCgroupSample(paths: CgroupPaths): CgroupSample {
  let cpuNs = 0n;
  let cpuSystemNs = 0n;
  let perCpuNs: bigint[] = [];
  const cpuacct = paths.v1.get('cpuacct');
  if (cpuacct && existsSync(`${cpuacct}/cpuacct.usage`)) {
    cpuNs = BigInt(num(read(`${cpuacct}/cpuacct.usage`)));
    perCpuNs = (read(`${cpuacct}/cpuacct.usage_percpu`) ?? '').trim().split(/\s+/).filter(Boolean).map((v) => BigInt(v));
    const system = /^system (\d+)$/m.exec(read(`${cpuacct}/cpuacct.stat`) ?? '');
    cpuSystemNs = system ? (BigInt(system[1]!) * 1_000_000_000n) / USER_HZ : 0n;
  } else if (paths.v2) {
    const stat = v2Stat(paths.v2, 'cpu.stat');
    cpuNs = BigInt(stat.get('usage_usec') ?? 0) * 1000n;
    cpuSystemNs = BigInt(stat.get('system_usec') ?? 0) * 1000n;
  }
  const memory = paths.v1.get('memory');
  const memoryUsage = memory ? num(read(`${memory}/memory.usage_in_bytes`)) : paths.v2 ? num(read(`${paths.v2}/memory.current`)) : 0;
  const pidsDir = paths.v1.get('pids') ?? paths.v2;
  const pids = pidsDir ? num(read(`${pidsDir}/pids.current`)) : 0;
  const io = blockIo(paths);
  return { cpuNs, cpuSystemNs, perCpuNs, memoryUsage, pids, blockRead: io.read, blockWrite: io.write };
}

/** Bytes through the container's eth0 (what Podman counts), from /proc/PID/net/dev; zero without one. */
export function readNetIo(pid: number, procRoot = '/proc'): { rx: number; tx: number } {
  for (const line of (read(`${procRoot}/${pid}/net/dev`) ?? '').split('\n')) {
    const m = /^\s*eth0:\s*(.*)$/.exec(line);
    if (!m) continue;
    const f = m[1]!.trim().split(/\s+/).map(Number);
    return { rx: f[0] ?? 0, tx: f[8] ?? 0 };
  }
  return { rx: 0, tx: 0 };
}
