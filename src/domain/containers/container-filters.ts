/**
 * `--filter` for ps, rm, stop, start, pause, restart and container prune, with Podman's
 * rules: values of one key are alternatives (OR), different keys must all match (AND),
 * and every `label` filter must match.
 */
import { groupFilters, labelMatches } from '../filter-values.ts';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ContainerRecord } from './container-repo.ts';
import { healthStatusWord } from './health.ts';
import { parseGoDuration } from '../go-duration.ts';
import type { ContainerStatus } from './model.ts';

export interface FilterLookups {
  /** the container a before/since filter names, undefined when none */
  container(nameOrId: string): ContainerRecord | undefined;
  /** image IDs an ancestor filter names (a name, short name or ID prefix) */
  imageIds(ref: string): string[];
  /** now, for `until` (ms since the epoch) */
  now?: number;
}

export type ContainerPredicate = (rec: ContainerRecord, status: ContainerStatus) => boolean;

const statuses = ['created', 'running', 'paused', 'stopped', 'exited', 'unknown', 'configured', 'removing', 'stopping'];

/** Podman's state word for filters: configured reads as created. */
function filterStatus(status: ContainerStatus): string {
  return status === 'configured' ? 'created' : status;
}

function regexMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return text.includes(pattern);
  }
}

/** `10m`, `2h30m`, an RFC 3339 time or seconds since the epoch → ms since the epoch. */
export function parseTimeFilter(text: string, now = Date.now()): number {
  const d = /^(\d+(?:\.\d+)?(?:ns|us|\u00b5s|ms|s|m|h))+$/.test(text) ? parseGoDuration(text) : undefined;
  if (d !== undefined) return now - d;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`failed to parse value ${JSON.stringify(text)} as a time or duration`);
  return t;
}

export function compileContainerFilters(filters: readonly string[], lookups: FilterLookups): ContainerPredicate {
  const byKey = groupFilters(filters);
  const tests: ContainerPredicate[] = [];
  for (const [key, values] of byKey) {
    switch (key) {
      case 'id':
        tests.push((r) => values.some((v) => regexMatch(v, r.config.id)));
        break;
      case 'name':
        tests.push((r) => values.some((v) => regexMatch(v, r.config.name)));
        break;
      case 'label':
        tests.push((r) => values.every((v) => labelMatches(r.config.labels, v)));
        break;
      case 'label!':
        tests.push((r) => values.every((v) => !labelMatches(r.config.labels, v)));
        break;
      case 'exited': {
        const codes = values.map((v) => {
          if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`exited code out of range ${JSON.stringify(v)}`);
          return Number(v);
        });
        tests.push((r, s) => s === 'exited' && codes.includes(r.state.exitCode));
        break;
      }
      case 'status':
        for (const v of values) {
          if (!statuses.includes(v)) throw new InvalidArgumentError(`unknown container state: ${v}: invalid argument`);
        }
        tests.push((_r, s) => values.some((v) => v === filterStatus(s) || v === s || (v === 'exited' && s === 'stopped')));
        break;
      case 'ancestor': {
        const ids = values.flatMap((v) => lookups.imageIds(v));
        tests.push((r) => ids.includes(r.config.imageId) || values.some((v) => r.config.imageName === v || r.config.imageId.startsWith(v)));
        break;
      }
      case 'before':
      case 'since': {
        const refs = values.map((v) => {
          const c = lookups.container(v);
          if (!c) throw new InvalidArgumentError(`no container with name or ID "${v}" found: no such container`);
          return Date.parse(c.config.created);
        });
        const at = key === 'before' ? Math.min(...refs) : Math.max(...refs);
        tests.push((r) => (key === 'before' ? Date.parse(r.config.created) < at : Date.parse(r.config.created) > at));
        break;
      }
      case 'until': {
        const times = values.map((v) => parseTimeFilter(v, lookups.now));
        tests.push((r) => times.some((t) => Date.parse(r.config.created) < t));
        break;
      }
      case 'volume':
        tests.push((r) => values.some((v) => r.config.mounts.some((m) => m.name === v || m.destination === v || m.source === v)));
        break;
      case 'health':
        tests.push((r) => values.some((v) => (v === 'none' ? !r.config.healthcheck : healthStatusWord(r.config, r.state) === v)));
        break;
      case 'network':
        tests.push((r) => values.some((v) => r.config.networkMode === v || r.config.networks.includes(v)));
        break;
      case 'pod':
        tests.push(() => false);
        break;
      default:
        throw new InvalidArgumentError(`${key} is an invalid filter`);
    }
  }
  return (rec, status) => tests.every((t) => t(rec, status));
}
