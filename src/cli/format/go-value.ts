/**
 * How JS values stand in for Go values when templates and fmt look at them:
 * - `undefined` is an invalid value (a missing map key): it prints `<no value>`;
 *   `null` is a nil interface, which Go treats the same way after a pipeline;
 * - a safe-integer number is an int, any other number a float64; a bigint an int;
 * - an array is a slice; a `Map` and a plain object are maps (sorted keys when printed
 *   or ranged over, `map[k:v]`); a Date is a time.Time (a Stringer);
 * - an object with its own `toString` is a Stringer (like Go's String() method);
 * - a function is a method: templates call it when they reach it through a field.
 */
import { goTimeString } from './units.ts';

export type GoKind =
  'invalid' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'stringer' | 'func';

export function isNil(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

export function goKind(v: unknown): GoKind {
  switch (typeof v) {
    case 'undefined': return 'invalid';
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return Number.isSafeInteger(v) && !Object.is(v, -0) ? 'int' : 'float';
    case 'string': return 'string';
    case 'function': return 'func';
    case 'symbol': return 'string';
    case 'object':
      if (v === null) return 'invalid';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Map) return 'map';
      if (v instanceof Date || hasOwnToString(v)) return 'stringer';
      return 'map';
  }
}

function hasOwnToString(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto !== null && proto !== Object.prototype &&
    (v as { toString: unknown }).toString !== Object.prototype.toString;
}

/** The text a Stringer prints (Go's String()). */
export function stringerText(v: object): string {
  return v instanceof Date ? goTimeString(v) : String(v);
}

/** A map's entries in Go's printing order (fmtsort: numbers numerically, else by text). */
export function sortedEntries(v: object): [unknown, unknown][] {
  const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return entries.sort(([a], [b]) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function mapSize(v: object): number {
  return v instanceof Map ? v.size : Object.keys(v).length;
}

/** The Go type name used in error messages and %T. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'invalid': return '<nil>';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'func': return 'func';
    case 'stringer': return v instanceof Date ? 'time.Time' : ((v as object).constructor?.name ?? 'object');
    case 'slice': {
      const a = v as unknown[];
      return a.length > 0 && a.every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
    }
    case 'map': {
      const values = v instanceof Map ? [...v.values()] : Object.values(v as object);
      return values.every((e) => typeof e === 'string') ? 'map[string]string' : 'map[string]interface {}';
    }
  }
}

/** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  switch (goKind(v)) {
    case 'invalid': return false;
    case 'bool': return v as boolean;
    case 'int':
    case 'float': return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'string': return (v as string).length > 0;
    case 'slice': return (v as unknown[]).length > 0;
    case 'map': return mapSize(v as object) > 0;
    case 'stringer':
    case 'func': return true;
  }
}

/** Looks a field up on an object: `found` false means the map has no such key. */
export function lookupField(obj: object, name: string): { found: boolean; value: unknown } {
  if (obj instanceof Map) return { found: obj.has(name), value: obj.get(name) };
  if (hasField(obj, name)) return { found: true, value: (obj as Record<string, unknown>)[name] };
  // skiff's reports are often shaped like Podman's JSON ("Id", "network_interface") while
  // templates name Go fields ("ID", "NetworkInterface"): accept the JSON spelling too.
  const wanted = foldName(name);
  for (const key of Object.keys(obj)) {
    if (foldName(key) === wanted) return { found: true, value: (obj as Record<string, unknown>)[key] };
  }
  return { found: false, value: undefined };
}

/** Own properties and class members count; what every object inherits does not. */
function hasField(obj: object, name: string): boolean {
  if (name === 'constructor') return false;
  for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, name)) return true;
  }
  return false;
}

function foldName(name: string): string {
  return name.replaceAll('_', '').toLowerCase();
}
