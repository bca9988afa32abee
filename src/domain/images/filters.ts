/**
 * Image filters (`images --filter`, `image prune --filter`) as Podman 4.3 applies them:
 * `key=value` or `key!=value` (negated); filters of different keys must all match, several
 * values of one key match when any does. Errors use Podman's wording.
 */
import { InvalidArgumentError, SkiffError } from '../../define/errors.ts';
import { labelMatches } from '../filter-values.ts';
import { parseGoDuration } from '../go-duration.ts';
import { parseName } from './names.ts';

export interface FilterableImage {
  Id: string;
  Names: string[] | null;
  Labels: Record<string, string> | null;
  ReadOnly: boolean;
}

/** What the filters need to know beyond the listed fields. */
export interface FilterContext {
  /** creation time (ms) of a listed image */
  created(id: string): number;
  /** creation time (ms) of the image a `before`/`since` value names; throws when there is none */
  createdOf(nameOrId: string): number;
  isDangling(id: string): boolean;
  isIntermediate(id: string): boolean;
  containers(id: string): number;
  isManifestList(id: string): boolean;
}

type Predicate = (img: FilterableImage) => boolean;

/** Compiles the filters into one predicate; throws InvalidArgumentError on a bad filter. */
export function compileImageFilters(filters: readonly string[], ctx: FilterContext): Predicate {
  const byKey = new Map<string, Predicate[]>();
  const seen = new Map<string, string>();
  for (const f of filters) {
    let split = splitOnce(f, '!=');
    const negate = split !== undefined;
    split ??= splitOnce(f, '=');
    if (!split) throw new InvalidArgumentError(`invalid image filter "${f}": must be in the format "filter=value or filter!=value"`);
    let [key, value] = split;
    let pred: Predicate;
    switch (key) {
      case 'after':
      case 'since': {
        const t = timeOf(ctx, key, value);
        key = 'since';
        pred = (img) => ctx.created(img.Id) > t;
        break;
      }
      case 'before': {
        const t = timeOf(ctx, key, value);
        pred = (img) => ctx.created(img.Id) < t;
        break;
      }
      case 'containers': {
        once(seen, key, value);
        if (value !== 'true' && value !== 'false' && value !== 'external') {
          throw new InvalidArgumentError(`unsupported value "${value}" for containers filter`);
        }
        // skiff has no external (build) containers: "external" matches images without containers
        const want = value === 'true';
        pred = (img) => ctx.containers(img.Id) > 0 === want;
        break;
      }
      case 'dangling': {
        const want = boolFilter(seen, key, value);
        pred = (img) => ctx.isDangling(img.Id) === want;
        break;
      }
      case 'intermediate': {
        const want = boolFilter(seen, key, value);
        pred = (img) => ctx.isIntermediate(img.Id) === want;
        break;
      }
      case 'readonly': {
        const want = boolFilter(seen, key, value);
        pred = (img) => img.ReadOnly === want;
        break;
      }
      case 'manifest': {
        const want = boolFilter(seen, key, value);
        pred = (img) => ctx.isManifestList(img.Id) === want;
        break;
      }
      case 'id':
        pred = (img) => img.Id === value;
        break;
      case 'label':
        pred = (img) => labelMatches(img.Labels, value);
        break;
      case 'reference':
        pred = (img) => (img.Names ?? []).some((n) => referenceMatches(n, value));
        break;
      case 'until': {
        const t = parseUntil(value);
        pred = (img) => ctx.created(img.Id) < t;
        break;
      }
      default:
        throw new InvalidArgumentError(`unsupported image filter "${key}"`);
    }
    const p = pred;
    const list = byKey.get(key) ?? [];
    list.push(negate ? (img) => !p(img) : p);
    byKey.set(key, list);
  }
  const groups = [...byKey.values()];
  return (img) => groups.every((preds) => preds.some((p) => p(img)));
}

export function filterImages<T extends FilterableImage>(items: T[], filters: readonly string[], ctx: FilterContext): T[] {
  if (!filters.length) return items;
  const pred = compileImageFilters(filters, ctx);
  return items.filter(pred);
}

function splitOnce(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i === -1 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
}

function once(seen: Map<string, string>, key: string, value: string): void {
  const prev = seen.get(key);
  if (prev !== undefined && prev !== value) {
    throw new InvalidArgumentError(`specifying "${key}" filter more than once with different values is not supported`);
  }
  seen.set(key, value);
}

function boolFilter(seen: Map<string, string>, key: string, value: string): boolean {
  once(seen, key, value);
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  // Podman's message swaps the key and the value; kept for scripts that match it.
  throw new InvalidArgumentError(`non-boolean value "${key}" for ${value} filter: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

function timeOf(ctx: FilterContext, key: string, value: string): number {
  try {
    return ctx.createdOf(value);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SkiffError(`could not find local image for filter filter "${key}"="${value}": ${why}`);
  }
}

/**
 * A reference pattern (Go path.Match syntax) matches a stored name written in full, without
 * its domain, or as its last path component, each with or without the tag.
 */
export function referenceMatches(stored: string, pattern: string): boolean {
  let n;
  try {
    n = parseName(stored);
  } catch {
    return false;
  }
  const trimmed = `${n.domain ? `${n.domain}/` : ''}${n.path}`;
  const suffix = stored.slice(trimmed.length);
  const candidates = [stored, n.path, stored.slice(stored.lastIndexOf('/') + 1)];
  if (suffix) candidates.push(trimmed, n.path + suffix, trimmed.slice(trimmed.lastIndexOf('/') + 1));
  return candidates.some((c) => pathMatch(pattern, c));
}

/** Go's path.Match: `*` and `?` never match `/`; `[…]` classes with ranges and `^`; `\` escapes. A bad pattern matches nothing. */
export function pathMatch(pattern: string, name: string): boolean {
  const re = globRegExp(pattern);
  return re !== undefined && re.test(name);
}

function globRegExp(pattern: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      out += escapeRe(pattern[++i]!);
    } else if (c === '[') {
      const end = classEnd(pattern, i + 1);
      if (end === -1) return undefined;
      let body = pattern.slice(i + 1, end);
      let negated = false;
      if (body.startsWith('^')) {
        negated = true;
        body = body.slice(1);
      }
      if (!body) return undefined;
      const cls = body.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, '\\$&');
      out += negated ? `(?!/)[^${cls}]` : `[${cls}]`;
      i = end;
    } else out += escapeRe(c);
  }
  try {
    return new RegExp(`^${out}$`, 'su');
  } catch {
    return undefined;
  }
}

function classEnd(pattern: string, from: number): number {
  for (let j = from; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']' && j > from + (pattern[from] === '^' ? 1 : 0)) return j;
  }
  return -1;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `until` takes a Unix timestamp, an RFC 3339 time or date, or a Go duration before now; ms. */
export function parseUntil(v: string): number {
  const duration = parseGoDuration(v);
  if (duration !== undefined) return Date.now() - duration;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(t)) throw new InvalidArgumentError(`failed to parse value as time or duration: "${v}"`);
  return t;
}
