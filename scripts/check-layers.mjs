#!/usr/bin/env node
// The dependency-direction lint of DESIGN.md §2. Imports point down only:
//   cli → engine → domain → infra, and any layer may import define, which imports no other layer.
// Only src/cli may print or exit, so elsewhere `console.`, `process.exit`, `process.exitCode`,
// `process.stdout` and `process.stderr` are refused (unit tests beside the code excepted).
// Exits 1 listing every offence as `file:line: …`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// An argument names another tree to check (the lint's own tests use one).
const src = process.argv[2] ? resolve(process.argv[2]) : join(repo, 'src');

/** Rank of each layer: a file may import layers of equal or lower rank, and define. */
const rank = { infra: 0, domain: 1, engine: 2, cli: 3 };

function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The top-level folder under src/ a path belongs to, or undefined outside src/. */
function layerOf(path) {
  const rel = relative(src, path);
  if (rel.startsWith('..') || !rel.includes(sep)) return undefined;
  return rel.split(sep)[0];
}

/**
 * Blanks comments (and, with `strings`, the contents of string and template literals) while
 * keeping every newline, so regexes see only code and line numbers stay right. A `/` starts
 * a regex literal where an operand is expected, the usual heuristic.
 */
function blank(text, strings) {
  let out = '';
  let i = 0;
  let prev = '';
  const keep = (s) => { out += s; };
  const hide = (s) => { out += s.replace(/[^\n]/g, ' '); };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      hide(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      hide(text.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      const body = text.slice(i + 1, j);
      keep(c);
      if (strings) hide(body); else keep(body);
      if (j < text.length) keep(c);
      i = j + 1;
      prev = c;
    } else if (c === '/' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev) || /\breturn\s*$/.test(out.slice(-16)))) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j++;
      }
      keep(c);
      hide(text.slice(i + 1, j));
      if (j < text.length && text[j] === '/') keep('/');
      i = j + 1;
      prev = '/';
    } else {
      keep(c);
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out;
}

// Matched against the text with strings blanked, so only real imports match; the specifier
// is then read from the same offsets of the text that kept its strings.
const importPatterns = [
  // import … from '…' / export … from '…' (also `import type`), spanning lines
  /^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]*)\1/dgm,
  // side-effect import '…'
  /^[ \t]*import\s*(['"])([^'"]*)\1/dgm,
  // dynamic import('…')
  /\bimport\s*\(\s*(['"`])([^'"`]*)\1\s*\)/dg,
];

const bannedOutput = /\bconsole\s*\.|\bprocess\s*\.\s*(?:exit|exitCode|stdout|stderr)\b/g;

function lineAt(text, index) {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function importViolation(fromLayer, toLayer) {
  if (toLayer === undefined || toLayer === fromLayer) return undefined;
  if (fromLayer === 'define') return 'src/define imports no other layer';
  if (toLayer === 'define') return undefined;
  if (!(fromLayer in rank)) return undefined;
  if (!(toLayer in rank)) return `src/${fromLayer} may not import src/${toLayer}, which is not a layer below it`;
  if (rank[toLayer] > rank[fromLayer]) return `src/${fromLayer} may not import src/${toLayer} (imports point down: cli → engine → domain → infra)`;
  return undefined;
}

const problems = [];
let count = 0;
for (const file of tsFiles(src)) {
  count++;
  const text = readFileSync(file, 'utf8');
  const name = relative(process.cwd(), file);
  const layer = layerOf(file);
  const code = blank(text, false);
  const bare = blank(text, true);
  for (const pattern of importPatterns) {
    for (const m of bare.matchAll(pattern)) {
      const [start, end] = m.indices[2];
      const spec = code.slice(start, end);
      if (!spec.startsWith('.')) continue;
      const why = importViolation(layer, layerOf(resolve(dirname(file), spec)));
      if (why) problems.push({ name, line: lineAt(code, start), text: `imports '${spec}': ${why}` });
    }
  }
  if (layer !== 'cli' && !file.endsWith('.test.ts')) {
    for (const m of bare.matchAll(bannedOutput)) {
      problems.push({ name, line: lineAt(bare, m.index), text: `uses ${m[0].replace(/\s+/g, '')}: only src/cli prints or exits` });
    }
  }
}

if (problems.length) {
  problems.sort((a, b) => a.name.localeCompare(b.name) || a.line - b.line);
  const lines = problems.map((p) => `  ${p.name}:${p.line}: ${p.text}\n`).join('');
  process.stderr.write(`check-layers: ${problems.length} problem(s):\n${lines}`);
  process.exit(1);
}
process.stdout.write(`check-layers: ${count} files follow the layer rules\n`);
