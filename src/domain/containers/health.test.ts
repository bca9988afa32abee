import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyHealthResult, currentHealth, healthCommand, healthOutput, healthReport, healthStatusWord, inStartPeriod, parseHealthDuration,
  type ContainerHealth, type HealthLogEntry,
} from './health.ts';

const check = { test: ['CMD-SHELL', 'true'], interval: '30s', timeout: '30s', startPeriod: '0s', retries: 3, onFailure: 'none' };
const started = '2026-01-01T00:00:00Z';
const entry = (code: number): HealthLogEntry => ({ Start: 's', End: 'e', ExitCode: code, Output: '' });
const fresh: ContainerHealth = { status: 'starting', failingStreak: 0, log: [], since: started };

test('healthCommand follows Docker test forms', () => {
  assert.deepEqual(healthCommand(['CMD', 'curl', '-f', 'x']), ['curl', '-f', 'x']);
  assert.deepEqual(healthCommand(['CMD-SHELL', 'echo a', 'b']), ['/bin/sh', '-c', 'echo a b']);
  assert.deepEqual(healthCommand(['/bin/true']), ['/bin/true']);
  assert.equal(healthCommand(['NONE']), undefined);
  assert.equal(healthCommand([]), undefined);
});

test('parseHealthDuration reads Go durations', () => {
  assert.equal(parseHealthDuration('30s'), 30_000);
  assert.equal(parseHealthDuration('1m30s'), 90_000);
  assert.equal(parseHealthDuration('500ms'), 500);
  assert.equal(parseHealthDuration('0'), 0);
  assert.equal(parseHealthDuration('disable'), undefined);
  assert.equal(parseHealthDuration(''), undefined);
});

test('failures count up to retries, then unhealthy; a success resets', () => {
  let h = applyHealthResult(fresh, entry(1), 2, false);
  assert.deepEqual([h.status, h.failingStreak], ['starting', 1]);
  h = applyHealthResult(h, entry(1), 2, false);
  assert.deepEqual([h.status, h.failingStreak], ['unhealthy', 2]);
  h = applyHealthResult(h, entry(0), 2, false);
  assert.deepEqual([h.status, h.failingStreak], ['healthy', 0]);
  h = applyHealthResult(h, entry(1), 2, false);
  assert.deepEqual([h.status, h.failingStreak], ['healthy', 1]);
});

test('failures in the start period do not count', () => {
  const h = applyHealthResult(fresh, entry(1), 1, true);
  assert.deepEqual([h.status, h.failingStreak, h.log.length], ['starting', 0, 1]);
  const p = { ...check, startPeriod: '10s' };
  assert.equal(inStartPeriod(p, started, Date.parse(started) + 5_000), true);
  assert.equal(inStartPeriod(p, started, Date.parse(started) + 11_000), false);
  assert.equal(inStartPeriod(check, started, Date.parse(started)), false);
});

test('the log keeps the last five entries and output is cut at 500 characters', () => {
  let h = fresh;
  for (let i = 0; i < 7; i++) h = applyHealthResult(h, { ...entry(0), Output: String(i) }, 3, false);
  assert.deepEqual(h.log.map((e) => e.Output), ['2', '3', '4', '5', '6']);
  assert.equal(healthOutput('x'.repeat(600)).length, 500);
});

test('currentHealth: none without a check or before the first start, starting for a new run', () => {
  assert.equal(currentHealth({}, { startedAt: started }), undefined);
  assert.equal(currentHealth({ healthcheck: check }, { startedAt: '0001-01-01T00:00:00Z' }), undefined);
  assert.equal(healthStatusWord({ healthcheck: check }, { startedAt: started }), 'starting');
  const old: ContainerHealth = { status: 'unhealthy', failingStreak: 3, log: [entry(1)], since: '2025-01-01T00:00:00Z' };
  assert.deepEqual(currentHealth({ healthcheck: check }, { startedAt: started, health: old }), { status: 'starting', failingStreak: 0, log: old.log, since: started });
  assert.deepEqual(healthReport(undefined), { Status: '', FailingStreak: 0, Log: null });
  assert.deepEqual(healthReport(fresh), { Status: 'starting', FailingStreak: 0, Log: null });
});
