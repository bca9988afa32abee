/**
 * `top`: the container's processes by psgo's format descriptors, read from /proc, with
 * Podman's headers and value formats. Users and groups are named from the container's own
 * /etc/passwd and /etc/group (the `h*` descriptors from the host's).
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import { capabilityNames } from '../spec/capabilities.ts';
import { readRootFile } from '../spec/resolve-user.ts';
import { parseGroup, parsePasswd } from '../spec/user.ts';
import { goDuration } from './go-duration.ts';
import { nowNs } from '../timestamps.ts';
import { bootTime, readProcProcess, type ProcProcess } from './proc-process.ts';

export const defaultDescriptors = ['user', 'pid', 'ppid', 'pcpu', 'etime', 'tty', 'time', 'args'];

/** A descriptor psgo does not know: Podman then runs ps(1) in the container instead. */
export class UnknownDescriptorError extends InvalidArgumentError {}

interface Context {
  /** pid namespace mapping: host pid → container pid */
  nsPid: Map<number, number>;
  names: { user: (id: number) => string; group: (id: number) => string; huser: (id: number) => string; hgroup: (id: number) => string };
  nowNs: bigint;
  bootSeconds: bigint;
}

const TICKS = 100n;

function caps(hex: string): string {
  const mask = BigInt(`0x${hex || '0'}`);
  if (mask === 0n) return 'none';
  const all = (1n << BigInt(capabilityNames.length)) - 1n;
  if ((mask & all) === all) return 'full';
  return capabilityNames.filter((_, bit) => (mask >> BigInt(bit)) & 1n).map((c) => c.slice(4)).sort().join(',');
}

function startNs(p: ProcProcess, c: Context): bigint {
  return (c.bootSeconds + p.startTicks / TICKS) * 1_000_000_000n;
}

function tty(nr: number): string {
  const major = (nr >> 8) & 0xfff;
  const minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  if (nr === 0) return '?';
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  if (major === 5 && minor === 0) return 'tty';
  if (major === 5 && minor === 1) return 'console';
  return '?';
}

/** Go's Time.String() in local time, as psgo prints stime: "2019-12-09 10:50:36 +0100 CET". */
function goTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const offText = `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${offText} ${zone === 'GMT' ? 'UTC' : zone}`;
}

type Column = { header: string; value: (p: ProcProcess, c: Context) => string };

const columns: Record<string, Column> = {
  args: { header: 'COMMAND', value: (p) => p.args },
  capamb: { header: 'AMBIENT CAPS', value: (p) => caps(p.caps.amb) },
  capbnd: { header: 'BOUNDING CAPS', value: (p) => caps(p.caps.bnd) },
  capeff: { header: 'EFFECTIVE CAPS', value: (p) => caps(p.caps.eff) },
  capinh: { header: 'INHERITED CAPS', value: (p) => caps(p.caps.inh) },
  capprm: { header: 'PERMITTED CAPS', value: (p) => caps(p.caps.prm) },
  comm: { header: 'COMMAND', value: (p) => p.comm },
  etime: { header: 'ELAPSED', value: (p, c) => goDuration(c.nowNs - startNs(p, c)) },
  group: { header: 'GROUP', value: (p, c) => c.names.group(p.egid) },
  groups: { header: 'GROUPS', value: (p, c) => p.groups.map((g) => c.names.group(g)).join(',') },
  hgroup: { header: 'HGROUP', value: (p, c) => c.names.hgroup(p.egid) },
  hgroups: { header: 'HGROUPS', value: (p, c) => p.groups.map((g) => c.names.hgroup(g)).join(',') },
  hpid: { header: 'HPID', value: (p) => String(p.hostPid) },
  huser: { header: 'HUSER', value: (p, c) => c.names.huser(p.euid) },
  label: { header: 'LABEL', value: (p) => p.label },
  nice: { header: 'NI', value: (p) => String(p.nice) },
  pcpu: {
    header: '%CPU',
    value: (p, c) => {
      const elapsed = Number(c.nowNs - startNs(p, c)) / 1e9;
      const cpu = Number(p.cpuTicks / TICKS);
      return (elapsed > 0 ? (100 * cpu) / elapsed : 0).toFixed(3);
    },
  },
  pgid: { header: 'PGID', value: (p) => String(p.pgid) },
  pid: { header: 'PID', value: (p) => String(p.pid) },
  ppid: { header: 'PPID', value: (p, c) => String(c.nsPid.get(p.ppid) ?? 0) },
  rgroup: { header: 'RGROUP', value: (p, c) => c.names.group(p.rgid) },
  rss: { header: 'RSS', value: (p) => String(p.rss) },
  ruser: { header: 'RUSER', value: (p, c) => c.names.user(p.ruid) },
  seccomp: { header: 'SECCOMP', value: (p) => ['disabled', 'strict', 'filter'][p.seccomp] ?? '?' },
  state: { header: 'STATE', value: (p) => p.state },
  stime: { header: 'STIME', value: (p, c) => goTime(Number(startNs(p, c) / 1_000_000n)) },
  time: { header: 'TIME', value: (p) => goDuration((p.cpuTicks / TICKS) * 1_000_000_000n) },
  tty: { header: 'TTY', value: (p) => tty(p.ttyNr) },
  user: { header: 'USER', value: (p, c) => c.names.user(p.euid) },
  vsz: { header: 'VSZ', value: (p) => String(p.vsz) },
};

/** ps(1)'s AIX format codes. */
const aix: Record<string, string> = {
  '%C': 'pcpu', '%G': 'group', '%P': 'ppid', '%U': 'user', '%a': 'args', '%c': 'comm', '%g': 'rgroup', '%n': 'nice',
  '%p': 'pid', '%r': 'pgid', '%t': 'etime', '%u': 'ruser', '%x': 'time', '%y': 'tty', '%z': 'vsz',
};

/** The descriptors of `top`'s arguments: separate words or comma-separated, AIX codes translated. */
export function parseDescriptors(args: readonly string[]): string[] {
  const words = args.flatMap((a) => a.split(',')).map((w) => w.trim()).filter(Boolean);
  if (words.length === 0) return [...defaultDescriptors];
  return words.map((w) => {
    const d = aix[w] ?? w;
    if (!(d in columns)) throw new UnknownDescriptorError(`unknown descriptor: ${w}`);
    return d;
  });
}

function namer(text: string | undefined, parse: (t: string) => Array<{ name: string; id: number }>): (id: number) => string {
  const byId = new Map<number, string>();
  for (const e of text === undefined ? [] : parse(text)) if (!byId.has(e.id)) byId.set(e.id, e.name);
  return (id) => byId.get(id) ?? String(id);
}

export interface TopOptions {
  /** the container's root as the host sees it (/proc/PID/root), for its /etc/passwd and /etc/group */
  containerRoot: string;
  procRoot?: string;
  /** the host's root, for the h* descriptors */
  hostRoot?: string;
}

/** The table `top` prints: a header row, then one row per process still alive, by container pid. */
export function topTable(hostPids: readonly number[], descriptors: readonly string[], opts: TopOptions): string[][] {
  const procRoot = opts.procRoot ?? '/proc';
  const procs: ProcProcess[] = [];
  for (const pid of hostPids) {
    try {
      procs.push(readProcProcess(pid, procRoot));
    } catch {
      // exited since the list was taken
    }
  }
  procs.sort((a, b) => a.pid - b.pid);
  const users = (root: string) => namer(readRootFile(root, '/etc/passwd'), (t) => parsePasswd(t).map((e) => ({ name: e.name, id: e.uid })));
  const groups = (root: string) => namer(readRootFile(root, '/etc/group'), (t) => parseGroup(t).map((e) => ({ name: e.name, id: e.gid })));
  const hostRoot = opts.hostRoot ?? '/';
  const now = nowNs();
  const ctx: Context = {
    nsPid: new Map(procs.map((p) => [p.hostPid, p.pid])),
    names: { user: users(opts.containerRoot), group: groups(opts.containerRoot), huser: users(hostRoot), hgroup: groups(hostRoot) },
    nowNs: now,
    bootSeconds: BigInt(bootTime(procRoot)),
  };
  const cols = descriptors.map((d) => columns[d]!);
  return [cols.map((c) => c.header), ...procs.map((p) => cols.map((c) => c.value(p, ctx)))];
}
