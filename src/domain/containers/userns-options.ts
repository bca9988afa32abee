/**
 * `--userns`, `--uidmap`, `--gidmap`, `--subuidname` and `--subgidname` as Podman 4.3 reads
 * them (its specgen namespace parsing and containers/storage's ParseIDMap), with its error
 * texts. Pure: what the modes mean for a given host is decided in userns-mappings.ts and the
 * engine.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { IdMapping } from '../../infra/oci/runtime-spec.ts';

/** The flags as given (undefined: not given). */
export interface UsernsFlags {
  userns?: string | undefined;
  uidmap?: readonly string[] | undefined;
  gidmap?: readonly string[] | undefined;
  subuidname?: string | undefined;
  subgidname?: string | undefined;
}

export type UsernsRequest =
  /** the caller's own user namespace (root: the host's; rootless: skiff's) */
  | { kind: 'host' }
  /** rootless: the user's uid/gid (or the given ones) inside */
  | { kind: 'keep-id'; uid?: number; gid?: number }
  /** rootless: the user's own id not mapped at all */
  | { kind: 'nomap' }
  /** a free range of the subordinate ids, `size` ids (else estimated from the image) */
  | { kind: 'auto'; size?: number; uidMappings: IdMapping[]; gidMappings: IdMapping[] }
  /** join the user namespace at `path` */
  | { kind: 'path'; path: string }
  /** join another container's user namespace, taking its mappings (the engine looks it up) */
  | { kind: 'container'; container: string }
  /** `--uidmap`/`--gidmap` and the ranges of `--subuidname`/`--subgidname` (looked up later) */
  | { kind: 'maps'; uidMappings: IdMapping[]; gidMappings: IdMapping[]; subuidName?: string; subgidName?: string };

const uint32Max = 4294967295;

/** Go's strconv.ParseUint(text, 10, 32), with its error text. */
function parseUint32(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (n > uint32Max) throw new InvalidArgumentError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return n;
}

/** containers/storage's ParseIDMap: `container:host:size` triplets (several per entry allowed, `a:b:c:d:e:f`). */
export function parseIdMap(specs: readonly string[], what: 'UID' | 'GID'): IdMapping[] {
  const malformed = () =>
    new InvalidArgumentError(`initializing ID mappings: ${what} setting is malformed expected ["uint32:uint32:uint32"]: [${specs.map((s) => JSON.stringify(s)).join(' ')}]`);
  const out: IdMapping[] = [];
  for (const spec of specs) {
    if (spec === '') continue;
    const parts = spec.split(':');
    if (parts.length % 3 !== 0) throw malformed();
    for (let i = 0; i < parts.length; i += 3) {
      const nums = parts.slice(i, i + 3).map((p) => (/^\d+$/.test(p) && Number(p) <= uint32Max ? Number(p) : NaN));
      if (nums.some((n) => Number.isNaN(n))) throw malformed();
      out.push({ containerID: nums[0]!, hostID: nums[1]!, size: nums[2]! });
    }
  }
  return out;
}

/** `key=value,…` after `auto:` or `keep-id:`, each key checked by `apply`. */
function parseModeOptions(text: string, apply: (key: string, value: string) => void): void {
  for (const o of text.split(',')) {
    const eq = o.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`invalid option specified: ${JSON.stringify(o)}`);
    apply(o.slice(0, eq), o.slice(eq + 1));
  }
}

function unknownOption(key: string): never {
  throw new InvalidArgumentError(`unknown option specified: ${JSON.stringify(key)}`);
}

function parseAuto(options: string | undefined): UsernsRequest {
  const req: { kind: 'auto'; size?: number; uidMappings: IdMapping[]; gidMappings: IdMapping[] } = { kind: 'auto', uidMappings: [], gidMappings: [] };
  if (options === undefined) return req;
  parseModeOptions(options, (key, value) => {
    if (key === 'size') req.size = parseUint32(value);
    else if (key === 'uidmapping') req.uidMappings.push(...parseIdMap([value], 'UID'));
    else if (key === 'gidmapping') req.gidMappings.push(...parseIdMap([value], 'GID'));
    else unknownOption(key);
  });
  return req;
}

function parseKeepId(options: string | undefined): UsernsRequest {
  const req: { kind: 'keep-id'; uid?: number; gid?: number } = { kind: 'keep-id' };
  if (options === undefined) return req;
  parseModeOptions(options, (key, value) => {
    if (key === 'uid') req.uid = parseUint32(value);
    else if (key === 'gid') req.gid = parseUint32(value);
    else unknownOption(key);
  });
  return req;
}

/** `--userns` alone: Podman's ParseUserNamespace. */
function parseMode(value: string, rootless: boolean): UsernsRequest {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  const options = colon < 0 ? undefined : value.slice(colon + 1);
  if (value === '' || value === 'host' || value === 'private') return { kind: 'host' };
  if (name === 'auto') return parseAuto(options);
  if (name === 'keep-id') {
    const req = parseKeepId(options);
    if (!rootless) throw new InvalidArgumentError('keep-id is only supported in rootless mode');
    return req;
  }
  if (value === 'nomap') {
    if (!rootless) throw new InvalidArgumentError('nomap is only supported in rootless mode');
    return { kind: 'nomap' };
  }
  if (name === 'ns' && options) return { kind: 'path', path: options };
  if (name === 'container' && options) return { kind: 'container', container: options };
  throw new InvalidArgumentError(`unrecognized namespace mode ${value} passed`);
}

/**
 * `--userns` when the flag is absent or empty (the CLI has already put PODMAN_USERNS there,
 * the flag's default): containers.conf's `userns`, whose `host` and `private` mean no
 * namespace of the container's own. A mapping flag makes its own namespace: no default then.
 */
export function defaultUserns(f: UsernsFlags, conf: string | undefined): string | undefined {
  if (f.userns || f.uidmap?.length || f.gidmap?.length || f.subuidname || f.subgidname) return f.userns;
  return conf && conf !== 'host' && conf !== 'private' ? conf : f.userns;
}

/**
 * The request the flags make. Podman's rules: `--userns` excludes the other four; a
 * `--uidmap` without `--gidmap` serves for both (and the other way round), as does a
 * `--subuidname` without `--subgidname`.
 */
export function parseUsernsFlags(f: UsernsFlags, rootless: boolean): UsernsRequest {
  const maps = !!f.uidmap?.length || !!f.gidmap?.length || !!f.subuidname || !!f.subgidname;
  if (f.userns !== undefined && f.userns !== '' && maps) {
    throw new InvalidArgumentError('--userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive');
  }
  if (!maps) return parseMode(f.userns ?? '', rootless);
  const uidSpecs = f.uidmap?.length ? f.uidmap : (f.gidmap ?? []);
  const gidSpecs = f.gidmap?.length ? f.gidmap : (f.uidmap ?? []);
  const subuidName = f.subuidname || f.subgidname;
  const subgidName = f.subgidname || f.subuidname;
  return {
    kind: 'maps',
    uidMappings: parseIdMap(uidSpecs, 'UID'),
    gidMappings: parseIdMap(gidSpecs, 'GID'),
    ...(subuidName ? { subuidName } : {}),
    ...(subgidName ? { subgidName } : {}),
  };
}
