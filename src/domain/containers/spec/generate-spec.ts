/**
 * generateSpec(): the OCI runtime config (config.json) of a container, from its image config
 * and create options, the way Podman 4.3 builds it. Pure: everything read from disk comes in
 * through SpecInput (see spec-input.ts for where each part is read).
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Device, Mount, Process, RuntimeSpec } from '../../../infra/oci/runtime-spec.ts';
import { defaultCapabilities, processCapabilities } from './capabilities.ts';
import { containerMounts } from './mounts.ts';
import { containerSysctls, linuxNamespaces } from './namespaces.ts';
import { parseSignal, parseUmask, processArgs, processEnv } from './process-config.ts';
import { linuxResources } from './resources.ts';
import { processRlimits } from './rlimits.ts';
import { convertSeccompProfileCached } from './seccomp.ts';
import { parseSecurityOpts } from './security-opts.ts';
import type { SpecInput } from './spec-input.ts';

/** containers-common 0.50's DefaultMaskedPaths and DefaultReadOnlyPaths, in Podman's order. */
export const defaultMaskedPaths = [
  '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
  '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/fs/selinux', '/sys/dev/block',
];
export const defaultReadonlyPaths = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The `ociVersion` Podman 4.3 writes. */
const ociVersion = '1.0.2-dev';

/** cgroupfs: `<parent>/libpod-<id>` (default parent /libpod_parent); systemd: `<slice>:libpod:<id>`. */
export function cgroupsPath(id: string, cgroups: { manager: 'cgroupfs' | 'systemd'; parent?: string }): string {
  // Podman's names: monitoring tools (cAdvisor, systemd-cgtop users) recognise "libpod-" containers.
  if (cgroups.manager === 'systemd') return `${cgroups.parent ?? 'machine.slice'}:libpod:${id}`;
  return `${cgroups.parent ?? '/libpod_parent'}/libpod-${id}`;
}

/** Masked and read-only paths: none when privileged, minus `unmask`, plus `mask`. */
export function securityPaths(privileged: boolean, mask: readonly string[], unmask: readonly string[]): { masked: string[]; readonly: string[] } {
  const keep = (p: string) => !privileged && !unmask.includes('ALL') && !unmask.includes(p);
  const masked = defaultMaskedPaths.filter(keep);
  for (const p of mask) {
    if (!p.startsWith('/')) throw new InvalidArgumentError(`invalid mask path ${JSON.stringify(p)}: must be absolute`);
    if (!masked.includes(p)) masked.push(p);
  }
  return { masked, readonly: defaultReadonlyPaths.filter(keep) };
}

/**
 * A bind mount with shared or slave propagation only works when the root mount propagates
 * too (Podman raises the rootfs to rshared or rslave the same way).
 */
function rootfsPropagation(mounts: readonly Mount[]): 'rshared' | 'rslave' | undefined {
  const opts = mounts.filter((m) => m.type === 'bind').flatMap((m) => m.options ?? []);
  if (opts.some((o) => o === 'shared' || o === 'rshared')) return 'rshared';
  if (opts.some((o) => o === 'slave' || o === 'rslave')) return 'rslave';
  return undefined;
}

/** The annotations Podman gives every container about its options (`kube generate` carries them over). */
export function optionAnnotations(o: { terminal?: boolean | undefined; autoRemove?: boolean | undefined; init: boolean; privileged?: boolean | undefined; publishAll?: boolean | undefined }): Record<string, string> {
  const flag = (b: boolean | undefined) => (b ? 'TRUE' : 'FALSE');
  return {
    'io.kubernetes.cri-o.TTY': String(o.terminal === true),
    'io.podman.annotations.autoremove': flag(o.autoRemove),
    'io.podman.annotations.init': flag(o.init),
    'io.podman.annotations.privileged': flag(o.privileged),
    'io.podman.annotations.publish-all': flag(o.publishAll),
  };
}

function annotations(input: SpecInput, stopSignal: number, keepGroups: boolean): Record<string, string> {
  const out: Record<string, string> = {
    'io.container.manager': 'skiff',
    ...(input.created ? { 'io.kubernetes.cri-o.Created': input.created } : {}),
    ...optionAnnotations({ terminal: input.terminal, autoRemove: input.autoRemove, init: input.initPath !== undefined, privileged: input.privileged, publishAll: input.publishAll }),
    'org.opencontainers.image.stopSignal': String(stopSignal),
  };
  if (keepGroups) out['run.oci.keep_original_groups'] = '1';
  return { ...out, ...input.annotations };
}

/** The container's config.json content; `linux.seccomp` is shared between calls and frozen. */
export function generateSpec(input: SpecInput): RuntimeSpec {
  const privileged = input.privileged === true;
  const sec = parseSecurityOpts(input.securityOpts ?? []);
  const hostname = input.hostname ?? input.id.slice(0, 12);
  const caps = processCapabilities({
    privileged,
    capAdd: input.capAdd ?? [],
    capDrop: input.capDrop ?? [],
    defaults: input.defaultCapabilities ?? defaultCapabilities,
    boundingSet: input.host.boundingCaps,
    userSpec: input.userSpec,
  });
  const user = input.user;
  const proc: Process = {
    terminal: input.terminal === true,
    user: { uid: user.uid, gid: user.gid, umask: parseUmask(input.umask ?? '0022'), ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) },
    args: processArgs(input),
    env: processEnv(input, hostname),
    cwd: input.workdir || input.image.WorkingDir || '/',
    capabilities: caps,
    rlimits: processRlimits({ ulimits: input.ulimits ?? [], defaultUlimits: input.defaultUlimits ?? [], callerLimits: input.host.limits }),
  };
  if (sec.noNewPrivileges) proc.noNewPrivileges = true;
  if (sec.apparmor !== undefined && sec.apparmor !== 'unconfined') proc.apparmorProfile = sec.apparmor;
  if (input.oomScoreAdj !== undefined) proc.oomScoreAdj = input.oomScoreAdj;

  const ns = input.namespaces;
  // A user namespace without its own network namespace cannot mount sysfs: bind the host's.
  // A joined one (bridge networking's, made before the container) belongs to skiff's user namespace, not the container's.
  const bindSys = ((ns.user !== undefined || input.inUserNamespace === true) && ns.net.mode === 'host') || (ns.user !== undefined && ns.net.mode === 'path');
  const devices: Device[] = (input.devices ?? []).map(({ access: _access, ...d }) => d);
  const paths = securityPaths(privileged, sec.mask, sec.unmask);
  const spec: RuntimeSpec = {
    ociVersion,
    process: proc,
    root: { path: input.rootfs, ...(input.readOnly ? { readonly: true } : {}) },
    // Only a new UTS namespace gets a name: setting it in a joined one would rename its owner.
    ...(ns.uts.mode === 'private' ? { hostname } : {}),
    mounts: containerMounts(input, { bindSys, hostIpc: ns.ipc.mode === 'host' }),
    annotations: annotations(input, parseSignal(input.stopSignal ?? input.image.StopSignal ?? 'SIGTERM'), user.keepGroups),
    linux: {
      namespaces: linuxNamespaces(ns),
      ...(devices.length > 0 ? { devices } : {}),
      maskedPaths: paths.masked,
      readonlyPaths: paths.readonly,
    },
  };
  const linux = spec.linux!;
  if (ns.user) {
    // runc wants mappings even for a namespace it joins (and ignores them there): Podman's 0:0:1.
    const joined = [{ containerID: 0, hostID: 0, size: 1 }];
    linux.uidMappings = 'path' in ns.user ? joined : ns.user.uidMappings;
    linux.gidMappings = 'path' in ns.user ? joined : ns.user.gidMappings;
  }
  if (input.cgroups !== 'disabled') {
    linux.resources = linuxResources(input.resources ?? {}, input.devices ?? [], privileged);
    linux.cgroupsPath = cgroupsPath(input.id, input.cgroups ?? { manager: 'cgroupfs' });
  }
  const propagation = rootfsPropagation(spec.mounts!);
  if (propagation) linux.rootfsPropagation = propagation;
  const sysctl = containerSysctls(ns, input.defaultSysctls ?? [], input.sysctls ?? {});
  if (Object.keys(sysctl).length > 0) linux.sysctl = sysctl;
  if (input.seccompProfile) {
    linux.seccomp = convertSeccompProfileCached(input.seccompProfile, { caps: caps.bounding ?? [], arch: input.host.arch, kernel: input.host.kernel });
  }
  return spec;
}

/**
 * config.json text. Rlimits of Infinity (RLIM_INFINITY) become 18446744073709551615, which
 * JSON numbers in JavaScript cannot carry exactly.
 */
export function formatSpec(spec: RuntimeSpec): string {
  const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
  return JSON.stringify(spec, (_key, value: unknown) => (value === Infinity ? raw('18446744073709551615') : value), 2);
}
