/**
 * Docker's word processing for the instructions it substitutes variables in (ADD, COPY,
 * ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG): quotes, the escape
 * character, `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}`.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export type Vars = ReadonlyMap<string, string>;

function readName(s: string, i: number): number {
  let j = i;
  while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
  return j;
}

/** Expands one `$…` at s[i] === '$'; returns the value and the index after it. */
function expandVar(s: string, i: number, vars: Vars, escape: string): { value: string; next: number } {
  if (s[i + 1] === '{') {
    const close = findClose(s, i + 2);
    const inner = s.slice(i + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([\s\S]*))?$/.exec(inner);
    if (!m) throw new InvalidArgumentError(`failed to process "${s}": bad substitution`);
    const v = vars.get(m[1]!);
    let value = v ?? '';
    if (m[2] === '-' && !v) value = processWord(m[3]!, vars, escape);
    if (m[2] === '+') value = v ? processWord(m[3]!, vars, escape) : '';
    return { value, next: close + 1 };
  }
  const end = readName(s, i + 1);
  if (end === i + 1) return { value: '$', next: i + 1 };
  return { value: vars.get(s.slice(i + 1, end)) ?? '', next: end };
}

function findClose(s: string, from: number): number {
  let depth = 1;
  for (let j = from; j < s.length; j++) {
    if (s[j] === '{') depth++;
    if (s[j] === '}' && --depth === 0) return j;
  }
  throw new InvalidArgumentError(`failed to process "${s}": missing '}'`);
}

/**
 * Splits on unquoted white space, removes quotes and escapes, expands variables (not within
 * single quotes). A variable's value is never split.
 */
export function processWords(s: string, vars: Vars, escape = '\\'): string[] {
  return lex(s, vars, escape, true);
}

function lex(s: string, vars: Vars, escape: string, split: boolean): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
      i++;
      continue;
    }
    if (c === escape && i + 1 < s.length) {
      const n = s[i + 1]!;
      // inside double quotes only the quote, the escape and $ are escaped
      if (quote === '"' && n !== '"' && n !== escape && n !== '$') cur += c;
      cur += n;
      inWord = true;
      i += 2;
      continue;
    }
    if (c === '$') {
      const { value, next } = expandVar(s, i, vars, escape);
      cur += value;
      inWord = true;
      i = next;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else cur += c;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      i++;
      continue;
    }
    if (split && /\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    cur += c;
    inWord = true;
    i++;
  }
  if (quote) throw new InvalidArgumentError(`failed to process "${s}": unexpected end of statement while looking for matching ${quote}`);
  if (inWord) words.push(cur);
  return words;
}

/** One word: quotes and escapes removed, variables expanded, white space kept. */
export function processWord(s: string, vars: Vars, escape = '\\'): string {
  return lex(s, vars, escape, false).join('');
}

/** `k=v k2="v 2"` (or the legacy `k v` form) as pairs, values expanded. */
export function keyValues(rest: string, vars: Vars, escape = '\\', legacy = true): [string, string][] {
  const first = /^\s*([^\s=]+)(\s+|$)/.exec(rest);
  if (legacy && first && !first[1]!.includes('=')) {
    return [[processWord(first[1]!, vars, escape), processWord(rest.slice(first[0].length).trim(), vars, escape)]];
  }
  return processWords(rest, vars, escape).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`key-value pairs must be of the form key=value: "${w}"`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
