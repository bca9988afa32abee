import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from './container-repo.ts';
import { compileContainerFilters, parseTimeFilter } from './container-filters.ts';
import { parseGoDuration as goDuration } from '../go-duration.ts';
import { initialState, type ContainerConfig, type ContainerStatus } from './model.ts';

function rec(name: string, created: string, extra: Partial<ContainerConfig> = {}, status: ContainerStatus = 'running', exitCode = 0): ContainerRecord {
  const config = { id: `${name.padEnd(4, '0')}`.repeat(16).slice(0, 64), name, created, labels: {}, mounts: [], imageId: 'img1', imageName: 'localhost/busybox:latest', networks: [], networkMode: 'none', ...extra } as ContainerConfig;
  return { config, state: { ...initialState(), status, exitCode } };
}

const all = [
  rec('web', '2026-01-01T00:00:01Z', { labels: { tier: 'web', env: 'prod' } }),
  rec('db', '2026-01-01T00:00:02Z', { labels: { tier: 'db' }, mounts: [{ type: 'volume', source: '', destination: '/data', options: [], name: 'dbvol' }] }, 'exited', 3),
  rec('job', '2026-01-01T00:00:03Z', {}, 'configured'),
];
const lookups = { container: (n: string) => all.find((r) => r.config.name === n), imageIds: (ref: string) => (ref === 'busybox' ? ['img1'] : []) };
const names = (...filters: string[]) => {
  const match = compileContainerFilters(filters, lookups);
  return all.filter((r) => match(r, r.state.status)).map((r) => r.config.name);
};

test('one key: alternatives; different keys: all must hold; labels: all must hold', () => {
  assert.deepEqual(names('status=running', 'status=exited'), ['web', 'db']);
  assert.deepEqual(names('status=created'), ['job']);
  assert.deepEqual(names('label=tier'), ['web', 'db']);
  assert.deepEqual(names('label=tier=web', 'label=env=prod'), ['web']);
  assert.deepEqual(names('label=tier=web', 'label=env=dev'), []);
  assert.deepEqual(names('label=tier', 'status=exited'), ['db']);
  assert.deepEqual(names('name=^w'), ['web']);
  assert.deepEqual(names('exited=3'), ['db']);
  assert.deepEqual(names('ancestor=busybox'), ['web', 'db', 'job']);
  assert.deepEqual(names('before=job'), ['web', 'db']);
  assert.deepEqual(names('since=web'), ['db', 'job']);
  assert.deepEqual(names('volume=dbvol'), ['db']);
  assert.deepEqual(names('volume=/data'), ['db']);
  assert.throws(() => names('bogus=1'), { message: 'bogus is an invalid filter' });
  assert.throws(() => names('status=nope'), { message: 'unknown container state: nope: invalid argument' });
  assert.throws(() => names('since=nosuch'), /no such container/);
});

test('durations and times', () => {
  assert.equal(goDuration('1h30m'), 5_400_000);
  assert.equal(goDuration('250ms'), 250);
  assert.equal(goDuration('x'), undefined);
  assert.equal(parseTimeFilter('10m', 1_000_000), 400_000);
  assert.equal(parseTimeFilter('1700000000'), 1_700_000_000_000);
  assert.equal(parseTimeFilter('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
  assert.throws(() => parseTimeFilter('yesterday'), /failed to parse/);
});
