/**
 * JSON encoded byte for byte as Go's encoding/json.Marshal does, so manifests and archive
 * metadata skiff writes have the digests Podman's would. Differences from JSON.stringify:
 * `<`, `>`, `&`, U+2028 and U+2029 are escaped, control characters other than \n \r \t use
 * \u00XX, and invalid UTF-16 becomes U+FFFD. Objects keep their insertion order (build them in
 * Go struct field order; use `sortedKeys` for Go maps, which Go sorts).
 */

/** Raw JSON text embedded as is (after Go-style compaction), like Go's json.RawMessage. */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type GoJsonValue =
  | string
  | number
  | boolean
  | null
  | RawJson
  | readonly GoJsonValue[]
  | { readonly [key: string]: GoJsonValue | undefined };

const hex = '0123456789abcdef';

function escapeCodeUnit(code: number): string {
  return `\\u${hex[(code >> 12) & 15]}${hex[(code >> 8) & 15]}${hex[(code >> 4) & 15]}${hex[code & 15]}`;
}

export function goJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code < 0x20 || code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029) {
      out += escapeCodeUnit(code);
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
      } else {
        out += '\ufffd';
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += value[i];
    }
  }
  return `${out}"`;
}

/** Go's json.Compact with HTML escaping, as applied to an embedded json.RawMessage. */
export function goCompact(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') {
        out += ch + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      const code = ch.charCodeAt(0);
      out += code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029 ? escapeCodeUnit(code) : ch;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') {
      out += ch;
    }
  }
  return out;
}

export function goMarshal(value: GoJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof RawJson) return goCompact(value.text);
  if (Array.isArray(value)) return `[${value.map((v: GoJsonValue) => goMarshal(v)).join(',')}]`;
  const fields: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, GoJsonValue | undefined>)) {
    if (v !== undefined) fields.push(`${goJsonString(key)}:${goMarshal(v)}`);
  }
  return `{${fields.join(',')}}`;
}

/** A copy of a string map with its keys sorted, as Go marshals maps. */
export function sortedKeys<T>(map: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key]!;
  return out;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new SyntaxError('unterminated string in JSON');
}

function skipValue(text: string, i: number): number {
  if (text[i] === '"') return skipString(text, i);
  if (text[i] === '{' || text[i] === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        i = skipString(text, i) - 1;
      } else if (ch === '{' || ch === '[') {
        depth++;
      } else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new SyntaxError('unterminated value in JSON');
  }
  while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
  return i;
}

/**
 * The raw text of each member of a JSON object (Go's map[string]json.RawMessage; a repeated
 * key keeps its last value). `text` must already be valid JSON (check with JSON.parse first).
 */
export function rawObjectMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') throw new SyntaxError('JSON value is not an object');
  i = skipWhitespace(text, i + 1);
  while (i < text.length && text[i] !== '}') {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    i = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, i);
    members.set(key, text.slice(i, valueEnd));
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return members;
}
