/**
 * The tokens of Go's text/template (text, `{{ }}` actions with `{{- -}}` trim markers,
 * comments), produced as text/template/parse's lexer produces them.
 */

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'identifier' | 'field' | 'variable'
  | 'string' | 'rawString' | 'char' | 'charConstant' | 'number' | 'bool' | 'nil' | 'dot'
  | 'pipe' | 'leftParen' | 'rightParen' | 'declare' | 'assign' | 'eof' | 'error'
  // keywords
  | 'range' | 'if' | 'else' | 'end' | 'with' | 'break' | 'continue' | 'define' | 'template' | 'block';

export interface Item {
  type: ItemType;
  val: string;
  /** Offset in the template text (UTF-16 units; Go counts bytes, equal for ASCII). */
  pos: number;
  line: number;
}

const keywords: Record<string, ItemType> = {
  '.': 'dot', block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else',
  end: 'end', if: 'if', range: 'range', nil: 'nil', template: 'template', with: 'with',
};

const keywordTypes = new Set(Object.values(keywords));

/** Keywords (and `.` and `nil`, which Go lexes as keywords) print as <name> in errors. */
export function isKeyword(type: ItemType): boolean {
  return keywordTypes.has(type);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (type: ItemType): void => {
    items.push({ type, val: input.slice(start, pos), pos: start, line: startLine });
    start = pos;
    startLine = line;
  };
  // `advance` counts newlines as it moves; skipping input only moves the item start.
  const ignore = (): void => {
    start = pos;
    startLine = line;
  };
  const fail = (message: string): Item[] => {
    items.push({ type: 'error', val: message, pos: start, line: startLine });
    return items;
  };
  const advance = (n: number): void => {
    line += countNewlines(input.slice(pos, pos + n));
    pos += n;
  };
  const hasLeftTrim = (at: number): boolean => input[at] === '-' && isSpace(input[at + 1]);
  const hasRightTrim = (at: number): boolean => isSpace(input[at]) && input[at + 1] === '-';
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrim(pos) && input.startsWith('}}', pos + 2)) return { delim: true, trim: true };
    return { delim: input.startsWith('}}', pos), trim: false };
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    return c === undefined || isSpace(c) || '.,|:()'.includes(c) || input.startsWith('}}', pos);
  };
  const skipLeadingSpace = (): void => {
    let n = 0;
    while (isSpace(input[pos + n])) n++;
    advance(n);
    ignore();
  };

  for (;;) {
    // Text up to the next action.
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      items.push({ type: 'eof', val: '', pos, line });
      return items;
    }
    if (x > pos) {
      advance(x - pos);
      let end = pos;
      if (hasLeftTrim(x + 2)) while (end > start && isSpace(input[end - 1])) end--;
      if (end > start) items.push({ type: 'text', val: input.slice(start, end), pos: start, line: startLine });
      ignore();
    }
    // The left delimiter, or a comment.
    const afterMarker = hasLeftTrim(pos + 2) ? 2 : 0;
    if (input.startsWith('/*', pos + 2 + afterMarker)) {
      advance(2 + afterMarker);
      ignore();
      const close = input.indexOf('*/', pos + 2);
      if (close < 0) return fail('unclosed comment');
      advance(close + 2 - pos);
      const { delim, trim } = atRightDelim();
      if (!delim) return fail('comment ends before closing delimiter');
      advance((trim ? 2 : 0) + 2);
      ignore();
      if (trim) skipLeadingSpace();
      continue;
    }
    advance(2);
    emit('leftDelim');
    advance(afterMarker);
    ignore();
    parenDepth = 0;
    // Inside the action.
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        if (trim) {
          advance(2);
          ignore();
        }
        advance(2);
        emit('rightDelim');
        if (trim) skipLeadingSpace();
        break;
      }
      const c = input[pos];
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        let n = 0;
        while (isSpace(input[pos + n])) n++;
        // A trim-marked closing delimiter starts with a space: leave that space to it.
        if (hasRightTrim(pos + n - 1) && input.startsWith('}}', pos + n + 1)) {
          if (n === 1) continue;
          advance(n - 1);
        } else {
          advance(n);
        }
        emit('space');
        continue;
      }
      advance(1);
      if (c === '=') emit('assign');
      else if (c === ':') {
        if (input[pos] !== '=') return fail('expected :=');
        advance(1);
        emit('declare');
      } else if (c === '|') emit('pipe');
      else if (c === '"' || c === '`' || c === "'") {
        const error = scanQuote(c);
        if (error) return fail(error);
        emit(c === '"' ? 'string' : c === '`' ? 'rawString' : 'charConstant');
      } else if (c === '$' || (c === '.' && !/[0-9]/.test(input[pos] ?? ''))) {
        if (!atTerminator()) {
          while (isAlphaNumeric(input[pos])) advance(1);
          if (!atTerminator()) return fail(`bad character ${unicodeName(input[pos]!)}`);
          emit(c === '$' ? 'variable' : 'field');
        } else {
          emit(c === '$' ? 'variable' : 'dot');
        }
      } else if (c === '.' || c === '+' || c === '-' || /[0-9]/.test(c)) {
        pos--;
        if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit('number');
      } else if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(input[pos])) advance(1);
        if (!atTerminator()) return fail(`bad character ${unicodeName(input[pos]!)}`);
        const word = input.slice(start, pos);
        if (Object.hasOwn(keywords, word)) emit(keywords[word]!);
        else emit(word === 'true' || word === 'false' ? 'bool' : 'identifier');
      } else if (c === '(') {
        parenDepth++;
        emit('leftParen');
      } else if (c === ')') {
        emit('rightParen');
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${unicodeName(c)}`);
      } else if (c.charCodeAt(0) < 0x7f && c >= ' ') {
        emit('char');
      } else {
        return fail(`unrecognized character in action: ${unicodeName(c)}`);
      }
    }
  }

  function scanQuote(q: string): string | undefined {
    for (;;) {
      const c = input[pos];
      if (q === '`') {
        if (c === undefined) return 'unterminated raw quoted string';
        advance(1);
        if (c === '`') return undefined;
        continue;
      }
      if (c === '\\' && input[pos + 1] !== undefined && input[pos + 1] !== '\n') {
        pos += 2;
        continue;
      }
      if (c === undefined || c === '\n' || c === '\\') {
        return q === '"' ? 'unterminated quoted string' : 'unterminated character constant';
      }
      pos++;
      if (c === q) return undefined;
    }
  }

  function scanNumber(): boolean {
    const accept = (set: string): boolean => {
      if (input[pos] !== undefined && set.includes(input[pos]!)) {
        pos++;
        return true;
      }
      return false;
    };
    const acceptRun = (set: string): void => {
      while (accept(set));
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(input[pos])) {
      pos++;
      return false;
    }
    return true;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/** Go's %#U: U+0041 'A'. */
function unicodeName(c: string): string {
  const r = c.codePointAt(0)!;
  return `U+${r.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}
