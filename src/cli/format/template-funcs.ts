/**
 * The functions a --format template can call: Go text/template's builtins and the ones
 * Podman adds (containers/common pkg/report DefaultFuncs: join, json, lower, pad, split,
 * title, truncate, upper). Errors thrown here become "error calling NAME: …".
 */
import { sprint, sprintf, sprintln, formatValue } from './go-fmt.ts';
import { marshalJSON } from './go-json.ts';
import { goKind, goTypeName, isNil, isTrue, mapSize } from './go-value.ts';

/**
 * How an argument is checked before the call, as Go converts to a parameter type:
 * 'value' takes anything (reflect.Value), 'any' turns a missing value into nil
 * (interface{}), 'string', 'int' and 'strings' ([]string) demand that type.
 */
export type ParamType = 'value' | 'any' | 'string' | 'int' | 'strings';

export interface TemplateFunc {
  params: ParamType[];
  /** The type of the further arguments of a variadic function. */
  variadic?: ParamType;
  fn(...args: unknown[]): unknown;
}

export type FuncMap = Record<string, TemplateFunc>;

type BasicKind = 'bool' | 'number' | 'string' | undefined;

function basicKind(v: unknown): BasicKind {
  switch (goKind(v)) {
    case 'bool': return 'bool';
    // JS cannot tell Go's int from float64: numbers compare with each other.
    case 'int':
    case 'float': return 'number';
    case 'string': return 'string';
    default: return undefined;
  }
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth: boolean;
    if (k1 !== k2) {
      if (!isNil(arg1) && !isNil(arg)) throw new Error('incompatible types for comparison');
      truth = false;
    } else if (k1 === 'number') {
      truth = Number(arg1) === Number(arg);
    } else if (k1 !== undefined) {
      truth = arg1 === arg;
    } else if (isNil(arg1) || isNil(arg)) {
      truth = isNil(arg1) === isNil(arg);
    } else {
      const kind = goKind(arg);
      if (kind === 'slice' || kind === 'map' || kind === 'func') {
        throw new Error(`non-comparable type ${formatValue(arg)}: ${goTypeName(arg)}`);
      }
      truth = arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === undefined || k2 === undefined) throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  return k1 === 'number' ? Number(a) < Number(b) : (a as string) < (b as string);
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

function indexArg(index: unknown, cap: number): number {
  if (isNil(index)) throw new Error('cannot index slice/array with nil');
  if (goKind(index) !== 'int') throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = Number(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

/** The zero value Go gives a missing key: "" in a map[string]string, else nil. */
function zeroElement(map: object): unknown {
  return goTypeName(map) === 'map[string]string' ? '' : undefined;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('index of untyped nil');
  for (const i of indexes) {
    if (isNil(item)) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = Buffer.from(item);
      const x = indexArg(i, bytes.length);
      if (x === bytes.length) throw new Error('reflect: string index out of range');
      item = bytes[x];
    } else if (Array.isArray(item)) {
      const x = indexArg(i, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item[x];
    } else if (goKind(item) === 'map') {
      const map = item as object;
      if (!(map instanceof Map) && typeof i !== 'string') {
        throw new Error(`value has type ${goTypeName(i)}; should be string`);
      }
      const found = map instanceof Map ? map.has(i) : Object.hasOwn(map, i as string);
      const value = map instanceof Map ? map.get(i) : (map as Record<string, unknown>)[i as string];
      item = found ? value : zeroElement(map);
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    len = Buffer.byteLength(item);
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((i, n) => {
    idx[n] = indexArg(i, len);
  });
  const [from, to, max] = idx as [number, number, number];
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  if (indexes.length === 3 && to > max) throw new Error(`invalid slice index: ${to} > ${max}`);
  return typeof item === 'string' ? Buffer.from(item).subarray(from, to).toString() : (item as unknown[]).slice(from, to);
}

function length(item: unknown): number {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new Error('len of nil pointer');
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (goKind(item) === 'map') return mapSize(item as object);
  throw new Error(`len of type ${goTypeName(item)}`);
}

/** html, js and urlquery print a lone string as is, anything else as fmt.Sprint does. */
function argsText(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

function htmlEscape(s: string): string {
  const map: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' };
  return s.replace(/["'&<>\0]/g, (c) => map[c]!);
}

function jsEscape(s: string): string {
  const map: Record<string, string> = {
    '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
  };
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (map[ch]) out += map[ch];
    else if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (r >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  return [...Buffer.from(s)].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Go maps case rune by rune; a rune whose JS mapping is longer (ß → SS) stays. */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = f(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** strings.Title's word boundaries: ASCII other than [A-Za-z0-9_], and Unicode spaces. */
function isSeparator(ch: string): boolean {
  if (ch.codePointAt(0)! < 0x80) return !/[A-Za-z0-9_]/.test(ch);
  return !/[\p{L}\p{Nd}]/u.test(ch) && /\s/u.test(ch);
}

/** strings.Title: upper-cases letters that follow a separator. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? mapRunes(ch, (c) => c.toUpperCase()) : ch;
    prev = ch;
  }
  return out;
}

export const builtinFuncs: FuncMap = {
  // and/or are evaluated lazily by the executor; these entries give their arity.
  and: { params: ['value'], variadic: 'value', fn: () => undefined },
  or: { params: ['value'], variadic: 'value', fn: () => undefined },
  call: {
    params: ['value'], variadic: 'value', fn: (f, ...args) => {
      if (isNil(f)) throw new Error('call of nil');
      if (typeof f !== 'function') throw new Error(`non-function of type ${goTypeName(f)}`);
      return (f as (...a: unknown[]) => unknown)(...args);
    },
  },
  html: { params: [], variadic: 'any', fn: (...args) => htmlEscape(argsText(args)) },
  index: { params: ['value'], variadic: 'value', fn: index },
  slice: { params: ['value'], variadic: 'value', fn: slice },
  js: { params: [], variadic: 'any', fn: (...args) => jsEscape(argsText(args)) },
  len: { params: ['value'], fn: length },
  not: { params: ['value'], fn: (v) => !isTrue(v) },
  print: { params: [], variadic: 'any', fn: (...args) => sprint(args) },
  printf: { params: ['string'], variadic: 'any', fn: (format, ...args) => sprintf(format as string, args) },
  println: { params: [], variadic: 'any', fn: (...args) => sprintln(args) },
  urlquery: { params: [], variadic: 'any', fn: (...args) => queryEscape(argsText(args)) },
  eq: { params: ['value'], variadic: 'value', fn: eq },
  ge: { params: ['value', 'value'], fn: (a, b) => !lt(a, b) },
  gt: { params: ['value', 'value'], fn: (a, b) => !le(a, b) },
  le: { params: ['value', 'value'], fn: le },
  lt: { params: ['value', 'value'], fn: lt },
  ne: { params: ['value', 'value'], fn: (a, b) => !eq(a, b) },
};

export const podmanFuncs: FuncMap = {
  join: { params: ['strings', 'string'], fn: (elems, sep) => (elems as string[]).join(sep as string) },
  json: {
    params: ['any'], fn: (v) => {
      // Podman ignores the encoder's error and prints nothing.
      try {
        return marshalJSON(v, { escapeHTML: false });
      } catch {
        return '';
      }
    },
  },
  lower: { params: ['string'], fn: (s) => mapRunes(s as string, (c) => c.toLowerCase()) },
  pad: {
    params: ['string', 'int', 'int'],
    fn: (s, prefix, suffix) => (s === '' ? '' : ' '.repeat(prefix as number) + (s as string) + ' '.repeat(suffix as number)),
  },
  split: {
    params: ['string', 'string'],
    fn: (s, sep) => (sep === '' ? [...(s as string)] : (s as string).split(sep as string)),
  },
  title: { params: ['string'], fn: (s) => title(s as string) },
  truncate: {
    params: ['string', 'int'], fn: (s, n) => {
      const bytes = Buffer.from(s as string);
      if (bytes.length < (n as number)) return s;
      if ((n as number) < 0) throw new Error(`runtime error: slice bounds out of range [:${n as number}]`);
      return bytes.subarray(0, n as number).toString();
    },
  },
  upper: { params: ['string'], fn: (s) => mapRunes(s as string, (c) => c.toUpperCase()) },
};
