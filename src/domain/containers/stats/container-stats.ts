/**
 * One `stats` sample of a container, computed as Podman's GetContainerStats does: CPU % over
 * the time since the previous sample (since the container started, for the first one),
 * average CPU % since the start, memory against the container's limit or the host's RAM,
 * and the network counters of eth0 with Podman's naming (input = transmitted by the container).
 */
import { totalmem } from 'node:os';
import type { CgroupSample } from './cgroup-stats.ts';

/** Podman's define.ContainerStats, field for field. */
export interface ContainerStats {
  ContainerID: string;
  Name: string;
  PerCPU: number[];
  CPU: number;
  CPUNano: number;
  CPUSystemNano: number;
  SystemNano: number;
  MemUsage: number;
  MemLimit: number;
  MemPerc: number;
  NetInput: number;
  NetOutput: number;
  BlockInput: number;
  BlockOutput: number;
  PIDs: number;
  /** CPUNano as a duration (ns) */
  UpTime: number;
  Duration: number;
  AvgCPU: number;
}

export interface StatsInput {
  id: string;
  name: string;
  /** undefined when the container is not running (Podman then reports zeros) */
  sample: CgroupSample | undefined;
  net: { rx: number; tx: number };
  /** the container's memory limit in bytes, if it has one */
  memoryLimit: number | undefined;
  startedAtNs: bigint;
  nowNs: bigint;
  previous?: ContainerStats | undefined;
}

function percent(cpuDelta: bigint, systemDelta: bigint): number {
  return systemDelta > 0n && cpuDelta > 0n ? (Number(cpuDelta) / Number(systemDelta)) * 100 : 0;
}

export function containerStats(input: StatsInput): ContainerStats {
  const s = input.sample;
  const empty: ContainerStats = {
    ContainerID: input.id, Name: input.name, PerCPU: [], CPU: 0, CPUNano: 0, CPUSystemNano: 0, SystemNano: 0, MemUsage: 0, MemLimit: 0,
    MemPerc: 0, NetInput: 0, NetOutput: 0, BlockInput: 0, BlockOutput: 0, PIDs: 0, UpTime: 0, Duration: 0, AvgCPU: 0,
  };
  if (!s) return empty;
  // A restarted container has a fresh cgroup: its counters start again below the last sample.
  const prev = input.previous && BigInt(input.previous.CPUNano) <= s.cpuNs ? input.previous : undefined;
  const prevCpu = prev ? BigInt(prev.CPUNano) : 0n;
  const prevSystem = prev ? BigInt(prev.SystemNano) : input.startedAtNs;
  const host = totalmem();
  const limit = input.memoryLimit && input.memoryLimit > 0 && input.memoryLimit < host ? input.memoryLimit : host;
  return {
    ...empty,
    PerCPU: s.perCpuNs.map(Number),
    CPU: percent(s.cpuNs - prevCpu, input.nowNs - prevSystem),
    CPUNano: Number(s.cpuNs),
    CPUSystemNano: Number(s.cpuSystemNs),
    SystemNano: Number(input.nowNs),
    MemUsage: s.memoryUsage,
    MemLimit: limit,
    MemPerc: (s.memoryUsage / limit) * 100,
    NetInput: input.net.tx,
    NetOutput: input.net.rx,
    BlockInput: s.blockRead,
    BlockOutput: s.blockWrite,
    PIDs: s.pids,
    UpTime: Number(s.cpuNs),
    Duration: Number(s.cpuNs),
    AvgCPU: percent(s.cpuNs, input.nowNs - input.startedAtNs),
  };
}
