/**
 * Reading a TOML configuration file and pulling typed values out of it. Every error is a
 * ConfigError that names the file and, when it can be found, the line:
 * `/etc/containers/containers.conf:12: containers.pids_limit: expected an integer`.
 * Keys nobody asks for are ignored, as Podman ignores unknown keys.
 */
import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import type { TomlTableWithoutBigInt, TomlValueWithoutBigInt } from 'smol-toml';
import { ConfigError } from '../../define/errors.ts';

type Table = TomlTableWithoutBigInt;
type Value = TomlValueWithoutBigInt;

/** Reads and parses `path`; undefined when the file does not exist. */
export function readTomlFile(path: string): TomlSection | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseToml(path, text);
}

/** Parses TOML text that came from `path` (used in messages). */
export function parseToml(path: string, text: string): TomlSection {
  let data: Table;
  try {
    // Keys like __proto__ are dropped so that copying tables into plain objects stays safe.
    data = parse(withoutCommentLines(text), { integersAsBigInt: false, unsafeKeyBehaviour: 'drop' });
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new ConfigError(`${path}:${err.line}: ${reason}`, { cause: err });
    }
    throw err;
  }
  return new TomlSection(path, text, [], data);
}

/**
 * `text` with lines that hold only a comment left empty (lines keep their numbers, for
 * messages). containers.conf ships 24 KB of commented-out defaults, and smol-toml spends
 * ~2 ms of every `run` walking them; empty lines cost it nothing. Text with a multi-line
 * string is left alone: a line in one may start with `#` and still be content.
 */
export function withoutCommentLines(text: string): string {
  if (text.includes('"""') || text.includes("'''")) return text;
  return text.replace(/^[ \t]*#.*$/gm, '');
}

/** One table of a parsed file; `path` is where it sits (`['engine', 'runtimes']`). */
export class TomlSection {
  readonly file: string;
  readonly text: string;
  readonly path: string[];
  readonly data: Table;
  /** For the n-th `[[array]]` table of the same name, to find its lines. */
  readonly occurrence: number;

  constructor(file: string, text: string, path: string[], data: Table, occurrence = 0) {
    this.file = file;
    this.text = text;
    this.path = path;
    this.data = data;
    this.occurrence = occurrence;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.data, key) && this.data[key] !== undefined;
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  /** An error about `key` of this table, located at its line when found. */
  error(key: string | undefined, message: string): ConfigError {
    const line = findLine(this.text, this.path, this.occurrence, key);
    const name = key === undefined ? this.path.join('.') : [...this.path, key].join('.');
    const where = line === undefined ? this.file : `${this.file}:${line}`;
    return new ConfigError(`${where}: ${name ? `${name}: ` : ''}${message}`);
  }

  string(key: string): string | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw this.error(key, `expected a string, got ${describe(v)}`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw this.error(key, `expected a boolean, got ${describe(v)}`);
    return v;
  }

  /** A boolean that storage.conf also lets be written as "true"/"false". */
  boolOrString(key: string): boolean | undefined {
    const v = this.data[key];
    if (v === 'true' || v === 'false') return v === 'true';
    return this.bool(key);
  }

  int(key: string): number | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw this.error(key, `expected an integer, got ${describe(v)}`);
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw this.error(key, `expected an array of strings, got ${describe(v)}`);
    }
    return v as string[];
  }

  table(key: string): TomlSection | undefined {
    const v = this.data[key];
    if (v === undefined) return undefined;
    if (!isTable(v)) throw this.error(key, `expected a table, got ${describe(v)}`);
    return new TomlSection(this.file, this.text, [...this.path, key], v);
  }

  /** An array of tables (`[[registry]]`); `before` counts same-named tables earlier in the file. */
  tables(key: string, before = 0): TomlSection[] {
    const v = this.data[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isTable)) throw this.error(key, `expected an array of tables, got ${describe(v)}`);
    return (v as Table[]).map((t, i) => new TomlSection(this.file, this.text, [...this.path, key], t, before + i));
  }

  /** A table whose values are all strings (`[aliases]`, `[engine.volume_plugins]`). */
  stringMap(key: string): Record<string, string> | undefined {
    const t = this.table(key);
    if (!t) return undefined;
    const out: Record<string, string> = {};
    for (const k of t.keys()) out[k] = t.string(k)!;
    return out;
  }

  /** A table whose values are all string arrays (`[engine.runtimes]`). */
  stringsMap(key: string): Record<string, string[]> | undefined {
    const t = this.table(key);
    if (!t) return undefined;
    const out: Record<string, string[]> = {};
    for (const k of t.keys()) out[k] = t.strings(k)!;
    return out;
  }
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describe(v: Value): string {
  if (Array.isArray(v)) return 'an array';
  if (isTable(v)) return 'a table';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return 'a date';
  return `${typeof v === 'number' ? 'number' : typeof v} ${String(v)}`;
}

const headerRe = /^\s*(\[\[?)\s*([^\]]*?)\s*\]\]?\s*(?:#.*)?$/;

/**
 * Best-effort line (1-based) of `key` in the table at `path` (its `occurrence`-th
 * instance for arrays of tables), or of the table's header when `key` is not found.
 */
function findLine(text: string, path: string[], occurrence: number, key: string | undefined): number | undefined {
  const want = path.join('.');
  const lines = text.split('\n');
  let current = '';
  let seen = -1;
  let headerLine: number | undefined;
  const keyRe = key === undefined ? undefined : new RegExp(`^\\s*(?:${quoteAlternatives(key)})\\s*=`);
  for (let i = 0; i < lines.length; i++) {
    const m = headerRe.exec(lines[i]!);
    if (m) {
      current = m[2]!.split('.').map((p) => p.trim().replace(/^["']|["']$/g, '')).join('.');
      if (current === want) {
        seen++;
        if (seen === occurrence) headerLine = i + 1;
      }
      continue;
    }
    const inTable = current === want && (want === '' || seen === occurrence);
    if (inTable && keyRe?.test(lines[i]!)) return i + 1;
  }
  return headerLine;
}

function quoteAlternatives(key: string): string {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `${k}|"${k}"|'${k}'`;
}
