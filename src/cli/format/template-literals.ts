/** Go literal syntax inside template actions: strings, raw strings, characters, numbers. */

const simpleEscapes = new Map([
  ['a', 7], ['b', 8], ['f', 12], ['n', 10], ['r', 13], ['t', 9], ['v', 11], ['\\', 92],
]);

/** One escape after a backslash at `i`: a raw byte (\x, octal) or a code point. */
function unescape(s: string, i: number, quote: string): { value: number; isByte: boolean; next: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = simpleEscapes.get(c);
  if (simple !== undefined) return { value: simple, isByte: true, next: i + 1 };
  if (c === quote) return { value: c.charCodeAt(0), isByte: true, next: i + 1 };
  const digits = (n: number, re: RegExp): string | undefined => {
    const d = s.slice(i + 1, i + 1 + n);
    return d.length === n && re.test(d) ? d : undefined;
  };
  if (c === 'x') {
    const d = digits(2, /^[0-9a-fA-F]+$/);
    return d === undefined ? undefined : { value: parseInt(d, 16), isByte: true, next: i + 3 };
  }
  if (c === 'u' || c === 'U') {
    const d = digits(c === 'u' ? 4 : 8, /^[0-9a-fA-F]+$/);
    if (d === undefined) return undefined;
    const r = parseInt(d, 16);
    if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return undefined;
    return { value: r, isByte: false, next: i + 1 + d.length };
  }
  if (c >= '0' && c <= '7') {
    const d = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(d) || parseInt(d, 8) > 255) return undefined;
    return { value: parseInt(d, 8), isByte: true, next: i + 3 };
  }
  return undefined;
}

/** strconv.Unquote for "…" and `…` literals; undefined when the syntax is invalid. */
export function unquote(quoted: string): string | undefined {
  if (quoted.startsWith('`')) return quoted.slice(1, -1).replaceAll('\r', '');
  const body = quoted.slice(1, -1);
  // Go strings are bytes: \xc3\xa9 spells "é", so collect bytes and decode once.
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length;) {
    if (body[i] !== '\\') {
      const ch = String.fromCodePoint(body.codePointAt(i)!);
      parts.push(Buffer.from(ch));
      i += ch.length;
      continue;
    }
    const e = unescape(body, i + 1, '"');
    if (!e) return undefined;
    parts.push(e.isByte ? Buffer.from([e.value]) : Buffer.from(String.fromCodePoint(e.value)));
    i = e.next;
  }
  return Buffer.concat(parts).toString('utf8');
}

export interface NumberValue {
  value: number;
  isInt: boolean;
}

/** A character constant ('a', '\n', '\u00e9') is the integer value of its code point. */
export function parseCharConstant(text: string): NumberValue | string {
  const body = text.slice(1, -1);
  let value: number;
  let next: number;
  if (body[0] === '\\') {
    const e = unescape(body, 1, "'");
    if (!e) return 'invalid syntax';
    ({ value, next } = e);
  } else {
    value = body.codePointAt(0) ?? 0;
    next = String.fromCodePoint(value).length;
  }
  if (body.length === 0 || next !== body.length) return `malformed character constant: ${text}`;
  return { value, isInt: true };
}

/** Go number literals: decimal, 0x, 0o, 0b, leading-0 octal, underscores, floats. */
export function parseNumber(text: string): NumberValue | string {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (/^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.test(body)) {
    let digits = body.replaceAll('_', '');
    if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
    const n = BigInt(digits);
    return { value: Number(negative ? -n : n), isInt: true };
  }
  if (/^([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9_]+)?$/.test(body)) {
    // Go reads "09" as a float that looks like an integer too large for one.
    if (!/[.eE]/.test(body)) return `integer overflow: ${JSON.stringify(text)}`;
    const f = Number(body.replaceAll('_', '')) * (negative ? -1 : 1);
    return { value: f, isInt: Number.isInteger(f) };
  }
  return `illegal number syntax: ${JSON.stringify(text)}`;
}
