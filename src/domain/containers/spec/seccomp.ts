/**
 * Seccomp profiles in the Docker/moby format that containers-common ships
 * (/usr/share/containers/seccomp.json: archMap, syscalls with includes/excludes by
 * capability, arch and kernel version) converted to the OCI `linux.seccomp` a runtime
 * takes, as containers/common's pkg/seccomp setupSeccomp does: rules whose conditions do not
 * hold for this container's bounding capabilities, this machine's architecture and kernel
 * are left out.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Seccomp, SeccompAction, SeccompArg, SeccompSyscall } from '../../../infra/oci/runtime-spec.ts';

export interface SeccompFilter {
  caps?: string[] | null;
  arches?: string[] | null;
  /** `major.minor` */
  minKernel?: string | null;
}

export interface SeccompProfileSyscall {
  name?: string;
  names?: string[] | null;
  action: SeccompAction;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter | null;
  excludes?: SeccompFilter | null;
  errnoRet?: number;
}

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[] | null;
  archMap?: { architecture: string; subArchitectures?: string[] | null }[] | null;
  syscalls?: SeccompProfileSyscall[] | null;
  flags?: string[] | null;
  listenerPath?: string;
  listenerMetadata?: string;
}

/** libseccomp's native architecture names (as Go spells them) → the profile's archMap key. */
const nativeToSeccomp: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64',
  arm64: 'SCMP_ARCH_AARCH64',
  mips64: 'SCMP_ARCH_MIPS64',
  mips64n32: 'SCMP_ARCH_MIPS64N32',
  mipsel64: 'SCMP_ARCH_MIPSEL64',
  mipsel64n32: 'SCMP_ARCH_MIPSEL64N32',
  ppc64le: 'SCMP_ARCH_PPC64LE',
  riscv64: 'SCMP_ARCH_RISCV64',
  s390x: 'SCMP_ARCH_S390X',
};

/** Node's process.arch → the Go/libseccomp name the profile's `arches` filters use. */
export function seccompArch(nodeArch: string): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', ppc64: 'ppc64le' };
  return names[nodeArch] ?? nodeArch;
}

function kernelAtLeast(kernel: string, min: string): boolean {
  const parse = (v: string) => v.split(/[.-]/).slice(0, 2).map((p) => Number.parseInt(p, 10) || 0);
  const [kMaj = 0, kMin = 0] = parse(kernel);
  const [mMaj = 0, mMin = 0] = parse(min);
  return kMaj > mMaj || (kMaj === mMaj && kMin >= mMin);
}

export interface SeccompTarget {
  /** the container's bounding capabilities (`CAP_…`) */
  caps: readonly string[];
  /** Go/libseccomp native arch name: amd64, arm64, … */
  arch: string;
  /** running kernel release, e.g. `6.1.0-13-amd64` */
  kernel: string;
}

function applies(call: SeccompProfileSyscall, t: SeccompTarget): boolean {
  const inc = call.includes ?? {};
  const exc = call.excludes ?? {};
  if (exc.arches?.includes(t.arch)) return false;
  if (exc.caps?.some((c) => t.caps.includes(c))) return false;
  if (exc.minKernel && kernelAtLeast(t.kernel, exc.minKernel)) return false;
  if (inc.arches && inc.arches.length > 0 && !inc.arches.includes(t.arch)) return false;
  if (inc.caps?.some((c) => !t.caps.includes(c))) return false;
  if (inc.minKernel && !kernelAtLeast(t.kernel, inc.minKernel)) return false;
  return true;
}

function syscallRule(names: string[], call: SeccompProfileSyscall): SeccompSyscall {
  const rule: SeccompSyscall = { names, action: call.action };
  if (call.errnoRet !== undefined) rule.errnoRet = call.errnoRet;
  if (call.args && call.args.length > 0) {
    rule.args = call.args.map((a) => ({ index: a.index, value: a.value, ...(a.valueTwo ? { valueTwo: a.valueTwo } : {}), op: a.op }));
  }
  return rule;
}

/** Converts a profile for one container; pure, see convertSeccompProfileCached for reuse. */
export function convertSeccompProfile(profile: SeccompProfile, target: SeccompTarget): Seccomp {
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new InvalidArgumentError("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const out: Seccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  const arches = [...(profile.architectures ?? [])];
  const native = nativeToSeccomp[target.arch];
  const entry = profile.archMap?.find((a) => a.architecture === native);
  if (entry) arches.push(entry.architecture, ...(entry.subArchitectures ?? []));
  if (arches.length > 0) out.architectures = arches;
  if (profile.flags?.length) out.flags = [...profile.flags];
  if (profile.listenerPath) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata) out.listenerMetadata = profile.listenerMetadata;
  const syscalls: SeccompSyscall[] = [];
  for (const call of profile.syscalls ?? []) {
    if (!applies(call, target)) continue;
    if (call.name && call.names?.length) throw new InvalidArgumentError("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    if (call.name) syscalls.push(syscallRule([call.name], call));
    else if (call.names?.length) syscalls.push(syscallRule([...call.names], call));
  }
  out.syscalls = syscalls;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const cache = new WeakMap<SeccompProfile, Map<string, Seccomp>>();

/**
 * The same conversion, remembered per profile object and capability set for the life of
 * the process (nothing on disk). The result is frozen because it is shared.
 */
export function convertSeccompProfileCached(profile: SeccompProfile, target: SeccompTarget): Seccomp {
  let perProfile = cache.get(profile);
  if (!perProfile) cache.set(profile, (perProfile = new Map()));
  const key = `${target.arch}|${target.kernel}|${[...target.caps].sort().join(',')}`;
  let converted = perProfile.get(key);
  if (!converted) perProfile.set(key, (converted = deepFreeze(convertSeccompProfile(profile, target))));
  return converted;
}
