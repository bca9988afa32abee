/**
 * conmon's k8s-file log format: one record per line, `<RFC 3339 time> <stream> <tag>
 * <text>`, where the tag is `F` for a full line and `P` for a piece of a longer one (the
 * rest follows in later records).
 */

export interface LogRecord {
  /** the time as written (`2026-11-29T20:12:39.749789699+00:00`) */
  time: string;
  /** ms since the epoch */
  ms: number;
  stream: 'stdout' | 'stderr';
  full: boolean;
  text: string;
}

const recordPattern = /^(\S+) (stdout|stderr) ([FP])(?:\S*)? ?(.*)$/;

export function parseLogRecord(line: string): LogRecord | undefined {
  const m = recordPattern.exec(line);
  if (!m) return undefined;
  return { time: m[1]!, ms: Date.parse(m[1]!), stream: m[2] as 'stdout' | 'stderr', full: m[3] === 'F', text: m[4]! };
}

/** Complete records of a chunk of log text; `rest` is an unfinished last line to carry over. */
export function parseLogText(text: string): { records: LogRecord[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop()!;
  const records: LogRecord[] = [];
  for (const line of lines) {
    const r = parseLogRecord(line);
    if (r) records.push(r);
  }
  return { records, rest };
}

/**
 * The last `n` lines, a line being a full record with the partial ones before it (Podman's
 * tail); an unfinished line at the very end goes with the last full one.
 */
export function tailRecords(records: readonly LogRecord[], n: number): LogRecord[] {
  if (n < 0) return [...records];
  if (n === 0) return [];
  let start = records.length;
  let full = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i]!.full) {
      if (full === n) break;
      full++;
    }
    start = i;
  }
  return records.slice(start);
}

/** Go's RFC3339Nano of a log time in UTC: trailing fraction zeros trimmed, `Z` for +00:00. */
export function formatLogTime(time: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return time;
  const date = new Date(Date.parse(time));
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const base = m[3] === 'Z' || m[3] === '+00:00' ? m[1]! : date.toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac}` : ''}Z`;
}
