/**
 * Go's fmt.Sprintf, Sprint and Sprintln over JS values (see go-value.ts for how JS values
 * map to Go kinds), including Go's in-band error notes (`%!d(string=x)`, `%!s(MISSING)`,
 * `%!(EXTRA int=5)`). Unsupported: %p, %#v Go-syntax output, %x of floats.
 */
import { formatFloat, type FloatVerb } from './go-number.ts';
import { goKind, goTypeName, isNil, sortedEntries, stringerText } from './go-value.ts';

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

function noFlags(): Spec {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, wid: undefined, prec: undefined };
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Spec): string {
  const n = (f.wid ?? 0) - runeCount(s);
  if (n <= 0) return s;
  return f.minus ? s + ' '.repeat(n) : (f.zero ? '0' : ' ').repeat(n) + s;
}

function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const shortEscapes = new Map([['\x07', 'a'], ['\b', 'b'], ['\f', 'f'], ['\n', 'n'], ['\r', 'r'], ['\t', 't'], ['\v', 'v']]);

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  const r = ch.codePointAt(0)!;
  if (asciiOnly ? r < 0x80 && isPrint(ch) : isPrint(ch)) return ch;
  const short = shortEscapes.get(ch);
  if (short) return `\\${short}`;
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (r >= 0xd800 && r <= 0xdfff) return '\\ufffd';
  return r < 0x10000 ? `\\u${hex(r, 4)}` : `\\U${hex(r, 8)}`;
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return `${out}"`;
}

function quoteRune(r: number, asciiOnly: boolean): string {
  return `'${escapeRune(String.fromCodePoint(r), "'", asciiOnly)}'`;
}

function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if ((r < 0x20 && ch !== '\t') || ch === '`' || r === 0x7f || r === 0xfeff || (r >= 0xd800 && r <= 0xdfff)) return false;
  }
  return true;
}

function validRune(n: bigint): number {
  const r = n < 0n || n > 0x10ffffn ? 0xfffd : Number(n);
  return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
}

function badVerb(arg: unknown, verb: string, f: Spec): string {
  const what = isNil(arg) ? '<nil>' : `${goTypeName(arg)}=${printArg(arg, 'v', f, 0)}`;
  return `%!${verb}(${what})`;
}

function fmtInt(n: bigint, base: number, verb: string, f: Spec): string {
  const negative = n < 0n;
  const u = negative ? -n : n;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return ' '.repeat(f.wid ?? 0);
  } else if (f.zero && f.wid !== undefined) {
    prec = f.wid - (negative || f.plus || f.space ? 1 : 0);
  }
  let digits = u.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = `0o${digits}`;
  const sign = negative ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, { ...f, zero: false });
}

function fmtUnicode(n: bigint, f: Spec): string {
  const u = BigInt.asUintN(64, n);
  let s = `U+${u.toString(16).toUpperCase().padStart(Math.max(f.prec ?? 4, 4), '0')}`;
  if (f.sharp && u <= 0x10ffffn && isPrint(String.fromCodePoint(Number(u)))) s += ` '${String.fromCodePoint(Number(u))}'`;
  return pad(s, { ...f, zero: false });
}

function fmtInteger(arg: unknown, verb: string, f: Spec): string {
  const n = BigInt(arg as number | bigint);
  switch (verb) {
    case 'v':
    case 'd': return fmtInt(n, 10, verb, f);
    case 'b': return fmtInt(n, 2, verb, f);
    case 'o':
    case 'O': return fmtInt(n, 8, verb, f);
    case 'x':
    case 'X': return fmtInt(n, 16, verb, f);
    case 'c': return pad(String.fromCodePoint(validRune(n)), f);
    case 'q': return pad(quoteRune(validRune(n), f.plus), f);
    case 'U': return fmtUnicode(n, f);
    // JS cannot tell 2 from 2.0, so float verbs accept integral numbers too.
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': return fmtFloat(Number(n), verb, f);
    default: return badVerb(arg, verb, f);
  }
}

function fmtFloat(x: number, verb: string, f: Spec): string {
  let prec: number;
  let fverb: FloatVerb;
  switch (verb) {
    case 'v': fverb = 'g'; prec = -1; break;
    case 'g': case 'G': fverb = verb; prec = -1; break;
    case 'e': case 'E': case 'f': fverb = verb; prec = 6; break;
    case 'F': fverb = 'f'; prec = 6; break;
    default: return badVerb(x, verb, f);
  }
  if (f.prec !== undefined) prec = f.prec;
  const num = formatFloat(x, fverb, prec);
  let signed = num.startsWith('-') || num.startsWith('+') ? num : `+${num}`;
  if (f.space && signed.startsWith('+') && !f.plus) signed = ` ${signed.slice(1)}`;
  if (signed[1] === 'I' || signed[1] === 'N') {
    return pad(signed[1] === 'N' && !f.space && !f.plus ? signed.slice(1) : signed, { ...f, zero: false });
  }
  if (f.plus || !signed.startsWith('+')) {
    if (f.zero && f.wid !== undefined && f.wid > signed.length) {
      return signed[0] + '0'.repeat(f.wid - signed.length) + signed.slice(1);
    }
    return pad(signed, f);
  }
  return pad(signed.slice(1), f);
}

function truncate(s: string, f: Spec): string {
  return f.prec === undefined ? s : [...s].slice(0, f.prec).join('');
}

function fmtHexString(s: string, f: Spec, upper: boolean): string {
  let bytes = Buffer.from(s);
  if (f.prec !== undefined && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
  if (bytes.length === 0) return ' '.repeat(f.wid ?? 0);
  const prefix = f.sharp ? (upper ? '0X' : '0x') : '';
  const parts = [...bytes].map((b) => {
    const h = hex(b, 2);
    return upper ? h.toUpperCase() : h;
  });
  const body = f.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
  return pad(body, f);
}

function fmtString(s: string, verb: string, f: Spec, arg: unknown): string {
  switch (verb) {
    case 'v':
    case 's': return pad(truncate(s, f), f);
    case 'x':
    case 'X': return fmtHexString(s, f, verb === 'X');
    case 'q': {
      const t = truncate(s, f);
      if (f.sharp && canBackquote(t)) return pad(`\`${t}\``, f);
      return pad(quote(t, f.plus), f);
    }
    default: return badVerb(arg, verb, f);
  }
}

function printArg(arg: unknown, verb: string, f: Spec, depth: number): string {
  if (isNil(arg)) {
    if (depth > 0) return '<nil>';
    return verb === 'v' || verb === 'T' ? pad('<nil>', f) : badVerb(arg, verb, f);
  }
  if (verb === 'T') return pad(goTypeName(arg), f);
  switch (goKind(arg)) {
    case 'bool': return verb === 'v' || verb === 't' ? pad(String(arg), f) : badVerb(arg, verb, f);
    case 'int': return fmtInteger(arg, verb, f);
    case 'float': return fmtFloat(arg as number, verb, f);
    case 'string': return fmtString(String(arg), verb, f, arg);
    case 'stringer':
      return 'vsxXq'.includes(verb) ? fmtString(stringerText(arg as object), verb, f, arg) : badVerb(arg, verb, f);
    case 'slice': return `[${(arg as unknown[]).map((e) => printArg(e, verb, f, depth + 1)).join(' ')}]`;
    case 'map': {
      const entries = sortedEntries(arg as object);
      return `map[${entries.map(([k, v]) => `${printArg(k, verb, f, depth + 1)}:${printArg(v, verb, f, depth + 1)}`).join(' ')}]`;
    }
    case 'func':
    case 'invalid': return `%!${verb}(${goTypeName(arg)})`;
  }
}

/** fmt.Sprint: operands with %v, a space between two operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += printArg(arg, 'v', noFlags(), 0);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: operands with %v separated by spaces, then a newline. */
export function sprintln(args: unknown[]): string {
  return `${args.map((arg) => printArg(arg, 'v', noFlags(), 0)).join(' ')}\n`;
}

/** How `{{.X}}` prints a value (fmt.Sprint of one operand). */
export function formatValue(v: unknown): string {
  return printArg(v, 'v', noFlags(), 0);
}

/** Parses a decimal number at `i`; Go gives up on anything past 1e6. */
function parseNum(format: string, i: number, end: number): { num: number | undefined; i: number } {
  const start = i;
  while (i < end && format[i]! >= '0' && format[i]! <= '9') i++;
  if (i === start) return { num: undefined, i };
  const num = Number(format.slice(start, i));
  return num > 1e6 ? { num: undefined, i: end } : { num, i };
}

function intArg(args: unknown[], argNum: number): { num: number | undefined; argNum: number } {
  if (argNum >= args.length) return { num: undefined, argNum };
  const v = args[argNum];
  const ok = goKind(v) === 'int' && Math.abs(Number(v)) <= 1e6;
  return { num: ok ? Number(v) : undefined, argNum: argNum + 1 };
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const end = format.length;
  let i = 0;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f = noFlags();
    let goodArgNum = true;
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') { f.minus = true; f.zero = false; }
      else if (c === ' ') f.space = true;
      else break;
    }
    // An explicit argument index, `%[2]d`.
    const argIndex = (): boolean => {
      if (format[i] !== '[') return false;
      reordered = true;
      const close = format.indexOf(']', i + 1);
      if (close < 0) { i++; goodArgNum = false; return false; }
      const n = /^[0-9]+$/.test(format.slice(i + 1, close)) ? Number(format.slice(i + 1, close)) - 1 : -1;
      i = close + 1;
      if (n >= 0 && n < args.length) { argNum = n; return true; }
      goodArgNum = false;
      return n >= 0;
    };
    let afterIndex = argIndex();
    if (format[i] === '*') {
      i++;
      ({ num: f.wid, argNum } = intArg(args, argNum));
      if (f.wid === undefined) out += '%!(BADWIDTH)';
      else if (f.wid < 0) { f.wid = -f.wid; f.minus = true; f.zero = false; }
      afterIndex = false;
    } else {
      ({ num: f.wid, i } = parseNum(format, i, end));
      if (afterIndex && f.wid !== undefined) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      afterIndex = argIndex();
      if (format[i] === '*') {
        i++;
        ({ num: f.prec, argNum } = intArg(args, argNum));
        if (f.prec !== undefined && f.prec < 0) f.prec = undefined;
        if (f.prec === undefined) out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        ({ num: f.prec, i } = parseNum(format, i, end));
        f.prec ??= 0;
      }
    }
    if (!afterIndex) afterIndex = argIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (!goodArgNum) out += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') { f.sharp = false; f.plus = false; }
      out += printArg(args[argNum], verb, f, 0);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (isNil(a) ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
