/**
 * `.containerignore` / `.dockerignore` (containerignore(5)): one pattern a line, `#`
 * comments, `!` exceptions; the last pattern that matches a path decides. A pattern matches
 * a path or any of its parent directories; `*` and `?` stay within one component, `**`
 * spans any number of them.
 */
import path from 'node:path';

interface Rule {
  re: RegExp;
  exception: boolean;
}

function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseIgnoreFile(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    line = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (line === '' || line === '.') continue;
    rules.push({ re: patternToRegExp(line), exception });
  }
  return rules;
}

/** Whether the context-relative path (`a/b`) is left out of the build. */
export function isIgnored(rules: readonly Rule[], rel: string): boolean {
  const clean = path.posix.normalize(rel).replace(/^\.\/?/, '').replace(/\/+$/, '');
  if (clean === '' || rules.length === 0) return false;
  const parts = clean.split('/');
  let ignored = false;
  for (const rule of rules) {
    let hit = false;
    for (let n = 1; n <= parts.length && !hit; n++) hit = rule.re.test(parts.slice(0, n).join('/'));
    if (hit) ignored = !rule.exception;
  }
  return ignored;
}
