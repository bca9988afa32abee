/**
 * One process as /proc describes it (stat, status, cmdline, attr/current): what `top`'s
 * descriptors are computed from. Pids in the container's own pid namespace come from the
 * NSpid/NSpgid lines, so a container's init is pid 1 with parent 0, as Podman shows them.
 */
import { readFileSync } from 'node:fs';

export interface ProcProcess {
  /** pid on the host */
  hostPid: number;
  /** pid, parent pid and process group in the container's pid namespace (0 when outside it) */
  pid: number;
  ppid: number;
  pgid: number;
  comm: string;
  /** the command line, arguments joined by spaces as psgo joins them (a trailing space included) */
  args: string;
  state: string;
  nice: number;
  ttyNr: number;
  /** user + system time, in clock ticks */
  cpuTicks: bigint;
  /** start time after boot, in clock ticks */
  startTicks: bigint;
  /** virtual memory size, KiB */
  vsz: number;
  /** resident set size, KiB */
  rss: number;
  /** real, effective uid and gid */
  ruid: number;
  euid: number;
  rgid: number;
  egid: number;
  groups: number[];
  caps: { inh: string; prm: string; eff: string; bnd: string; amb: string };
  seccomp: number;
  label: string;
  /** depth of the NSpid line: how many pid namespaces the process is in */
  nsDepth: number;
}

function status(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return out;
}

function fields(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return fallback;
  }
}

/** Reads /proc/<hostPid>; throws when the process is gone. */
export function readProcProcess(hostPid: number, procRoot = '/proc'): ProcProcess {
  const dir = `${procRoot}/${hostPid}`;
  const stat = readFileSync(`${dir}/stat`, 'latin1');
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(open + 1, close);
  // Fields after the comm, numbered from 3 (state) as in proc(5).
  const f = stat.slice(close + 2).split(' ');
  const at = (n: number) => f[n - 3] ?? '0';
  const st = status(readFileSync(`${dir}/status`, 'latin1'));
  const nspid = fields(st.get('NSpid')).map(Number);
  const nspgid = fields(st.get('NSpgid')).map(Number);
  const uids = fields(st.get('Uid')).map(Number);
  const gids = fields(st.get('Gid')).map(Number);
  const cmdline = readOr(`${dir}/cmdline`, '');
  const label = readOr(`${dir}/attr/current`, '').replace(/\0/g, '').trim();
  return {
    hostPid,
    pid: nspid.at(-1) ?? hostPid,
    ppid: Number(at(4)),
    pgid: nspgid.at(-1) ?? Number(at(5)),
    comm,
    args: cmdline === '' ? `[${comm}]` : Buffer.from(cmdline, 'latin1').toString('utf8').split('\0').join(' '),
    state: at(3),
    nice: Number(at(19)),
    ttyNr: Number(at(7)),
    cpuTicks: BigInt(at(14)) + BigInt(at(15)),
    startTicks: BigInt(at(22)),
    vsz: Math.floor(Number(at(23)) / 1024),
    rss: Number(fields(st.get('VmRSS'))[0] ?? 0),
    ruid: uids[0] ?? 0,
    euid: uids[1] ?? 0,
    rgid: gids[0] ?? 0,
    egid: gids[1] ?? 0,
    groups: fields(st.get('Groups')).map(Number),
    caps: { inh: st.get('CapInh') ?? '0', prm: st.get('CapPrm') ?? '0', eff: st.get('CapEff') ?? '0', bnd: st.get('CapBnd') ?? '0', amb: st.get('CapAmb') ?? '0' },
    seccomp: Number(st.get('Seccomp') ?? 0),
    label: label || '?',
    nsDepth: nspid.length || 1,
  };
}

/** Boot time (seconds since the epoch), from /proc/stat's btime. */
export function bootTime(procRoot = '/proc'): number {
  const m = /^btime (\d+)$/m.exec(readFileSync(`${procRoot}/stat`, 'latin1'));
  return m ? Number(m[1]) : 0;
}
