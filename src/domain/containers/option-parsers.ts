/**
 * Parsers for the free-text values of `create`/`run` flags, with Podman 4.3's rules and
 * error wording: sizes, key=value lists, env and label files, restart policies, log
 * options, the entrypoint and the container name.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { RestartPolicy } from './model.ts';
import { isValidObjectName } from '../object-names.ts';

const sizeUnits: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** docker/go-units RAMInBytes: `512m`, `1.5g`, `65536k`, `100` (bytes); binary units. */
export function parseRamSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpPbB]?)(?:[iI]?[bB])?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${text}'`);
  return Math.trunc(Number(m[1]) * sizeUnits[(m[2] || 'b').toLowerCase()]!);
}

/** docker/go-units FromHumanSize: decimal units (`65536k` is 65536000 bytes), as Podman reads --shm-size. */
export function parseHumanSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpP]?)[bB]?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`invalid size: '${text}'`);
  return Math.trunc(Number(m[1]) * 1000 ** ' kmgtp'.indexOf((m[2] || ' ').toLowerCase()));
}

/** A size flag, Podman's wording on failure: `invalid value for memory: invalid size: '12zz'`. */
export function parseSizeFlag(what: string, text: string): number {
  try {
    return parseRamSize(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid value for ${what}: ${(err as Error).message}`);
  }
}

/** `--memory-swap`: a size, or -1 for unlimited. */
export function parseMemorySwap(text: string): number {
  return text.trim() === '-1' ? -1 : parseSizeFlag('memory-swap', text);
}

/** Lines of an env or label file: comments (`#`) and blank lines skipped, leading spaces trimmed. */
export function readLinesFile(path: string, what: 'env' | 'label'): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`open ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    if (what === 'env' && line.startsWith('=')) throw new InvalidArgumentError(`invalid environment variable: ${JSON.stringify(line)}`);
    out.push(line);
  }
  return out;
}

/** `key=value` (or a bare `key`, value '') entries into a map; later ones win. */
export function parseKeyValues(entries: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (key === '') throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(entry)}: empty key`);
    out[key] = eq < 0 ? '' : entry.slice(eq + 1);
  }
  return out;
}

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestartPolicy(text: string): RestartPolicy {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const retries = colon < 0 ? undefined : text.slice(colon + 1);
  if (!['', 'no', 'always', 'on-failure', 'unless-stopped'].includes(name)) {
    throw new InvalidArgumentError(`running container create option: ${JSON.stringify(name)} is not a valid restart policy: invalid argument`);
  }
  if (retries === undefined) return { name: name as RestartPolicy['name'], maxRetries: 0 };
  if (name !== 'on-failure') throw new InvalidArgumentError('restart policy retries can only be specified with on-failure restart policy');
  if (!/^-?\d+$/.test(retries)) throw new InvalidArgumentError(`parsing restart policy retry count: strconv.Atoi: parsing ${JSON.stringify(retries)}: invalid syntax`);
  const n = Number(retries);
  if (n < 0) throw new InvalidArgumentError('must specify restart policy retry count as a number greater than 0');
  return { name: 'on-failure', maxRetries: n };
}

export const logDrivers = ['k8s-file', 'journald', 'none', 'passthrough'];

/** `--log-driver`; Docker's json-file is an alias of k8s-file. */
export function parseLogDriver(text: string): string {
  const driver = text === 'json-file' ? 'k8s-file' : text;
  if (!logDrivers.includes(driver)) throw new InvalidArgumentError('running container create option: invalid log driver: invalid argument');
  return driver;
}

/** `--log-opt name=value`: path, max-size, tag (others are kept for the driver). */
export function parseLogOpts(opts: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const opt of opts) {
    const eq = opt.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`invalid log option ${JSON.stringify(opt)}`);
    out[opt.slice(0, eq)] = opt.slice(eq + 1);
  }
  if (out['max-size'] !== undefined) {
    try {
      parseHumanSize(out['max-size']);
    } catch (err) {
      throw new InvalidArgumentError(`invalid value for log-opt max-size: ${(err as Error).message}`);
    }
  }
  return out;
}

/** `--entrypoint`: a JSON array of strings, or else one command; '' clears the image's. */
export function parseEntrypoint(text: string): string[] {
  if (text === '') return [];
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
    } catch {
      // not JSON: the whole text is the command, as Podman takes it
    }
  }
  return [text];
}

export function checkContainerName(name: string): void {
  if (!isValidObjectName(name)) throw new InvalidArgumentError('running container create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
}

/** `--stop-timeout`, `--timeout`, `-t`: whole seconds, not negative. */
export function checkSeconds(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`invalid argument "${value}" for "--${flag}" flag: strconv.ParseUint: parsing "${value}": invalid syntax`);
  return value;
}
