/**
 * The cgroup limit flags `update` and `container clone` share (with Podman's types: strings
 * parsed as Go's strconv would), and the limits they give.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseMemorySwap, parseSizeFlag } from '../../../domain/containers/option-parsers.ts';
import type { ContainerUpdateOptions } from '../../../engine/container-ops/settings.ts';
import type { FlagSpec } from '../../command.ts';
import type { ParsedFlags } from '../../flags.ts';

/** `pidsLimit`: update has --pids-limit, clone does not. */
export function resourceFlags(pidsLimit: boolean): FlagSpec[] {
  return [
    { name: 'blkio-weight', type: 'string', description: 'Block IO weight (relative weight) accepts a weight value between 10 and 1000.' },
    { name: 'cpu-period', type: 'string', description: 'Limit the CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', type: 'int', description: 'Limit the CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-shares', short: 'c', type: 'string', description: 'CPU shares (relative weight)' },
    { name: 'cpus', type: 'string', description: 'Number of CPUs. The default is 0.000 which means no limit' },
    { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', type: 'string', description: 'Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.' },
    { name: 'memory', short: 'm', type: 'string', description: 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
    { name: 'memory-reservation', type: 'string', description: 'Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))' },
    { name: 'memory-swap', type: 'string', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
    { name: 'memory-swappiness', type: 'int', description: 'Tune container memory swappiness (0 to 100, or -1 for system default)' },
    ...(pidsLimit ? [{ name: 'pids-limit', type: 'int' as const, description: 'Tune container pids limit (set -1 for unlimited)' }] : []),
  ];
}

function float(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`invalid argument "${text}" for "--${flag}" flag: strconv.ParseFloat: parsing "${text}": invalid syntax`);
  return n;
}

function uint(flag: string, text: string, bits: number): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`invalid argument "${text}" for "--${flag}" flag: strconv.ParseUint: parsing "${text}": invalid syntax`);
  const n = Number(text);
  if (n >= 2 ** bits) throw new InvalidArgumentError(`invalid argument "${text}" for "--${flag}" flag: strconv.ParseUint: parsing "${text}": value out of range`);
  return n;
}

/** The limits given on the command line; the rest stay as they are. */
export function resourceUpdates(flags: ParsedFlags): ContainerUpdateOptions {
  const opts: ContainerUpdateOptions = {};
  const str = (name: string) => (flags.changed(name) ? flags.string(name)! : undefined);
  const int = (name: string) => (flags.changed(name) ? flags.int(name)! : undefined);
  if (str('memory') !== undefined) opts.memory = parseSizeFlag('memory', str('memory')!);
  if (str('memory-swap') !== undefined) opts.memorySwap = parseMemorySwap(str('memory-swap')!);
  if (str('memory-reservation') !== undefined) opts.memoryReservation = parseSizeFlag('memory-reservation', str('memory-reservation')!);
  if (int('memory-swappiness') !== undefined) opts.memorySwappiness = int('memory-swappiness')!;
  if (str('cpus') !== undefined) opts.cpus = float('cpus', str('cpus')!);
  if (str('cpu-shares') !== undefined) opts.cpuShares = uint('cpu-shares', str('cpu-shares')!, 64);
  if (int('cpu-quota') !== undefined) opts.cpuQuota = int('cpu-quota')!;
  if (str('cpu-period') !== undefined) opts.cpuPeriod = uint('cpu-period', str('cpu-period')!, 64);
  if (str('cpuset-cpus') !== undefined) opts.cpusetCpus = str('cpuset-cpus')!;
  if (str('cpuset-mems') !== undefined) opts.cpusetMems = str('cpuset-mems')!;
  if (int('pids-limit') !== undefined) opts.pidsLimit = int('pids-limit')!;
  if (str('blkio-weight') !== undefined) opts.blkioWeight = uint('blkio-weight', str('blkio-weight')!, 16);
  return opts;
}
