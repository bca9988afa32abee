// Expected strings were produced by docker/go-units (HumanSizeWithPrecision, BytesSize,
// HumanDuration) and Go's time package; humanSize adds the space Podman's images adds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bytesSize, goHumanSize, goTimeString, humanDuration, humanSize, parseRFC3339, rfc3339Nano, timeAgo,
} from './units.ts';

test('goHumanSize is go-units HumanSizeWithPrecision', () => {
  const want: [number, string][] = [
    [0, '0B'], [1, '1B'], [999, '999B'], [1000, '1kB'], [1023, '1.02kB'], [1500, '1.5kB'],
    [999999, '1e+03kB'], [1000000, '1MB'], [1987685, '1.99MB'], [5590000, '5.59MB'], [1125, '1.12kB'],
    [1e9, '1GB'], [1.5e12, '1.5TB'], [123456789012345, '123TB'], [2 ** 60, '1.15EB'], [1e21, '1ZB'], [1e30, '1e+06YB'],
  ];
  for (const [n, s] of want) assert.equal(goHumanSize(n, 3), s, String(n));
  assert.equal(goHumanSize(3975370), '3.975MB');
});

test('humanSize is the SIZE column of podman images', () => {
  assert.equal(humanSize(1987685), '1.99 MB');
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(1230), '1.23 kB');
  assert.equal(humanSize(999999), '1e+03 kB');
});

test('bytesSize is go-units BytesSize', () => {
  const want: [number, string][] = [
    [0, '0B'], [1000, '1000B'], [1024, '1KiB'], [1500, '1.465KiB'], [999999, '976.6KiB'], [1987685, '1.896MiB'],
    [1e9, '953.7MiB'], [1.5 * 2 ** 30, '1.5GiB'], [1.5e12, '1.364TiB'], [2 ** 60, '1EiB'], [1e30, '8.272e+05YiB'],
  ];
  for (const [n, s] of want) assert.equal(bytesSize(n), s, String(n));
});

test('humanDuration is go-units HumanDuration', () => {
  const day = 86_400_000;
  const want: [number, string][] = [
    [0, 'Less than a second'], [999, 'Less than a second'], [-5000, 'Less than a second'], [1000, '1 second'],
    [1999, '1 second'], [2000, '2 seconds'], [59999, '59 seconds'], [60000, 'About a minute'],
    [119999, 'About a minute'], [120000, '2 minutes'], [3599999, '59 minutes'], [3600000, 'About an hour'],
    [5399999, 'About an hour'], [5400000, '2 hours'], [2 * day - 1, '2 days'], [13 * day, '13 days'],
    [14 * day, '2 weeks'], [59 * day, '8 weeks'], [60 * day, '2 months'], [364 * day, '12 months'],
    [730 * day, '2 years'], [1000 * day, '2 years'],
  ];
  for (const [ms, s] of want) assert.equal(humanDuration(ms), s, String(ms));
});

test('timeAgo', () => {
  const now = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));
  assert.equal(timeAgo(new Date(now.getTime() - 5 * 60_000), now), '5 minutes ago');
  assert.equal(timeAgo(now, now), 'Less than a second ago');
});

test('Go time formats', () => {
  const t = new Date(1795980949 * 1000);
  assert.equal(goTimeString(t, '123456789'), '2026-11-29 19:35:49.123456789 +0000 UTC');
  assert.equal(goTimeString(t), '2026-11-29 19:35:49 +0000 UTC');
  assert.equal(goTimeString(new Date(0)), '1970-01-01 00:00:00 +0000 UTC');
  assert.equal(goTimeString(new Date(253402300799000)), '9999-12-31 23:59:59 +0000 UTC');
  assert.equal(rfc3339Nano(new Date(1795980949 * 1000 + 120)), '2026-11-29T19:35:49.12Z');
  assert.equal(rfc3339Nano(t, '835184340'), '2026-11-29T19:35:49.83518434Z');
  assert.equal(goTimeString(...parseRFC3339('2026-11-29T19:35:43.86739358Z')), '2026-11-29 19:35:43.86739358 +0000 UTC');
  assert.equal(goTimeString(...parseRFC3339('2026-11-29T20:35:43+01:00')), '2026-11-29 19:35:43 +0000 UTC');
});
