import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { goDuration } from './go-duration.ts';
import { parseDescriptors, topTable, UnknownDescriptorError } from './top.ts';

test('goDuration prints as Go does', () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(999), '999ns');
  assert.equal(goDuration(1500), '1.5µs');
  assert.equal(goDuration(84_002_358), '84.002358ms');
  assert.equal(goDuration(1_000_000_000), '1s');
  assert.equal(goDuration(160_965_179_839n), '2m40.965179839s');
  assert.equal(goDuration(3_732_497_061_672n), '1h2m12.497061672s');
  assert.equal(goDuration(3_600_000_000_000n), '1h0m0s');
});

test('descriptors: words or comma lists, AIX codes, the default set, unknown ones refused', () => {
  assert.deepEqual(parseDescriptors([]), ['user', 'pid', 'ppid', 'pcpu', 'etime', 'tty', 'time', 'args']);
  assert.deepEqual(parseDescriptors(['pid,user', 'args']), ['pid', 'user', 'args']);
  assert.deepEqual(parseDescriptors(['%p', '%C']), ['pid', 'pcpu']);
  assert.throws(() => parseDescriptors(['pid', 'aux']), UnknownDescriptorError);
});

test('a real process, read from /proc', async (t) => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => child.kill());
  await new Promise((r) => setTimeout(r, 50));
  const descriptors = ['pid', 'user', 'group', 'args', 'comm', 'state', 'seccomp', 'capeff', 'capinh', 'hpid', 'huser', 'nice', 'time', 'etime', 'pcpu', 'vsz', 'tty', 'label', 'stime'];
  const [header, row] = topTable([child.pid!, 999_999_999], descriptors, { containerRoot: '/' });
  assert.deepEqual(header, ['PID', 'USER', 'GROUP', 'COMMAND', 'COMMAND', 'STATE', 'SECCOMP', 'EFFECTIVE CAPS', 'INHERITED CAPS', 'HPID', 'HUSER', 'NI', 'TIME', 'ELAPSED', '%CPU', 'VSZ', 'TTY', 'LABEL', 'STIME']);
  const v = Object.fromEntries(descriptors.map((d, i) => [d, row![i]!]));
  assert.equal(v.pid, String(child.pid));
  assert.equal(v.hpid, String(child.pid));
  assert.equal(v.user, 'root');
  assert.equal(v.args, 'sleep 30 ');
  assert.equal(v.comm, 'sleep');
  assert.equal(v.time, '0s');
  assert.match(v.etime!, /^\d+(\.\d+)?m?s$/);
  assert.match(v.pcpu!, /^\d+\.\d{3}$/);
  assert.match(v.stime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \S+$/);
  assert.match(v.capeff!, /^(full|none|[A-Z_,]+)$/);
  assert.equal(v.capinh, 'none');
});
