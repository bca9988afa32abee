import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogTime, parseLogRecord, parseLogText, tailRecords } from './k8s-log.ts';

const text = [
  '2026-11-29T20:12:39.749789699+00:00 stdout F one',
  '2026-11-29T20:12:39.749923096+00:00 stderr F two',
  '2026-11-29T20:12:39.75+00:00 stdout P par',
  '2026-11-29T20:12:39.76+00:00 stdout F tial',
  '2026-11-29T20:12:39.77+00:00 stdout P end',
  '',
].join('\n');

test('parses k8s-file records, keeping an unfinished last line for later', () => {
  const { records, rest } = parseLogText(`${text}2026-11-29T20:12:39.78+00:00 std`);
  assert.equal(rest, '2026-11-29T20:12:39.78+00:00 std');
  assert.deepEqual(records.map((r) => [r.stream, r.full, r.text]), [
    ['stdout', true, 'one'], ['stderr', true, 'two'], ['stdout', false, 'par'], ['stdout', true, 'tial'], ['stdout', false, 'end'],
  ]);
  assert.equal(parseLogRecord('2026-11-29T20:12:39Z stdout F ')!.text, '');
  assert.equal(parseLogRecord('garbage'), undefined);
});

test('tail counts full lines, partial pieces go with the line they end in', () => {
  const { records } = parseLogText(text);
  assert.deepEqual(tailRecords(records, 0), []);
  assert.deepEqual(tailRecords(records, 1).map((r) => r.text), ['par', 'tial', 'end']);
  assert.deepEqual(tailRecords(records, 2).map((r) => r.text), ['two', 'par', 'tial', 'end']);
  assert.equal(tailRecords(records, 10).length, 5);
  assert.equal(tailRecords(records, -1).length, 5);
});

test('log times print as Go RFC3339Nano in UTC', () => {
  assert.equal(formatLogTime('2026-11-29T20:12:39.749789690+00:00'), '2026-11-29T20:12:39.74978969Z');
  assert.equal(formatLogTime('2026-11-29T20:12:39.000000000Z'), '2026-11-29T20:12:39Z');
  assert.equal(formatLogTime('2026-11-29T21:12:39.5+01:00'), '2026-11-29T20:12:39.5Z');
});
