/**
 * Go's encoding/json output for JS values, byte for byte: compact or indented, with or
 * without HTML escaping, and json-iterator's indented empty objects (Podman's list
 * commands encode with json-iterator, inspect with encoding/json).
 *
 * A plain object keeps its key order (it stands for a Go struct); a `Map` is a Go map and
 * is written with sorted keys. Dates are written as Go writes time.Time (RFC 3339, nanos).
 * `undefined` properties and functions are left out; `toJSON()` is honoured.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { formatFloatV } from './go-number.ts';
import { rfc3339Nano } from './units.ts';

export interface JsonStyle {
  /** One level of indentation; '' (the default) is compact like json.Marshal. */
  indent?: string;
  /** Escape <, > and & as \u003c, \u003e, \u0026 (Go's default; true unless set). */
  escapeHTML?: boolean;
  /** json-iterator prints an indented empty object as "{", a blank indented line, "}". */
  jsoniter?: boolean;
}

const shortEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A JSON string literal as Go writes it (Go 1.19: \u0008 and \u000c, not \b and \f). */
export function jsonString(s: string, escapeHTML = true): string {
  const special = escapeHTML
    ? /["\\\u0000-\u001f\u2028\u2029<>&]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
    : /["\\\u0000-\u001f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  return `"${s.replace(special, (ch) => {
    const code = ch.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
    return shortEscapes[ch] ?? `\\u${code.toString(16).padStart(4, '0')}`;
  })}"`;
}

function isOmitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

export function marshalJSON(value: unknown, style: JsonStyle = {}): string {
  const indent = style.indent ?? '';
  const escapeHTML = style.escapeHTML ?? true;
  const newline = (depth: number): string => (indent === '' ? '' : `\n${indent.repeat(depth)}`);

  const encodeObject = (entries: [string, unknown][], depth: number): string => {
    if (entries.length === 0) {
      return style.jsoniter && indent !== '' ? `{${newline(depth + 1)}${newline(depth)}}` : '{}';
    }
    const colon = indent === '' ? ':' : ': ';
    const members = entries.map(([k, v]) => newline(depth + 1) + jsonString(k, escapeHTML) + colon + encode(v, depth + 1));
    return `{${members.join(',')}${newline(depth)}}`;
  };

  const encode = (v: unknown, depth: number): string => {
    if (v === null || isOmitted(v)) return 'null';
    switch (typeof v) {
      case 'boolean': return String(v);
      case 'bigint': return v.toString();
      case 'number':
        if (!Number.isFinite(v)) throw new InvalidArgumentError(`json: unsupported value: ${formatFloatV(v)}`);
        return String(v);
      case 'string': return jsonString(v, escapeHTML);
      default: break;
    }
    if (v instanceof Date) return jsonString(rfc3339Nano(v), escapeHTML);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((e) => newline(depth + 1) + encode(e, depth + 1)).join(',')}${newline(depth)}]`;
    }
    if (v instanceof Map) {
      const entries = [...v.entries()].filter(([, e]) => !isOmitted(e)).map(([k, e]): [string, unknown] => [String(k), e]);
      return encodeObject(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), depth);
    }
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return encode(toJSON.call(v), depth);
    return encodeObject(Object.entries(v as object).filter(([, e]) => !isOmitted(e)), depth);
  };

  return encode(value, 0);
}
