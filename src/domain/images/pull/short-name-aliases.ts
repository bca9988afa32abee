/**
 * Recording the registry a user picked for a short name, in the machine-written
 * short-name-aliases.conf, as containers/image's sysregistriesv2.AddShortNameAlias does: the
 * file's `[aliases]` are read (anything else in it is dropped), the alias is set, and the
 * file is written back formatted as Go's TOML encoder formats it. A lock file beside it
 * (`….conf.lock`, as containers/image names it) serialises writers; the write itself is
 * atomic, so readers never see half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readTomlFile } from '../../../infra/config/toml-file.ts';
import { FileLock } from '../../../infra/sys/flock.ts';

/** Sets `name` = `value` (a repository without tag or digest) in the aliases file `file`. */
export function recordShortNameAlias(file: string, name: string, value: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const lock = FileLock.acquire(`${file}.lock`);
  try {
    const aliases = { ...(readTomlFile(file)?.stringMap('aliases') ?? {}), [name]: value };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, formatAliases(aliases), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } finally {
    lock.release();
  }
}

/** `[aliases]` with one indented `key = "value"` line per alias, keys sorted and quoted only when not bare. */
export function formatAliases(aliases: Record<string, string>): string {
  const lines = Object.keys(aliases)
    .sort()
    .map((key) => `  ${/^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key)} = ${tomlString(aliases[key]!)}\n`);
  return `[aliases]\n${lines.join('')}`;
}

function tomlString(s: string): string {
  const escaped = s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}
