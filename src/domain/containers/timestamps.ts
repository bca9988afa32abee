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

/** Now, with the best precision the clock gives. */
export function nowRfc3339(): string {
  const ns = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  return rfc3339FromNs(ns);
}
