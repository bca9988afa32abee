/**
 * `logs`: conmon's k8s-file log of each container, filtered by time and tail; with follow,
 * new records as conmon appends them, until the container has exited (conmon writes the
 * exit file only after draining the container's output, so nothing is lost).
 */
import fs from 'node:fs';
import { InvalidArgumentError, NoSuchContainerError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { parseLogText, tailRecords, type LogRecord } from '../domain/containers/k8s-log.ts';
import type { ContainerEngine } from './container-engine.ts';
import { liveStates } from '../domain/containers/model.ts';
import type { ContainerLogsOptions, LogLine } from './container-reports.ts';

const pollMs = 100;

function checkDriver(rec: ContainerRecord): void {
  const driver = rec.config.logDriver;
  if (driver === 'none' || driver === 'passthrough') {
    throw new InvalidArgumentError(`this container is using the '${driver}' log driver, cannot read logs: this container is not logging output`);
  }
  if (driver === 'journald') throw new InvalidArgumentError('reading journald logs is not supported: the container logs to the journal');
}

/** Reads from `offset`; a file that shrank (rotated by --log-opt max-size) starts over. */
function readFrom(path: string, offset: number): { text: string; offset: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return { text: '', offset };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const from = size < offset ? 0 : offset;
    if (size === from) return { text: '', offset: from };
    const buf = Buffer.alloc(size - from);
    const n = fs.readSync(fd, buf, 0, buf.length, from);
    return { text: buf.subarray(0, n).toString('utf8'), offset: from + n };
  } finally {
    fs.closeSync(fd);
  }
}

function emitAll(rec: ContainerRecord, records: readonly LogRecord[], opts: ContainerLogsOptions, sink: (line: LogLine) => void): void {
  for (const r of records) {
    if (opts.since !== undefined && r.ms < opts.since) continue;
    if (opts.until !== undefined && r.ms >= opts.until) continue;
    sink({ id: rec.config.id, name: rec.config.name, time: r.time, stream: r.stream, text: r.text, full: r.full });
  }
}

function finished(ce: ContainerEngine, id: string): boolean {
  const rec = ce.byId(id);
  return !rec || !liveStates.includes(rec.state.status) || fs.existsSync(ce.exitCodeFile(id));
}

async function follow(ce: ContainerEngine, rec: ContainerRecord, opts: ContainerLogsOptions, sink: (line: LogLine) => void): Promise<void> {
  const path = rec.config.logPath;
  let { text, offset } = readFrom(path, 0);
  let parsed = parseLogText(text);
  emitAll(rec, tailRecords(parsed.records, opts.tail ?? -1), opts, sink);
  let rest = parsed.rest;
  for (;;) {
    const done = finished(ce, rec.config.id);
    ({ text, offset } = readFrom(path, offset));
    parsed = parseLogText(rest + text);
    rest = parsed.rest;
    emitAll(rec, parsed.records, opts, sink);
    if (done || (opts.until !== undefined && Date.now() >= opts.until)) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function readLogs(ce: ContainerEngine, namesOrIds: string[], opts: ContainerLogsOptions, sink: (line: LogLine) => void): Promise<void> {
  const recs: ContainerRecord[] = [];
  if (opts.latest) {
    const latest = ce.latest();
    if (!latest) throw new NoSuchContainerError('latest');
    recs.push(latest);
  }
  for (const n of namesOrIds) recs.push(ce.lookup(n));
  for (const rec of recs) checkDriver(rec);
  if (opts.follow) {
    await Promise.all(recs.map((rec) => follow(ce, rec, opts, sink)));
    return;
  }
  for (const rec of recs) {
    const { text } = readFrom(rec.config.logPath, 0);
    emitAll(rec, tailRecords(parseLogText(text).records, opts.tail ?? -1), opts, sink);
  }
}
