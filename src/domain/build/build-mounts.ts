/**
 * `RUN --mount=…` and `RUN --network=…` as Buildah 1.28 reads them (Containerfile(5), its
 * internal/parse GetBindMount/GetCacheMount/GetTmpfsMount and getSecretMount): fields are
 * comma-separated `key[=value]`, a relative target is taken from the working directory, and
 * an unknown field is an error rather than ignored. Pure: the engine (build-mounts-setup.ts)
 * turns these into host directories and container mounts.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../define/errors.ts';

interface MountBase {
  /** absolute path in the container */
  target: string;
}

/** A directory or file of the build context, or of a stage's or image's root (`from`). */
export interface BindRunMount extends MountBase {
  type: 'bind';
  /** path inside the context or `from`'s root ('' for its root) */
  source: string;
  from?: string;
  /** writes are allowed but thrown away after the step */
  readWrite: boolean;
  /** bind-propagation and bind-nonrecursive, as the container's --mount takes them */
  extra: string[];
}

/** A directory kept between builds in skiff's store (or a stage's root with `from`). */
export interface CacheRunMount extends MountBase {
  type: 'cache';
  /** the cache's name; the target unless given */
  id: string;
  /** with `from`: the path inside the stage */
  source: string;
  from?: string;
  /** locked and private: one RUN at a time uses the cache */
  sharing: 'shared' | 'locked' | 'private';
  readOnly: boolean;
  /** for a cache directory created now */
  mode: number;
  uid: number;
  gid: number;
}

export interface TmpfsRunMount extends MountBase {
  type: 'tmpfs';
  /** bytes, or with a k/m/g suffix */
  size?: string;
  /** octal */
  mode?: string;
  readOnly: boolean;
}

/** A `--secret` of the build, as a read-only file. */
export interface SecretRunMount extends MountBase {
  type: 'secret';
  id: string;
  /** fail when the build has no such secret (else the mount is skipped) */
  required: boolean;
  mode: number;
  uid: number;
  gid: number;
}

/** An `--ssh` agent of the build, as a socket; SSH_AUTH_SOCK names the first one. */
export interface SshRunMount extends MountBase {
  type: 'ssh';
  /** the `--ssh` id */
  id: string;
  /** fail when the build has no such agent (else the mount is skipped) */
  required: boolean;
  mode: number;
  uid: number;
  gid: number;
}

export type RunMount = BindRunMount | CacheRunMount | TmpfsRunMount | SecretRunMount | SshRunMount;

/** Splits on commas outside double quotes (Docker reads --mount as one CSV record). */
export function splitFields(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new InvalidArgumentError(`invalid mount syntax ${JSON.stringify(text)}: unterminated quote`);
  out.push(cur);
  return out;
}

function parseBool(key: string, value: string | undefined): boolean {
  if (value === undefined || /^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new InvalidArgumentError(`${key}=${value}: invalid boolean value`);
}

function parseOctal(key: string, value: string | undefined): number {
  if (value === undefined || !/^[0-7]{1,4}$/.test(value)) throw new InvalidArgumentError(`unable to parse ${key} ${JSON.stringify(value ?? '')}: not an octal mode`);
  return parseInt(value, 8);
}

function parseId(key: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError(`unable to parse ${key} ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

function needValue(key: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new InvalidArgumentError(`${key}: invalid mount option: a value is required`);
  return value;
}

function targetPath(value: string | undefined, workdir: string): string {
  const v = needValue('target', value);
  return posix.resolve(workdir || '/', v);
}

/**
 * One `--mount=` value. `workdir` is the step's working directory, for relative targets.
 * The type defaults to bind, as in Docker.
 */
/**
 * One `--mount` value. `sshIndex` numbers the RUN's ssh mounts, whose default target is
 * `/run/buildkit/ssh_agent.<n>` as in Buildah and BuildKit.
 */
export function parseRunMount(text: string, workdir: string, sshIndex = 0): RunMount {
  const fields = splitFields(text).filter((f) => f !== '');
  const kv = fields.map((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? { key: f, value: undefined } : { key: f.slice(0, eq), value: f.slice(eq + 1) };
  });
  const type = kv.find((f) => f.key === 'type')?.value ?? 'bind';
  const rest = kv.filter((f) => f.key !== 'type');
  const bad = (key: string): never => {
    throw new InvalidArgumentError(`${key}: invalid mount option for type=${type}`);
  };
  let target: string | undefined;
  const isTarget = (key: string): boolean => key === 'target' || key === 'dst' || key === 'destination';
  switch (type) {
    case 'bind': {
      const m: Omit<BindRunMount, 'target'> = { type: 'bind', source: '', readWrite: false, extra: [] };
      for (const { key, value } of rest) {
        if (isTarget(key)) target = targetPath(value, workdir);
        else if (key === 'src' || key === 'source') m.source = value ?? '';
        else if (key === 'from') m.from = needValue(key, value);
        else if (key === 'rw' || key === 'readwrite') m.readWrite = parseBool(key, value);
        else if (key === 'ro' || key === 'readonly') m.readWrite = !parseBool(key, value);
        else if (key === 'bind-propagation') m.extra.push(`bind-propagation=${needValue(key, value)}`);
        else if (key === 'bind-nonrecursive') m.extra.push('bind-nonrecursive');
        else if (key !== 'consistency') bad(key);
      }
      if (target === undefined) throw new InvalidArgumentError('must set volume destination: a bind mount needs target=');
      return { ...m, target };
    }
    case 'cache': {
      const m: Omit<CacheRunMount, 'target' | 'id'> & { id?: string } = { type: 'cache', source: '', sharing: 'shared', readOnly: false, mode: 0o755, uid: 0, gid: 0 };
      for (const { key, value } of rest) {
        if (isTarget(key)) target = targetPath(value, workdir);
        else if (key === 'id') m.id = needValue(key, value);
        else if (key === 'src' || key === 'source') m.source = value ?? '';
        else if (key === 'from') m.from = needValue(key, value);
        else if (key === 'sharing') {
          if (value !== 'shared' && value !== 'locked' && value !== 'private') throw new InvalidArgumentError(`unrecognized value ${JSON.stringify(value ?? '')} for field \`sharing\``);
          m.sharing = value;
        } else if (key === 'ro' || key === 'readonly') m.readOnly = parseBool(key, value);
        else if (key === 'rw' || key === 'readwrite') m.readOnly = !parseBool(key, value);
        else if (key === 'mode') m.mode = parseOctal('cache mode', value);
        else if (key === 'uid') m.uid = parseId('cache uid', value);
        else if (key === 'gid') m.gid = parseId('cache gid', value);
        else bad(key);
      }
      if (target === undefined) throw new InvalidArgumentError('must set volume destination: a cache mount needs target=');
      return { ...m, id: m.id ?? target, target };
    }
    case 'tmpfs': {
      const m: Omit<TmpfsRunMount, 'target'> = { type: 'tmpfs', readOnly: false };
      for (const { key, value } of rest) {
        if (isTarget(key)) target = targetPath(value, workdir);
        else if (key === 'size' || key === 'tmpfs-size') {
          const size = needValue(key, value);
          if (!/^\d+[kmgKMG]?[bB]?$/.test(size)) throw new InvalidArgumentError(`${key}=${size}: invalid size`);
          m.size = size;
        } else if (key === 'mode' || key === 'tmpfs-mode') m.mode = parseOctal('tmpfs mode', value).toString(8);
        else if (key === 'ro' || key === 'readonly') m.readOnly = parseBool(key, value);
        else if (key === 'rw' || key === 'readwrite') m.readOnly = !parseBool(key, value);
        else if (key === 'src' || key === 'source') throw new InvalidArgumentError('source is not supported with tmpfs mounts');
        else bad(key);
      }
      if (target === undefined) throw new InvalidArgumentError('must set volume destination: a tmpfs mount needs target=');
      return { ...m, target };
    }
    case 'secret': {
      let id: string | undefined;
      const m = { required: false, mode: 0o400, uid: 0, gid: 0 };
      for (const { key, value } of rest) {
        if (isTarget(key)) target = targetPath(value, workdir);
        else if (key === 'id') id = needValue(key, value);
        else if (key === 'required') m.required = parseBool(key, value);
        else if (key === 'mode') m.mode = parseOctal('secret mode', value);
        else if (key === 'uid') m.uid = parseId('secret uid', value);
        else if (key === 'gid') m.gid = parseId('secret gid', value);
        else bad(key);
      }
      if (id === undefined) throw new InvalidArgumentError('secret should have syntax id=id[,target=path,required=bool,mode=uint,uid=uint,gid=uint]');
      if (id.includes('/') || id === '.' || id === '..') throw new InvalidArgumentError(`secret id ${JSON.stringify(id)}: must not contain "/"`);
      return { type: 'secret', id, target: target ?? `/run/secrets/${id}`, ...m };
    }
    case 'ssh': {
      let id = 'default';
      const m = { required: false, mode: 0o600, uid: 0, gid: 0 };
      for (const { key, value } of rest) {
        if (isTarget(key)) target = targetPath(value, workdir);
        else if (key === 'id') id = needValue(key, value);
        else if (key === 'required') m.required = parseBool(key, value);
        else if (key === 'mode') m.mode = parseOctal('ssh mode', value);
        else if (key === 'uid') m.uid = parseId('ssh uid', value);
        else if (key === 'gid') m.gid = parseId('ssh gid', value);
        else bad(key);
      }
      return { type: 'ssh', id, target: target ?? `/run/buildkit/ssh_agent.${sshIndex}`, ...m };
    }
    default:
      throw new InvalidArgumentError(`invalid mount type ${JSON.stringify(type)}: use bind, cache, tmpfs, secret or ssh`);
  }
}

/** The values of an instruction's `--mount=` options, surrounding quotes removed. */
export function mountFlags(flags: readonly string[]): string[] {
  return flags.filter((f) => f.startsWith('--mount=')).map((f) => f.slice('--mount='.length).replace(/^"(.*)"$/, '$1'));
}

/** The stages and images RUN's mounts read from (`from=`), so the build makes those stages first. */
export function mountSources(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of mountFlags(flags)) {
    for (const field of splitFields(value)) if (field.startsWith('from=')) out.push(field.slice('from='.length));
  }
  return out;
}

export type RunNetwork = 'none' | 'host' | 'default';

/** `RUN --network=none|host|default`; default (or no option) is the build's own network. */
export function runNetwork(flags: readonly string[]): RunNetwork {
  const f = flags.filter((x) => x.startsWith('--network='));
  if (f.length > 1) throw new InvalidArgumentError('RUN --network: only one network may be given');
  const value = f[0]?.slice('--network='.length).replace(/^"(.*)"$/, '$1') ?? 'default';
  if (value !== 'none' && value !== 'host' && value !== 'default') throw new InvalidArgumentError(`RUN --network=${value}: unsupported network mode, use none, host or default`);
  return value;
}

/** The name a cache id gets under build-cache/: one path component, never `.` or `..`, distinct ids never collide. */
export function cacheDirName(id: string): string {
  const encoded = encodeURIComponent(id).replace(/\./g, '%2E').replace(/~/g, '%7E');
  if (encoded.length <= 200) return encoded;
  return `${encoded.slice(0, 120)}~${createHash('sha256').update(id).digest('hex')}`;
}
