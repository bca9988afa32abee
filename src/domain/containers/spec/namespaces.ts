/**
 * Namespaces (`--pid`, `--network`, `--ipc`, `--uts`, `--cgroupns`, `--userns`) and the
 * sysctls that may be set in them.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Namespace, NamespaceType } from '../../../infra/oci/runtime-spec.ts';
import type { NamespaceMode, Namespaces } from './spec-input.ts';

const nsFile: Record<NamespaceType, string> = { pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time' };

/** The namespace file of a running process, for `container:<id>` modes. */
export function processNamespacePath(pid: number, type: NamespaceType): string {
  return `/proc/${pid}/ns/${nsFile[type]}`;
}

/**
 * Podman's spelling of a namespace option: `private` (also `''`, `shareable`, `none` for
 * the network), `host`, `ns:<path>` or `container:<pid>` (the engine resolves container
 * names to their pid first).
 */
export function parseNamespaceMode(value: string, type: NamespaceType): NamespaceMode {
  if (value === '' || value === 'private' || value === 'shareable' || (type === 'network' && value === 'none')) return { mode: 'private' };
  if (value === 'host') return { mode: 'host' };
  if (value.startsWith('ns:')) return { mode: 'path', path: value.slice(3) };
  if (value.startsWith('container:') && /^\d+$/.test(value.slice(10))) return { mode: 'path', path: processNamespacePath(Number(value.slice(10)), type) };
  throw new InvalidArgumentError(`invalid ${type} namespace mode ${JSON.stringify(value)}`);
}

function entry(type: NamespaceType, mode: NamespaceMode): Namespace[] {
  if (mode.mode === 'host') return [];
  return mode.mode === 'path' ? [{ type, path: mode.path }] : [{ type }];
}

/** config.json's linux.namespaces; the mount namespace is always new. */
export function linuxNamespaces(ns: Namespaces): Namespace[] {
  const out: Namespace[] = [];
  if (ns.user) out.push('path' in ns.user ? { type: 'user', path: ns.user.path } : { type: 'user' });
  out.push(...entry('pid', ns.pid), ...entry('network', ns.net), ...entry('ipc', ns.ipc), ...entry('uts', ns.uts), { type: 'mount' }, ...entry('cgroup', ns.cgroup));
  return out;
}

const ipcSysctls = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** Which namespace a sysctl belongs to, or undefined when it is not namespaced (not allowed). */
function sysctlNamespace(key: string): 'ipc' | 'net' | 'uts' | undefined {
  if (ipcSysctls.has(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (key.startsWith('net.')) return 'net';
  if (key === 'kernel.hostname' || key === 'kernel.domainname') return 'uts';
  return undefined;
}

/**
 * containers.conf default_sysctls (`key=value`) where their namespace is the container's own,
 * then the user's `--sysctl`s, which are an error when they cannot apply.
 */
export function containerSysctls(ns: Namespaces, defaults: readonly string[], user: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  // A network namespace made before the container (bridge) is not its user namespace's to change.
  const foreignNet = ns.user !== undefined && ns.net.mode === 'path';
  const own = (kind: 'ipc' | 'net' | 'uts') => ns[kind].mode !== 'host' && !(kind === 'net' && foreignNet);
  for (const line of defaults) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`invalid default sysctl ${JSON.stringify(line)}`);
    const key = line.slice(0, eq).trim();
    const kind = sysctlNamespace(key);
    if (kind && own(kind)) out[key] = line.slice(eq + 1).trim();
  }
  for (const [key, value] of Object.entries(user)) {
    const kind = sysctlNamespace(key);
    if (!kind) throw new InvalidArgumentError(`sysctl ${JSON.stringify(key)} is not allowed`);
    if (kind === 'net' && foreignNet) throw new InvalidArgumentError(`sysctl ${JSON.stringify(key)} cannot be set: the network namespace is not owned by the container's user namespace`);
    if (!own(kind)) {
      const names = { ipc: 'IPC', net: 'Network', uts: 'UTS' };
      throw new InvalidArgumentError(`sysctl ${JSON.stringify(key)} cannot be set since ${names[kind]} Namespace set to host`);
    }
    out[key] = value;
  }
  return out;
}
