import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cgroupPaths, readCgroupSample, readNetIo } from './cgroup-stats.ts';
import { containerStats } from './container-stats.ts';

const base = mkdtempSync(join(tmpdir(), 'skiff-stats-'));
after(() => rmSync(base, { recursive: true, force: true }));

function files(root: string, tree: Record<string, string>): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

test('cgroup v1 controllers on a hybrid host', () => {
  const dir = join(base, 'v1');
  const cg = '/libpod_parent/libpod-abc';
  files(dir, {
    'proc/42/cgroup': `4:memory:${cg}\n2:cpuacct:${cg}\n8:pids:${cg}\n7:blkio:${cg}\n0::${cg}\n`,
    'proc/42/net/dev': 'Inter-|\n face |bytes\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n  eth0: 3374 20 0 0 0 0 0 0 866 9 0 0 0 0 0 0\n',
    [`cg/memory${cg}/memory.usage_in_bytes`]: '409600\n',
    [`cg/cpuacct${cg}/cpuacct.usage`]: '255491074\n',
    [`cg/cpuacct${cg}/cpuacct.usage_percpu`]: '200000000 55491074 \n',
    [`cg/cpuacct${cg}/cpuacct.stat`]: 'user 20\nsystem 3\n',
    [`cg/pids${cg}/pids.current`]: '2\n',
    [`cg/blkio${cg}/blkio.throttle.io_service_bytes_recursive`]: '8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\nTotal 4608\n',
  });
  mkdirSync(join(dir, 'cg/unified'));
  const paths = cgroupPaths(42, { procRoot: join(dir, 'proc'), cgroupRoot: join(dir, 'cg') });
  const s = readCgroupSample(paths);
  assert.deepEqual(s, { cpuNs: 255491074n, cpuSystemNs: 30_000_000n, perCpuNs: [200000000n, 55491074n], memoryUsage: 409600, pids: 2, blockRead: 4096, blockWrite: 512 });
  assert.deepEqual(readNetIo(42, join(dir, 'proc')), { rx: 3374, tx: 866 });
});

test('cgroup v2', () => {
  const dir = join(base, 'v2');
  files(dir, {
    'proc/7/cgroup': '0::/machine/ctr\n',
    'cg/machine/ctr/cpu.stat': 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n',
    'cg/machine/ctr/memory.current': '8192\n',
    'cg/machine/ctr/pids.current': '3\n',
    'cg/machine/ctr/io.stat': '8:0 rbytes=100 wbytes=20 rios=1 wios=1\n8:16 rbytes=1 wbytes=2\n',
  });
  const s = readCgroupSample(cgroupPaths(7, { procRoot: join(dir, 'proc'), cgroupRoot: join(dir, 'cg') }));
  assert.deepEqual(s, { cpuNs: 1_500_000n, cpuSystemNs: 500_000n, perCpuNs: [], memoryUsage: 8192, pids: 3, blockRead: 101, blockWrite: 22 });
});

test('CPU % over the interval, average since the start, memory against the limit', () => {
  const sample = { cpuNs: 2_000_000_000n, cpuSystemNs: 0n, perCpuNs: [], memoryUsage: 50, pids: 1, blockRead: 0, blockWrite: 0 };
  const first = containerStats({ id: 'a', name: 'n', sample, net: { rx: 10, tx: 20 }, memoryLimit: 100, startedAtNs: 0n, nowNs: 10_000_000_000n });
  assert.equal(first.CPU, 20);
  assert.equal(first.AvgCPU, 20);
  assert.equal(first.MemPerc, 50);
  assert.deepEqual([first.NetInput, first.NetOutput], [20, 10]);
  const second = containerStats({
    id: 'a', name: 'n', sample: { ...sample, cpuNs: 3_000_000_000n }, net: { rx: 0, tx: 0 }, memoryLimit: undefined, startedAtNs: 0n, nowNs: 20_000_000_000n, previous: first,
  });
  assert.equal(second.CPU, 10);
  assert.equal(second.AvgCPU, 15);
  assert.equal(second.MemLimit, totalmem());
  const stopped = containerStats({ id: 'a', name: 'n', sample: undefined, net: { rx: 0, tx: 0 }, memoryLimit: undefined, startedAtNs: 0n, nowNs: 1n });
  assert.deepEqual([stopped.MemUsage, stopped.MemLimit, stopped.PIDs, stopped.CPU], [0, 0, 0, 0]);
});
