/**
 * `-v/--volume`, `--mount` and `--tmpfs` as Podman 4.3 reads them, into MountSpecs. Bind
 * sources are resolved against the caller's directory and must exist; a source that does
 * not start with `/` or `.` names a volume (created on demand); `-v /dst` alone is an
 * anonymous volume (the engine names it).
 */
import { statSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { MountSpec } from './model.ts';
import { parseSizeFlag } from './option-parsers.ts';
import { isValidObjectName } from '../object-names.ts';

const volumeOptions = /^(rw|ro|z|Z|O|U|copy|nocopy|dev|nodev|exec|noexec|suid|nosuid|bind|rbind|shared|rshared|slave|rslave|private|rprivate|unbindable|runbindable|idmap(=.*)?|notmpcopyup)$/;

function checkDestination(dest: string): string {
  if (!posix.isAbsolute(dest)) throw new InvalidArgumentError(`invalid container path ${JSON.stringify(dest)}, must be an absolute path`);
  return posix.normalize(dest);
}

function hostSource(src: string, cwd: string): string {
  const path = isAbsolute(src) ? src : resolve(cwd, src);
  try {
    statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`statfs ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return path;
}

/** `-v [SOURCE:]DEST[:OPTIONS]`. An anonymous volume has type `volume` and an empty name. */
export function parseVolumeFlag(text: string, cwd: string): MountSpec {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new InvalidArgumentError(`incorrect volume format ${JSON.stringify(text)}, should be [host-dir:]ctr-dir[:option]`);
  if (parts.length === 1) return { type: 'volume', source: '', destination: checkDestination(parts[0]!), options: [], name: '' };
  const [src, dest, opts] = parts as [string, string, string | undefined];
  const options = opts === undefined ? [] : opts.split(',');
  for (const o of options) if (!volumeOptions.test(o)) throw new InvalidArgumentError(`invalid option type ${JSON.stringify(o)}`);
  if (options.filter((o) => o === 'ro' || o === 'rw').length > 1) throw new InvalidArgumentError("cannot set ro or rw options more than once");
  const destination = checkDestination(dest);
  if (src.startsWith('/') || src.startsWith('.')) return { type: 'bind', source: hostSource(src, cwd), destination, options };
  if (!isValidObjectName(src)) throw new InvalidArgumentError(`invalid volume name ${JSON.stringify(src)}`);
  return { type: 'volume', source: '', destination, options, name: src };
}

function boolOpt(key: string, value: string | undefined): boolean {
  if (value === undefined || /^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new InvalidArgumentError(`invalid value for ${key}: ${JSON.stringify(value)}`);
}

/** `--mount type=bind|volume|tmpfs|devpts,src=…,dst=…,…`. */
export function parseMountFlag(text: string, cwd: string): MountSpec {
  let type = '';
  let source = '';
  let destination = '';
  const options: string[] = [];
  for (const field of text.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case 'type':
        type = value ?? '';
        break;
      case 'src':
      case 'source':
        source = value ?? '';
        break;
      case 'dst':
      case 'destination':
      case 'target':
        destination = value ?? '';
        break;
      case 'ro':
      case 'readonly':
        options.push(boolOpt(key, value) ? 'ro' : 'rw');
        break;
      case 'rw':
      case 'readwrite':
        options.push(boolOpt(key, value) ? 'rw' : 'ro');
        break;
      case 'bind-propagation':
        options.push(value ?? '');
        break;
      case 'bind-nonrecursive':
        options.push('bind');
        break;
      case 'tmpfs-size':
        options.push(`size=${parseSizeFlag('tmpfs-size', value ?? '')}`);
        break;
      case 'tmpfs-mode':
        options.push(`mode=${value ?? ''}`);
        break;
      case 'U':
      case 'chown':
        if (boolOpt(key, value)) options.push('U');
        break;
      case 'z':
      case 'Z':
      case 'relabel':
      case 'idmap':
        break;
      case 'tmpcopyup':
      case 'notmpcopyup':
      case 'nocopy':
      case 'copy':
      case 'exec':
      case 'noexec':
      case 'dev':
      case 'nodev':
      case 'suid':
      case 'nosuid':
        options.push(key);
        break;
      case 'uid':
      case 'gid':
      case 'mode':
      case 'max':
        options.push(`${key}=${value ?? ''}`);
        break;
      default:
        throw new InvalidArgumentError(`unknown mount option ${JSON.stringify(key)}: invalid mount option`);
    }
  }
  if (destination === '') throw new InvalidArgumentError('must set target of mount: invalid mount option');
  const dest = checkDestination(destination);
  switch (type) {
    case 'bind':
      if (source === '') throw new InvalidArgumentError('must set source of bind mount: invalid mount option');
      return { type: 'bind', source: hostSource(source, cwd), destination: dest, options };
    case 'volume':
      return { type: 'volume', source: '', destination: dest, options, name: source };
    case 'tmpfs':
      return { type: 'tmpfs', source: 'tmpfs', destination: dest, options };
    case 'devpts':
      return { type: 'devpts', source: 'devpts', destination: dest, options };
    case '':
      throw new InvalidArgumentError('type must be specified: invalid mount option');
    default:
      throw new InvalidArgumentError(`invalid filesystem type ${JSON.stringify(type)}`);
  }
}

/** `--tmpfs DEST[:OPTIONS]` → destination and comma-separated options. */
export function parseTmpfsFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  const dest = colon < 0 ? text : text.slice(0, colon);
  return [checkDestination(dest), colon < 0 ? '' : text.slice(colon + 1)];
}
