/**
 * What spec generation needs to know about the caller and the machine, read once per
 * process: the bounding capabilities and rlimits a container cannot exceed, the
 * architecture and kernel for seccomp rules, and the cgroup version.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { release } from 'node:os';
import { readLimits } from '../../../infra/sys/process.ts';
import { capabilitiesFromMask } from './capabilities.ts';
import { seccompArch } from './seccomp.ts';
import type { HostInfo } from './spec-input.ts';

const CGROUP2_SUPER_MAGIC = 0x63677270;
let cached: HostInfo | undefined;

export function readHostInfo(): HostInfo {
  if (cached) return cached;
  const status = readFileSync('/proc/self/status', 'utf8');
  const capBnd = /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0';
  let cgroupV2 = false;
  try {
    cgroupV2 = statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC;
  } catch {
    cgroupV2 = false;
  }
  cached = { boundingCaps: capabilitiesFromMask(capBnd), limits: readLimits(), arch: seccompArch(process.arch), kernel: release(), cgroupV2 };
  return cached;
}
