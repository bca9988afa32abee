/** Go's time.Duration.String(), which Podman prints for elapsed and CPU times: "1h2m3.5s", "84.002358ms", "0s". */
export function goDuration(nanoseconds: bigint | number): string {
  let ns = typeof nanoseconds === 'bigint' ? nanoseconds : BigInt(Math.round(nanoseconds));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < 1000n) return `${sign}${ns}ns`;
  if (ns < 1_000_000n) return `${sign}${fraction(ns, 1000n, 3)}µs`;
  if (ns < 1_000_000_000n) return `${sign}${fraction(ns, 1_000_000n, 6)}ms`;
  const totalSeconds = ns / 1_000_000_000n;
  let out = `${fraction((totalSeconds % 60n) * 1_000_000_000n + (ns % 1_000_000_000n), 1_000_000_000n, 9)}s`;
  const minutes = totalSeconds / 60n;
  if (minutes > 0n) {
    out = `${minutes % 60n}m${out}`;
    const hours = minutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** `value / unit` with its decimals, trailing zeros dropped. */
function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const rest = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : `${whole}`;
}
