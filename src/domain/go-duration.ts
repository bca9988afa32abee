/** Go's duration units in ms; µ written as an escape, so the CLI bundle stays ASCII (launch.ts). */
const units: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Go's time.ParseDuration ("1m30s", "500ms", "-1.5h", "0") in ms, or undefined when it is not
 * one: Podman's flags and filters take durations so.
 */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+$/.exec(text);
  if (!m) return text === '0' || text === '+0' || text === '-0' ? 0 : undefined;
  let total = 0;
  for (const part of text.slice(m[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/g)) {
    total += Number(part[1]) * units[part[2]!]!;
  }
  return m[1] === '-' ? -total : total;
}
