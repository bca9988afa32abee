/**
 * Capability sets as Podman computes them (containers/common pkg/capabilities and Podman's
 * securityConfigureGenerator): names normalised to `CAP_X`, `ALL` for every capability the
 * caller holds in its bounding set, and adds applied after drops.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Capabilities } from '../../../infra/oci/runtime-spec.ts';

/** Every capability Linux knows, by number (linux/capability.h up to CAP_LAST_CAP 40). */
export const capabilityNames = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** containers.conf's default_capabilities as shipped by containers-common 0.50 (Podman 4.3). */
export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
];

const ALL = 'ALL';

/** The names of the capabilities set in a mask such as /proc/self/status's CapBnd (hex). */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim() || '0'}`);
  return capabilityNames.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** `chown`, `cap_chown`, `CAP_CHOWN` → `CAP_CHOWN`; `all` → `ALL`; unknown names are an error. */
export function normalizeCapabilities(caps: readonly string[]): string[] {
  return caps.map((c) => {
    const upper = c.trim().toUpperCase();
    if (upper === ALL) return ALL;
    const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!(capabilityNames as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown capability "${name}"`);
    return name;
  });
}

/**
 * containers/common's MergeCapabilities: `base` minus `drops` plus `adds`, sorted. `ALL` in
 * drops leaves only the adds; `ALL` in adds starts from the caller's bounding set.
 */
export function mergeCapabilities(base: readonly string[], adds: readonly string[], drops: readonly string[], boundingSet: readonly string[]): string[] {
  let from = normalizeCapabilities(base);
  const capAdd = normalizeCapabilities(adds);
  const capDrop = normalizeCapabilities(drops);
  if (capDrop.includes(ALL)) {
    if (capAdd.includes(ALL)) throw new InvalidArgumentError('adding all caps and removing all caps not allowed');
    return [...new Set(capAdd)].sort();
  }
  let toAdd = capAdd;
  if (capAdd.includes(ALL)) {
    from = [...boundingSet];
    toAdd = [];
  }
  for (const c of toAdd) if (capDrop.includes(c)) throw new InvalidArgumentError(`capability "${c}" cannot be dropped and added`);
  const caps = from.filter((c) => !capDrop.includes(c));
  for (const c of toAdd) if (!caps.includes(c)) caps.push(c);
  return [...new Set(caps)].sort();
}

export interface CapabilityInput {
  privileged: boolean;
  capAdd: readonly string[];
  capDrop: readonly string[];
  /** containers.conf default_capabilities */
  defaults: readonly string[];
  /** the caller's bounding set: a container never gets more */
  boundingSet: readonly string[];
  /** the user spec the process runs as (`--user` or the image's User), before resolution */
  userSpec: string;
}

/**
 * The process's capability sets. Root (an empty user, `root` or `0`) gets the merged set as
 * bounding, effective and permitted; another user keeps the merged set as bounding only and
 * holds just the explicitly added capabilities (also inheritable and ambient, so they survive
 * exec), as Podman 4.3 does.
 */
export function processCapabilities(input: CapabilityInput): Capabilities {
  const bounding = new Set(input.boundingSet);
  const caps = input.privileged
    ? [...input.boundingSet].sort()
    : mergeCapabilities(input.defaults, input.capAdd, input.capDrop, input.boundingSet).filter((c) => bounding.has(c));
  const user = input.userSpec.split(':')[0] ?? '';
  if (user === '' || user === 'root' || user === '0') return { bounding: caps, effective: caps, permitted: caps };
  const added = mergeCapabilities([], input.capAdd, [], input.boundingSet).filter((c) => bounding.has(c));
  const sets: Capabilities = { bounding: caps, effective: added, permitted: added };
  if (added.length > 0) {
    sets.inheritable = added;
    sets.ambient = added;
  }
  return sets;
}
