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
