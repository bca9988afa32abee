/**
 * The container's mounts: the kernel file systems every container gets (Podman's defaults),
 * the user's volumes and tmpfs, /dev/shm, the per-container files (/etc/hosts, …) and the
 * init binary. A user mount replaces a default one at the same place; the result is ordered
 * by path depth (stable), so a parent is always mounted before what goes inside it.
 */
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Mount } from '../../../infra/oci/runtime-spec.ts';
import { initMountPath } from './process-config.ts';
import type { MountInput, SpecInput } from './spec-input.ts';

/** Podman's base mounts (runtime-tools defaults as Podman 4.3 adjusts them). */
export function defaultMounts(opts: { privileged: boolean; bindSys: boolean; hostIpc?: boolean }): Mount[] {
  const rw = opts.privileged ? 'rw' : 'ro';
  const sys: Mount = opts.bindSys
    ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rprivate', 'nosuid', 'noexec', 'nodev', rw, 'rbind'] }
    : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: opts.privileged ? ['rprivate', 'nosuid', 'noexec', 'nodev', 'rw'] : ['nosuid', 'noexec', 'nodev', 'ro'] };
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'strictatime', 'mode=755', 'size=65536k'] },
    sys,
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    // The host's IPC namespace brings the host's message queues, mounted from the host (Podman).
    opts.hostIpc
      ? { destination: '/dev/mqueue', type: 'bind', source: '/dev/mqueue', options: ['bind', 'nosuid', 'noexec', 'nodev'] }
      : { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['rprivate', 'nosuid', 'noexec', 'nodev', 'relatime', rw] },
  ];
}

/** Options that steer skiff (relabel, chown, copy-up) and mean nothing to the runtime. */
const engineOnlyOptions = new Set(['z', 'Z', 'U', 'copy', 'nocopy', 'notmpcopyup', 'consistency']);
const propagations = new Set(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'unbindable', 'runbindable']);

/**
 * Podman's ProcessOptions: keep the user's options and add what they left out: `rw`,
 * `rprivate`, and `rbind` for binds or `nosuid,nodev,tmpcopyup` for tmpfs.
 */
export function processMountOptions(options: readonly string[], tmpfs: boolean): string[] {
  const out: string[] = [];
  let write = false;
  let prop = false;
  let bind = false;
  let suid = false;
  let dev = false;
  let copyUp = false;
  for (const opt of options) {
    const key = opt.split('=')[0]!;
    if (key === 'rw' || key === 'ro') write = true;
    else if (propagations.has(key)) prop = true;
    else if (key === 'bind' || key === 'rbind') bind = true;
    else if (key === 'suid' || key === 'nosuid') suid = true;
    else if (key === 'dev' || key === 'nodev') dev = true;
    else if (key === 'tmpcopyup' || key === 'notmpcopyup') copyUp = true;
    if (tmpfs && (key === 'bind' || key === 'rbind')) throw new InvalidArgumentError(`the 'bind' and 'rbind' options are not allowed with tmpfs mounts`);
    if (!tmpfs && (key === 'size' || key === 'mode' || key === 'tmpcopyup')) throw new InvalidArgumentError(`the '${key}' option is only allowed with tmpfs mounts`);
    if (!engineOnlyOptions.has(key)) out.push(opt);
  }
  if (!write) out.push('rw');
  if (!prop) out.push('rprivate');
  if (tmpfs) {
    if (!suid) out.push('nosuid');
    if (!dev) out.push('nodev');
    if (!copyUp) out.push('tmpcopyup');
  } else if (!bind) {
    out.push('rbind');
  }
  return out;
}

function userMount(m: MountInput): Mount {
  if (!posix.isAbsolute(m.destination)) throw new InvalidArgumentError(`invalid container path ${JSON.stringify(m.destination)}, must be an absolute path`);
  const destination = posix.resolve(m.destination);
  switch (m.type) {
    case 'tmpfs':
      return { destination, type: 'tmpfs', source: 'tmpfs', options: processMountOptions(m.options, true) };
    case 'devpts':
      return { destination, type: 'devpts', source: 'devpts', options: [...m.options] };
    default:
      return { destination, type: 'bind', source: m.source, options: processMountOptions(m.options, false) };
  }
}

/** The user's mounts (`-v`, `--mount`, `--tmpfs`), refusing two at one destination as Podman does. */
export function userMounts(input: Pick<SpecInput, 'mounts' | 'tmpfs'>): Mount[] {
  const all = (input.mounts ?? []).map(userMount);
  for (const [dest, opts] of Object.entries(input.tmpfs ?? {})) {
    all.push(userMount({ type: 'tmpfs', source: 'tmpfs', destination: dest, options: opts === '' ? [] : opts.split(',') }));
  }
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.destination)) throw new InvalidArgumentError(`${m.destination}: duplicate mount destination`);
    seen.add(m.destination);
  }
  return all;
}

function runFileMounts(input: SpecInput): Mount[] {
  const files = input.runFiles ?? {};
  // A read-only container gets read-only copies of its generated files too (Podman).
  const options = input.readOnly ? ['bind', 'rprivate', 'ro', 'nosuid', 'noexec', 'nodev'] : ['bind', 'rprivate'];
  const targets: [string, string | undefined][] = [
    ['/etc/hosts', files.hosts],
    ['/etc/resolv.conf', files.resolvConf],
    ['/etc/hostname', files.hostname],
    ['/run/.containerenv', files.containerenv],
    ['/etc/localtime', files.localtime],
  ];
  return targets.filter(([, src]) => src !== undefined).map(([destination, source]) => ({ destination, type: 'bind', source, options: [...options] }));
}

function shmMount(shm: SpecInput['shm']): Mount | undefined {
  if (shm === null) return undefined;
  if (shm !== undefined && 'path' in shm) return { destination: '/dev/shm', type: 'bind', source: shm.path, options: ['bind', 'rprivate', 'nosuid', 'noexec', 'nodev'] };
  const size = shm?.size ?? 64 * 1024 * 1024;
  const options = ['nosuid', 'noexec', 'nodev', 'mode=1777'];
  if (size > 0) options.push(`size=${size}`);
  return { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options };
}

const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);

/** Every mount of the container, in the order the runtime must make them. */
export function containerMounts(input: SpecInput, opts: { bindSys: boolean; hostIpc?: boolean }): Mount[] {
  const user = userMounts(input);
  const taken = new Set(user.map((m) => m.destination));
  // Binding the host's /dev or /sys over the defaults replaces the kernel mounts below them too.
  const hostTrees = user.filter((m) => m.type === 'bind' && (m.destination === '/dev' || m.destination === '/sys')).map((m) => m.destination);
  const keep = (m: Mount) => !taken.has(m.destination) && !hostTrees.some((t) => m.destination.startsWith(`${t}/`));
  const base = defaultMounts({ privileged: input.privileged === true, bindSys: opts.bindSys, hostIpc: opts.hostIpc });
  const shm = shmMount(input.shm);
  if (shm) base.push(shm);
  const extra: Mount[] = [];
  if (input.readOnly && input.readOnlyTmpfs !== false) {
    for (const destination of ['/tmp', '/var/tmp', '/run']) {
      extra.push({ destination, type: 'tmpfs', source: 'tmpfs', options: ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup'] });
    }
  }
  extra.push(...runFileMounts(input));
  if (input.initPath) extra.push({ destination: initMountPath, type: 'bind', source: input.initPath, options: ['bind', 'ro', 'rprivate'] });
  if (input.notifySocketDir !== undefined) {
    extra.push({ destination: '/run/notify', type: 'bind', source: input.notifySocketDir, options: ['bind', 'nosuid', 'noexec', 'nodev', 'rprivate'] });
  }
  const all = [...base.filter(keep), ...user, ...extra.filter(keep)];
  return all.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map(({ m }) => m);
}
