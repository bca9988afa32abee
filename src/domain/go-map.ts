/** A Go map[string]string as JSON and templates print it: keys sorted, as encoding/json does. */
export function goMap(obj: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
