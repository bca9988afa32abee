/**
 * Sizes, durations and times as Podman prints them: docker/go-units' HumanSize, BytesSize
 * and HumanDuration, and Go's time.Time String() and RFC 3339 (nanosecond) forms.
 * Times are printed in UTC (the zone Podman uses for images; skiff does not read tzdata).
 */
import { formatFloat } from './go-number.ts';

const decimalUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  // Repeated division, as go-units does, so rounding matches it exactly.
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]!];
}

/** go-units HumanSizeWithPrecision: decimal units, no space ("1.99MB"; `ps --size`, `system df`). */
export function goHumanSize(bytes: number, precision = 4): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, decimalUnits);
  return formatFloat(size, 'g', precision) + unit;
}

/** The SIZE column of `podman images` and `history`: 3 significant digits and a space ("5.59 MB"). */
export function humanSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, decimalUnits);
  return `${formatFloat(size, 'g', 3)} ${unit}`;
}

/** go-units BytesSize: binary units, 4 significant digits, no space ("1.5GiB"). */
export function bytesSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1024, binaryUnits);
  return formatFloat(size, 'g', 4) + unit;
}

/** go-units HumanDuration for a duration in milliseconds ("About a minute", "3 days"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** The CREATED column: "5 minutes ago". */
export function timeAgo(date: Date, now: Date = new Date()): string {
  return `${humanDuration(now.getTime() - date.getTime())} ago`;
}

/**
 * The fraction of a second, trailing zeros trimmed. `nanos` is the fraction as written in
 * an RFC 3339 timestamp ("835184343" for .835184343), which a Date cannot hold.
 */
function fraction(date: Date, nanos: string | undefined): string {
  const digits = nanos ?? String(date.getUTCMilliseconds()).padStart(3, '0');
  const trimmed = digits.slice(0, 9).replace(/0+$/, '');
  return trimmed === '' ? '' : `.${trimmed}`;
}

/** Go's time.Time String() in UTC: "2026-11-29 19:29:07.123456789 +0000 UTC". */
export function goTimeString(date: Date, nanos?: string): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction(date, nanos)} +0000 UTC`;
}

/** Go's time.RFC3339Nano in UTC: "2026-11-29T19:29:07.12Z" (how Go writes time.Time in JSON). */
export function rfc3339Nano(date: Date, nanos?: string): string {
  return `${date.toISOString().slice(0, 19)}${fraction(date, nanos)}Z`;
}

/**
 * Reads an RFC 3339 timestamp keeping its nanoseconds, for goTimeString/rfc3339Nano:
 * `goTimeString(...parseRFC3339("2026-11-29T19:35:43.835184343Z"))`.
 */
export function parseRFC3339(text: string): [Date, string | undefined] {
  const date = new Date(text);
  const nanos = /T\d\d:\d\d:\d\d\.(\d+)/.exec(text)?.[1];
  return [date, nanos];
}
