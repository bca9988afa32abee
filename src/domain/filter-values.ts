import { InvalidArgumentError } from '../define/errors.ts';

/**
 * `--filter key=value` flags grouped by key, as Podman's list commands take them: values of
 * one key are alternatives, different keys must all match.
 */
export function groupFilters(filters: readonly string[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`invalid filter ${JSON.stringify(f)}`);
    const key = f.slice(0, eq);
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)]);
  }
  return byKey;
}

/** `key` matches any value, `key=value` that value, `key=` any value too (Podman's MatchLabelFilters). */
export function labelMatches(labels: Readonly<Record<string, string>> | null | undefined, want: string): boolean {
  const eq = want.indexOf('=');
  const key = eq === -1 ? want : want.slice(0, eq);
  const value = eq === -1 ? '' : want.slice(eq + 1);
  if (!labels || !Object.hasOwn(labels, key)) return false;
  return value === '' || labels[key] === value;
}
