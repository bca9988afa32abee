/**
 * Times as Podman stores and prints them: Go's RFC 3339 with nanoseconds in UTC, trailing
 * zeros of the fraction trimmed ("2026-11-29T19:59:23.655791319Z").
 */

/** Nanoseconds since the epoch → Go's time.RFC3339Nano in UTC. */
export function rfc3339FromNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${new Date(ms).toISOString().slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

// The wall clock at first use, advanced by the monotonic one: sub-millisecond times without
// the `performance` global, whose first touch loads perf_hooks (~1.5 ms of a `run`).
let wallAtStart: bigint | undefined;
let monoAtStart = 0n;

/** Nanoseconds since the epoch, with the best precision the clocks give. */
export function nowNs(): bigint {
  if (wallAtStart === undefined) {
    wallAtStart = BigInt(Date.now()) * 1_000_000n;
    monoAtStart = process.hrtime.bigint();
  }
  return wallAtStart + (process.hrtime.bigint() - monoAtStart);
}

/** Now, with the best precision the clocks give. */
export function nowRfc3339(): string {
  return rfc3339FromNs(nowNs());
}
