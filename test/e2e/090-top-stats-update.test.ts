// `top`, `stats`, `update`, and the small ones: `port`, `rename`, `mount`/`unmount`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { crunBlockedByCgroupLayout } from '../../src/infra/oci/runtime.ts';
import { dockerArchive, imageNames } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { parseTable } from './image-test-helpers.ts';
import { freePorts } from './network-test-helpers.ts';

const image = imageNames.docker;

/** A cgroup file of the container's init process: the v1 controller's, else the v2 one. */
function cgroupFile(pid: number, controller: string, v1File: string, v2File: string): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes(controller));
  if (v1) {
    const [, controllers, path] = v1.split(':');
    for (const dir of [controllers, controller]) {
      const file = `/sys/fs/cgroup/${dir}${path}/${v1File}`;
      if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    }
  }
  const v2 = lines.find((l) => l.startsWith('0::'))!.slice(3);
  const root = existsSync('/sys/fs/cgroup/unified') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';
  return readFileSync(`${root}${v2}/${v2File}`, 'utf8').trim();
}

describe('top, stats, update, port, rename, mount', () => {
  const env = new SkiffEnv();
  let id = '';
  let idleId = '';
  // host ports nothing else here holds
  let tcp = 0;
  let udp = 0;
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    tcp = await freePorts();
    udp = await freePorts();
    id = (await env.runOk(['run', '-d', '--name', 'busy', '-p', `${tcp}:80`, '-p', `127.0.0.1:${udp}:90/udp`, image, 'sleep', '1000'])).trim();
    idleId = (await env.runOk(['create', '--name', 'idle', image, 'true'])).trim();
  });
  after(() => env.cleanup());

  test('top: ps -ef-like by default, from the container\'s pid namespace', async () => {
    const table = parseTable(await env.runOk(['top', 'busy']));
    assert.deepEqual(table.header, ['USER', 'PID', 'PPID', '%CPU', 'ELAPSED', 'TTY', 'TIME', 'COMMAND']);
    assert.equal(table.rows.length, 1);
    const [user, pid, ppid, cpu, elapsed, tty, time, command] = table.rows[0]!;
    assert.deepEqual([user, pid, ppid, tty, time, command], ['root', '1', '0', '?', '0s', 'sleep 1000']);
    assert.match(cpu!, /^\d+\.\d{3}$/);
    assert.match(elapsed!, /^[\d.hms]+s$/);
  });

  test('top: descriptors, AIX codes, comma lists, and host values', async () => {
    const hostPid = (await env.runOk(['inspect', '--format', '{{.State.Pid}}', 'busy'])).trim();
    const table = parseTable(await env.runOk(['top', 'busy', 'pid,hpid', 'seccomp', '%c', 'capeff', 'huser', 'state']));
    assert.deepEqual(table.header, ['PID', 'HPID', 'SECCOMP', 'COMMAND', 'EFFECTIVE CAPS', 'HUSER', 'STATE']);
    assert.deepEqual(table.rows[0]!.slice(0, 4), ['1', hostPid, 'filter', 'sleep']);
    assert.match(table.rows[0]![4]!, /^([A-Z_]+,)*[A-Z_]+$/);
    assert.deepEqual(table.rows[0]!.slice(5), ['root', 'S']);
  });

  test('top: unknown descriptors run ps(1) in the container; a stopped container is an error', async () => {
    const ps = await env.runOk(['top', 'busy', '-o', 'pid,comm']);
    assert.match(ps, /^\s*PID\s+COMMAND\n\s*1 sleep\n/);
    const r = await env.run(['top', 'idle']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: top can only be used on running containers\n');
  });

  test('stats --no-stream: running containers by default, all with -a', async () => {
    const table = parseTable(await env.runOk(['stats', '--no-stream']));
    assert.deepEqual(table.header, ['ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET IO', 'BLOCK IO', 'PIDS', 'CPU TIME', 'AVG CPU %']);
    assert.deepEqual(table.rows.map((r) => r[1]), ['busy']);
    const [rowId, , cpu, mem, memPerc, , , pids, cpuTime, avg] = table.rows[0]!;
    assert.equal(rowId, id.slice(0, 12));
    assert.match(cpu!, /^\d+\.\d\d%$/);
    assert.match(mem!, /^[\d.]+[kMG]?B \/ [\d.]+[kMGT]?B$/);
    assert.match(memPerc!, /^\d+\.\d\d%$/);
    assert.equal(pids, '1');
    assert.match(cpuTime!, /^[\d.]+(ns|µs|ms|s)$/);
    assert.match(avg!, /^\d+\.\d\d%$/);
    const all = parseTable(await env.runOk(['stats', '--no-stream', '-a']));
    const idle = all.rows.find((r) => r[1] === 'idle')!;
    assert.deepEqual(idle.slice(2), ['0.00%', '0B / 0B', '0.00%', '0B / 0B', '0B / 0B', '0', '0s', '0.00%']);
  });

  test('stats: --format json, templates, --no-trunc', async () => {
    const json = JSON.parse(await env.runOk(['stats', '--no-stream', '--format', 'json', 'busy'])) as Record<string, string>[];
    assert.deepEqual(Object.keys(json[0]!), ['id', 'name', 'cpu_time', 'cpu_percent', 'avg_cpu', 'mem_usage', 'mem_percent', 'net_io', 'block_io', 'pids']);
    assert.equal(json[0]!.name, 'busy');
    assert.equal(await env.runOk(['stats', '--no-stream', '--no-trunc', '--format', '{{.ID}} {{.Name}} {{.PIDs}}', 'busy']), `${id} busy 1\n`);
    const r = await env.run(['stats', '--no-stream', '--interval', '0']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: invalid interval, must be a positive number greater zero\n');
  });

  test('stats streams until stopped', async () => {
    const r = await env.run(['stats', '--interval', '1', '--format', '{{.Name}}', 'busy'], { timeoutMs: 2500 }).catch((err: Error) => err);
    assert.ok(r instanceof Error && /timed out/.test(r.message) && /busy\n(.|\n)*busy\n/.test(r.message), String(r));
  });

  test('update: limits of a running container reach its cgroup and its config', async () => {
    const out = await env.runOk(['update', '--memory', '100m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '50', 'busy']);
    assert.equal(out, `${id}\n`);
    const pid = Number((await env.runOk(['inspect', '--format', '{{.State.Pid}}', 'busy'])).trim());
    assert.equal(cgroupFile(pid, 'memory', 'memory.limit_in_bytes', 'memory.max'), '104857600');
    assert.equal(cgroupFile(pid, 'pids', 'pids.max', 'pids.max'), '50');
    assert.match(cgroupFile(pid, 'cpu', 'cpu.cfs_quota_us', 'cpu.max'), /^50000( 100000)?$/);
    assert.equal(await env.runOk(['inspect', '--format', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}', 'busy']), '104857600 50\n');
  });

  test('update: a stopped container keeps the limits for its next start; errors', async () => {
    assert.equal(await env.runOk(['update', '--memory', '200m', 'idle']), `${idleId}\n`);
    assert.equal(await env.runOk(['inspect', '--format', '{{.HostConfig.Memory}}', 'idle']), '209715200\n');
    const cases: Array<[string[], string]> = [
      [['update', '--memory', '1x', 'busy'], "invalid value for memory: invalid size: '1x'"],
      [['update', '--memory', '10m', 'nope'], 'no container with name or ID "nope" found: no such container'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });

  test('port: the stored mappings, one port, all containers', async () => {
    assert.equal(await env.runOk(['port', 'busy']), `80/tcp -> 0.0.0.0:${tcp}\n90/udp -> 127.0.0.1:${udp}\n`);
    assert.equal(await env.runOk(['port', 'busy', '80']), `0.0.0.0:${tcp}\n`);
    assert.equal(await env.runOk(['port', 'busy', '90/udp']), `127.0.0.1:${udp}\n`);
    assert.equal(await env.runOk(['port', '-a']), `${id.slice(0, 12)}\t80/tcp -> 0.0.0.0:${tcp}\n${id.slice(0, 12)}\t90/udp -> 127.0.0.1:${udp}\n`);
    assert.equal(await env.runOk(['port', 'idle']), '');
    const cases: Array<[string[], string]> = [
      [['port', 'busy', '91'], 'failed to find published port "91"'],
      [['port', '-a', 'busy'], 'no arguments are needed with --all'],
      [['port'], 'you must supply a running container name or id'],
      [['port', 'busy', 'abc'], 'strconv.ParseUint: parsing "abc": invalid syntax'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });

  test('rename: any state, names unique and valid', async () => {
    await env.runOk(['create', '--name', 'before', image, 'true']);
    assert.equal(await env.runOk(['rename', 'before', 'after']), '');
    assert.equal(await env.runOk(['container', 'exists', 'after']), '');
    assert.equal((await env.run(['container', 'exists', 'before'])).code, 1);
    await env.runOk(['rename', 'after', 'after']);
    const afterId = (await env.runOk(['inspect', '--format', '{{.Id}}', 'after'])).trim();
    const cases: Array<[string[], string]> = [
      [['rename', 'after', 'busy'], `renaming container ${afterId}: name busy already in use, cannot rename container ${afterId}: container already exists`],
      [['rename', 'after', 'bad name'], 'names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument'],
      [['rename', 'nope', 'x'], 'no container with name or ID "nope" found: no such container'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });

  test('mount and unmount count references; a running container keeps its own', async () => {
    const path = (await env.runOk(['mount', 'idle'])).trim();
    assert.ok(existsSync(`${path}/bin/busybox`));
    assert.equal(await env.runOk(['container', 'mount', 'idle']), `${path}\n`);
    const listed = await env.runOk(['mount']);
    assert.match(listed, new RegExp(`^${idleId.slice(0, 12)}  ${path}$`, 'm'));
    assert.match(listed, new RegExp(`^${id.slice(0, 12)}  `, 'm'));
    const json = JSON.parse(await env.runOk(['mount', '--format', 'json'])) as Array<{ id: string; Names: string[]; mountpoint: string }>;
    assert.deepEqual(json.find((m) => m.id === idleId), { id: idleId, Names: ['idle'], mountpoint: path });
    assert.equal(await env.runOk(['unmount', 'idle']), 'idle\n');
    assert.ok(existsSync(`${path}/bin/busybox`), 'still mounted once');
    assert.equal(await env.runOk(['umount', 'idle']), 'idle\n');
    assert.equal(existsSync(`${path}/bin/busybox`), false);
    assert.equal(await env.runOk(['unmount', 'busy']), 'busy\n');
    assert.equal(await env.runOk(['exec', 'busy', 'true']), '', 'the running container is untouched');
    const r = await env.run(['unmount']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: you must provide at least one name or id\n');
  });
});

for (const runtime of ['runc', 'crun']) {
  const skip = runtime === 'crun' && crunBlockedByCgroupLayout() ? 'crun refuses this host\'s hybrid cgroup layout (see TESTING.md)' : false;
  describe(`update and top with ${runtime}`, { skip }, () => {
    const env = new SkiffEnv();
    before(async () => {
      env.writeConfig('containers', `[engine]\nruntime = "${runtime}"\n`);
      await env.runOk(['load', '-i', await dockerArchive()]);
      await env.runOk(['run', '-d', '--name', 'c', image, 'sleep', '1000']);
    });
    after(() => env.cleanup());

    test('the runtime applies new limits to the live cgroup', async () => {
      assert.equal(await env.runOk(['inspect', '--format', '{{.OCIRuntime}}', 'c']), `${runtime}\n`);
      await env.runOk(['update', '--memory', '64m', '--pids-limit', '20', 'c']);
      const pid = Number((await env.runOk(['inspect', '--format', '{{.State.Pid}}', 'c'])).trim());
      assert.equal(cgroupFile(pid, 'memory', 'memory.limit_in_bytes', 'memory.max'), String(64 * 1024 * 1024));
      assert.equal(cgroupFile(pid, 'pids', 'pids.max', 'pids.max'), '20');
      assert.equal(parseTable(await env.runOk(['top', 'c', 'pid', 'args'])).rows[0]!.join(' '), '1 sleep 1000');
    });
  });
}
