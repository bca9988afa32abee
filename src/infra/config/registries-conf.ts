/**
 * registries.conf (containers-registries.conf(5)) and its drop-ins
 * (containers-registries.conf.d(5)), merged as containers/image does:
 *
 * - the main file may be in the deprecated V1 format (`[registries.search]`, `.insecure`,
 *   `.block`), converted to V2; drop-ins must be V2; mixing both in one file is an error;
 * - a later file's `unqualified-search-registries`, `short-name-mode` and
 *   `credential-helpers` replace earlier ones when it sets them; `[[registry]]` tables
 *   replace earlier ones with the same prefix and add the others (kept sorted by prefix);
 *   `[aliases]` entries override one by one, and an empty value erases an alias;
 * - the machine-written short-name-aliases.conf (its `[aliases]` only) wins over all.
 */
import { ConfigError } from '../../define/errors.ts';
import { registriesConfPaths } from './paths.ts';
import type { ConfigOptions } from './paths.ts';
import { readTomlFile } from './toml-file.ts';
import type { TomlSection } from './toml-file.ts';

export type ShortNameMode = 'enforcing' | 'permissive' | 'disabled';
export type PullFromMirror = 'all' | 'digest-only' | 'tag-only';

/** Where images of a namespace are fetched from. */
export interface Endpoint {
  /** host[:port][/namespace…]; '' only for a wildcard prefix (no rewriting). */
  location: string;
  insecure: boolean;
  /** Mirrors only: which pulls may use this mirror (unset means all). */
  pullFromMirror?: PullFromMirror;
}

/** One `[[registry]]` table. */
export interface Registry extends Endpoint {
  /** The namespace of image names this entry applies to (may be `*.example.com`). */
  prefix: string;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: Endpoint[];
}

export interface ShortNameAlias {
  /** Fully-qualified repository, without tag or digest. */
  value: string;
  /** The file that defined it (Podman names it when resolving). */
  origin: string;
}

export interface RegistriesConf {
  unqualifiedSearchRegistries: string[];
  /** The file that set the search registries (the main file when none did). */
  unqualifiedSearchRegistriesOrigin: string;
  shortNameMode: ShortNameMode;
  /** Unique prefixes, sorted by prefix. */
  registries: Registry[];
  aliases: Record<string, ShortNameAlias>;
  /** Where newly chosen short-name aliases are recorded. */
  shortNameAliasesPath: string;
  credentialHelpers: string[];
  /** The files that were read, in order. */
  files: string[];
}

/** What one file says; unset fields leave earlier files' values alone. */
interface ParsedFile {
  unqualifiedSearchRegistries?: string[];
  shortNameMode?: ShortNameMode;
  credentialHelpers?: string[];
  registries: Registry[];
  /** '' erases the alias. */
  aliases: Record<string, string>;
}

export function loadRegistriesConf(opts: ConfigOptions = {}): RegistriesConf {
  const paths = registriesConfPaths(opts);
  const conf: RegistriesConf = {
    unqualifiedSearchRegistries: [],
    unqualifiedSearchRegistriesOrigin: paths.main,
    shortNameMode: 'permissive',
    registries: [],
    aliases: {},
    shortNameAliasesPath: paths.shortNameAliases,
    credentialHelpers: [],
    files: [],
  };
  const main = readTomlFile(paths.main);
  if (!main && paths.explicit) {
    throw new ConfigError(`CONTAINERS_REGISTRIES_CONF file: ${paths.main}: no such file or directory`);
  }
  if (main) merge(conf, parseRegistriesFile(main, false), paths.main);
  for (const path of paths.dropIns) {
    const file = readTomlFile(path);
    if (file) merge(conf, parseRegistriesFile(file, true), path);
  }
  if (conf.credentialHelpers.length === 0) conf.credentialHelpers = ['containers-auth.json'];
  const cache = readTomlFile(paths.shortNameAliases);
  if (cache) {
    const aliases = parseAliases(cache);
    applyAliases(conf, aliases, paths.shortNameAliases);
    conf.files.push(paths.shortNameAliases);
  }
  return conf;
}

function merge(conf: RegistriesConf, parsed: ParsedFile, origin: string): void {
  conf.files.push(origin);
  if (parsed.unqualifiedSearchRegistries) {
    conf.unqualifiedSearchRegistries = parsed.unqualifiedSearchRegistries;
    conf.unqualifiedSearchRegistriesOrigin = origin;
  }
  if (parsed.shortNameMode) conf.shortNameMode = parsed.shortNameMode;
  if (parsed.credentialHelpers) conf.credentialHelpers = parsed.credentialHelpers;
  const byPrefix = new Map(conf.registries.map((r) => [r.prefix, r]));
  for (const r of parsed.registries) byPrefix.set(r.prefix, r);
  conf.registries = [...byPrefix.keys()].sort(byteOrder).map((p) => byPrefix.get(p)!);
  applyAliases(conf, parsed.aliases, origin);
}

function applyAliases(conf: RegistriesConf, aliases: Record<string, string>, origin: string): void {
  for (const [name, value] of Object.entries(aliases)) {
    if (value === '') delete conf.aliases[name];
    else conf.aliases[name] = { value, origin };
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const v2Keys = ['unqualified-search-registries', 'registry', 'short-name-mode', 'aliases', 'credential-helpers'];

/** One file, V1 converted to V2; `forceV2` for drop-ins. */
function parseRegistriesFile(file: TomlSection, forceV2: boolean): ParsedFile {
  const v1 = file.table('registries');
  if (v1 && ['search', 'insecure', 'block'].some((k) => v1.has(k))) {
    if (forceV2) throw file.error(undefined, 'registry must be in v2 format but is in v1');
    if (v2Keys.some((k) => file.has(k))) throw file.error(undefined, 'mixing sysregistry v1/v2 is not supported');
    return convertV1(v1);
  }

  const parsed: ParsedFile = { registries: [], aliases: parseAliases(file) };
  const search = file.strings('unqualified-search-registries');
  if (search) {
    parsed.unqualifiedSearchRegistries = search.map((s) => {
      const host = parseLocation(file, 'unqualified-search-registries', s);
      if (!domainRe.test(host)) {
        throw file.error('unqualified-search-registries', `invalid unqualified-search-registries entry ${JSON.stringify(s)}`);
      }
      return host;
    });
  }
  const mode = file.string('short-name-mode');
  if (mode) {
    if (mode !== 'enforcing' && mode !== 'permissive' && mode !== 'disabled') {
      throw file.error('short-name-mode', `invalid short-name mode: ${JSON.stringify(mode)}`);
    }
    parsed.shortNameMode = mode;
  }
  const helpers = file.strings('credential-helpers');
  if (helpers) parsed.credentialHelpers = helpers;

  let mirrorsBefore = 0;
  const byPrefix = new Map<string, Registry>();
  for (const t of file.tables('registry')) {
    const registry = parseRegistry(t, mirrorsBefore);
    mirrorsBefore += t.tables('mirror').length;
    const same = [...byPrefix.values()].find((r) => (r.location || r.prefix) === (registry.location || registry.prefix));
    if (same && (same.insecure !== registry.insecure || same.blocked !== registry.blocked)) {
      const what = same.insecure !== registry.insecure ? 'insecure' : 'blocked';
      throw t.error(undefined, `registry '${registry.location}' is defined multiple times with conflicting '${what}' setting`);
    }
    // The first table with a prefix wins, as containers/image keeps it.
    if (!byPrefix.has(registry.prefix)) byPrefix.set(registry.prefix, registry);
  }
  parsed.registries = [...byPrefix.keys()].sort(byteOrder).map((p) => byPrefix.get(p)!);
  return parsed;
}

function parseRegistry(t: TomlSection, mirrorsBefore: number): Registry {
  const location = parseLocation(t, 'location', t.string('location') ?? '');
  let prefix = t.string('prefix');
  if (prefix === undefined || prefix === '') {
    if (location === '') throw t.error(undefined, 'invalid condition: both location and prefix are unset');
    prefix = location;
  } else {
    prefix = parseLocation(t, 'prefix', prefix);
    if (!prefix.startsWith('*.') && location === '') {
      throw t.error('prefix', 'invalid condition: location is unset and prefix is not in the format: *.example.com');
    }
    if (prefix.includes('*') && !/^\*\.[^*/:@]+$/.test(prefix)) {
      throw t.error('prefix', `invalid prefix ${JSON.stringify(prefix)}: a wildcard is only allowed as *.example.com`);
    }
  }
  if (t.has('pull-from-mirror')) {
    throw t.error('pull-from-mirror', `pull-from-mirror must not be set for a non-mirror registry ${JSON.stringify(prefix)}`);
  }
  const mirrorByDigestOnly = t.bool('mirror-by-digest-only') ?? false;
  const mirrors = t.tables('mirror', mirrorsBefore).map((m): Endpoint => {
    const loc = parseLocation(m, 'location', m.string('location') ?? '');
    if (loc === '') throw m.error(undefined, 'invalid condition: mirror location is unset');
    const mirror: Endpoint = { location: loc, insecure: m.bool('insecure') ?? false };
    const pull = m.string('pull-from-mirror');
    if (pull) {
      if (mirrorByDigestOnly) {
        throw m.error(
          'pull-from-mirror',
          `cannot set mirror usage mirror-by-digest-only for the registry (${JSON.stringify(prefix)}) ` +
            `and pull-from-mirror for per-mirror (${JSON.stringify(loc)}) at the same time`,
        );
      }
      if (pull !== 'all' && pull !== 'digest-only' && pull !== 'tag-only') {
        const what = `unsupported pull-from-mirror value ${JSON.stringify(pull)} for mirror ${JSON.stringify(loc)}`;
        throw m.error('pull-from-mirror', what);
      }
      mirror.pullFromMirror = pull;
    }
    return mirror;
  });
  return {
    prefix,
    location,
    insecure: t.bool('insecure') ?? false,
    blocked: t.bool('blocked') ?? false,
    mirrorByDigestOnly,
    mirrors,
  };
}

/** V1 lists → one V2 registry per location, in order of first mention. */
function convertV1(v1: TomlSection): ParsedFile {
  const list = (name: string): [TomlSection, string[]] | undefined => {
    const t = v1.table(name);
    return t ? [t, t.strings('registries') ?? []] : undefined;
  };
  const order: string[] = [];
  const byLocation = new Map<string, Registry>();
  const entry = (t: TomlSection, raw: string): Registry => {
    const location = parseLocation(t, 'registries', raw);
    let r = byLocation.get(location);
    if (!r) {
      r = { prefix: location, location, insecure: false, blocked: false, mirrorByDigestOnly: false, mirrors: [] };
      byLocation.set(location, r);
      order.push(location);
    }
    return r;
  };
  const block = list('block');
  if (block) for (const loc of block[1]) entry(block[0], loc).blocked = true;
  const insecure = list('insecure');
  if (insecure) for (const loc of insecure[1]) entry(insecure[0], loc).insecure = true;
  const search = list('search');
  return {
    ...(search ? { unqualifiedSearchRegistries: search[1] } : {}),
    registries: order.sort(byteOrder).map((l) => byLocation.get(l)!),
    aliases: {},
  };
}

/** Trailing slashes dropped; URL schemes refused, as containers/image does. */
function parseLocation(t: TomlSection, key: string, input: string): string {
  const trimmed = input.replace(/\/+$/, '');
  if (/^https?:\/\//.test(trimmed)) throw t.error(key, `invalid location '${input}': URI schemes are not supported`);
  return trimmed;
}

const component = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const domainRe = new RegExp(`^(?:${component}(?:\\.${component})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const pathRe = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);

/** `[aliases]`, validated: short names on the left, fully-qualified repositories (or '') on the right. */
function parseAliases(file: TomlSection): Record<string, string> {
  const aliases = file.stringMap('aliases') ?? {};
  const table = file.table('aliases');
  for (const [name, value] of Object.entries(aliases)) {
    const nameProblem = shortNameProblem(name);
    if (nameProblem) throw table!.error(name, `invalid short name ${JSON.stringify(name)}: ${nameProblem}`);
    if (value !== '' && !isQualifiedRepository(value)) {
      const what = 'must contain registry and repository, without tag or digest';
      throw table!.error(name, `invalid alias ${JSON.stringify(value)}: ${what}`);
    }
  }
  return aliases;
}

function shortNameProblem(name: string): string | undefined {
  if (name.includes('@') || name.slice(name.lastIndexOf('/') + 1).includes(':')) return 'must not contain a tag or digest';
  const slash = name.indexOf('/');
  if (slash > 0 && isDomain(name.slice(0, slash))) return 'must not contain a registry domain';
  if (!pathRe.test(name)) return 'invalid reference format';
  return undefined;
}

function isQualifiedRepository(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash <= 0) return false;
  const domain = value.slice(0, slash);
  return isDomain(domain) && domainRe.test(domain) && pathRe.test(value.slice(slash + 1));
}

/** Whether the first component of a name is a registry host (as the Docker reference grammar decides). */
function isDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}
