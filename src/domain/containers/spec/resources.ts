/**
 * cgroup limits (`--memory`, `--cpus`, `--pids-limit`, …) as config.json's linux.resources,
 * which runc and crun apply on cgroup v1 and v2 alike, plus the device access list.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Resources } from '../../../infra/oci/runtime-spec.ts';
import type { DeviceInput } from './devices.ts';
import type { ResourceInput } from './spec-input.ts';

const CPU_PERIOD = 100_000;

export function linuxResources(input: ResourceInput, devices: readonly DeviceInput[], privileged: boolean): Resources {
  const res: Resources = {
    // Deny every device but the runtime's defaults and those given with --device.
    devices: privileged
      ? [{ allow: true, access: 'rwm' }]
      : [{ allow: false, access: 'rwm' }, ...devices.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.access }))],
  };
  const memory: NonNullable<Resources['memory']> = {};
  if (input.memory !== undefined && input.memory > 0) {
    memory.limit = input.memory;
    const swap = input.memorySwap ?? 2 * input.memory;
    if (swap !== -1 && swap !== 0 && swap < input.memory) {
      throw new InvalidArgumentError('minimum memoryswap limit should be larger than memory limit, see usage');
    }
    if (swap !== 0) memory.swap = swap;
  } else if (input.memorySwap !== undefined && input.memorySwap !== 0) {
    throw new InvalidArgumentError('you must provide a memory limit when specifying a memory swap limit');
  }
  if (input.memoryReservation !== undefined && input.memoryReservation > 0) memory.reservation = input.memoryReservation;
  if (input.memorySwappiness !== undefined && input.memorySwappiness >= 0) memory.swappiness = input.memorySwappiness;
  if (input.oomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) res.memory = memory;

  const cpu: NonNullable<Resources['cpu']> = {};
  if (input.cpuShares !== undefined && input.cpuShares > 0) cpu.shares = input.cpuShares;
  if (input.cpus !== undefined && input.cpus > 0) {
    if (input.cpuQuota !== undefined || input.cpuPeriod !== undefined) throw new InvalidArgumentError('--cpu-period and --cpu-quota cannot be used with --cpus');
    cpu.quota = Math.round(input.cpus * CPU_PERIOD);
    cpu.period = CPU_PERIOD;
  }
  if (input.cpuQuota !== undefined && input.cpuQuota > 0) cpu.quota = input.cpuQuota;
  if (input.cpuPeriod !== undefined && input.cpuPeriod > 0) cpu.period = input.cpuPeriod;
  if (input.cpusetCpus) cpu.cpus = input.cpusetCpus;
  if (input.cpusetMems) cpu.mems = input.cpusetMems;
  if (Object.keys(cpu).length > 0) res.cpu = cpu;

  if (input.pidsLimit !== undefined && input.pidsLimit !== 0) res.pids = { limit: input.pidsLimit < 0 ? -1 : input.pidsLimit };
  if (input.blkioWeight !== undefined && input.blkioWeight > 0) {
    if (input.blkioWeight < 10 || input.blkioWeight > 1000) throw new InvalidArgumentError('invalid --blkio-weight: must be between 10 and 1000');
    res.blockIO = { weight: input.blkioWeight };
  }
  return res;
}
