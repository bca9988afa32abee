import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { clampRlimit, parseUlimit, processRlimits } from './rlimits.ts';

/** Limits like this VM's: hard NOFILE 20000, NPROC 96365, unlimited core. */
const caller = {
  RLIMIT_NOFILE: { soft: 20000, hard: 20000 },
  RLIMIT_NPROC: { soft: 96365, hard: 96365 },
  RLIMIT_CORE: { soft: 0, hard: Infinity },
  RLIMIT_STACK: { soft: 8388608, hard: Infinity },
};

test('parseUlimit reads type=soft[:hard] with -1 as unlimited', () => {
  assert.deepEqual(parseUlimit('nofile=100:200'), { type: 'RLIMIT_NOFILE', soft: 100, hard: 200 });
  assert.deepEqual(parseUlimit('nproc=50'), { type: 'RLIMIT_NPROC', soft: 50, hard: 50 });
  assert.deepEqual(parseUlimit('core=-1'), { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity });
  assert.throws(() => parseUlimit('bogus=1'), /invalid ulimit type: bogus/);
  assert.throws(() => parseUlimit('nofile=200:100'), /soft limit must be less than or equal to hard limit/);
  assert.throws(() => parseUlimit('nofile'), InvalidArgumentError);
  assert.throws(() => parseUlimit('nofile=abc'), InvalidArgumentError);
});

test('Podman defaults for NOFILE and NPROC are clamped to the caller hard limits', () => {
  const r = processRlimits({ ulimits: [], defaultUlimits: [], callerLimits: caller });
  assert.deepEqual(r, [
    { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    { type: 'RLIMIT_NPROC', soft: 96365, hard: 96365 },
  ]);
});

test('--ulimit replaces default_ulimits, and nothing exceeds the caller', () => {
  const r = processRlimits({ ulimits: ['nofile=100:1048576', 'core=-1'], defaultUlimits: ['nproc=32768:32768'], callerLimits: caller });
  assert.deepEqual(r, [
    { type: 'RLIMIT_NOFILE', soft: 100, hard: 20000 },
    { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity },
    { type: 'RLIMIT_NPROC', soft: 96365, hard: 96365 },
  ]);
  const d = processRlimits({ ulimits: [], defaultUlimits: ['nofile=30000:30000', 'nproc=32768:32768'], callerLimits: caller });
  assert.deepEqual(d, [
    { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    { type: 'RLIMIT_NPROC', soft: 32768, hard: 32768 },
  ]);
});

test('--ulimit host copies the caller limits', () => {
  const r = processRlimits({ ulimits: ['host'], defaultUlimits: [], callerLimits: caller });
  assert.deepEqual(r.find((l) => l.type === 'RLIMIT_STACK'), { type: 'RLIMIT_STACK', soft: 8388608, hard: Infinity });
  assert.equal(r.length, 4);
});

test('clampRlimit keeps soft at or below the clamped hard limit', () => {
  assert.deepEqual(clampRlimit({ type: 'RLIMIT_NOFILE', soft: 50000, hard: 60000 }, { soft: 1024, hard: 20000 }), { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 });
  assert.deepEqual(clampRlimit({ type: 'RLIMIT_NICE', soft: 5, hard: 5 }, undefined), { type: 'RLIMIT_NICE', soft: 5, hard: 5 });
});
