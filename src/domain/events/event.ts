/**
 * Events as Podman 4.3 records and prints them (libpod/events): one JSON object per line in
 * the events log, in its field order, and the human-readable line `podman events` prints by
 * default. Filters are Podman's: values of one key OR'ed, keys AND'ed. Pure.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { groupFilters, labelMatches } from '../filter-values.ts';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'pod' | 'system';

/** libpod's events.Event, JSON field order and omissions as Go writes it. */
export interface SkiffEvent {
  ContainerExitCode?: number;
  ID?: string;
  Image?: string;
  Name?: string;
  Network?: string;
  Status: string;
  /** RFC 3339 with nanoseconds */
  Time: string;
  Type: EventType;
  /** container labels for container events; null for the others, as Podman writes them */
  Attributes: Record<string, string> | null;
}

/** An event in the field order Go writes, empty optional fields left out. */
export function normalizeEvent(e: SkiffEvent): SkiffEvent {
  return {
    ...(e.ContainerExitCode ? { ContainerExitCode: e.ContainerExitCode } : {}),
    ...(e.ID ? { ID: e.ID } : {}),
    ...(e.Image ? { Image: e.Image } : {}),
    ...(e.Name ? { Name: e.Name } : {}),
    ...(e.Network ? { Network: e.Network } : {}),
    Status: e.Status,
    Time: e.Time,
    Type: e.Type,
    Attributes: e.Attributes,
  };
}

/** Go's time.Time String() for an RFC 3339 UTC time with nanoseconds. */
export function goTime(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''} +0000 UTC` : rfc3339;
}

/** `podman events`' default line (Event.ToHumanReadable); IDs cut to 12 unless `noTrunc`. */
export function humanReadable(e: SkiffEvent, noTrunc = true): string {
  const id = noTrunc ? (e.ID ?? '') : (e.ID ?? '').slice(0, 12);
  const time = goTime(e.Time);
  switch (e.Type) {
    case 'container':
    case 'pod': {
      let line = `${time} ${e.Type} ${e.Status} ${id} (image=${e.Image ?? ''}, name=${e.Name ?? ''}`;
      for (const [k, v] of Object.entries(e.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) line += `, ${k}=${v}`;
      return `${line})`;
    }
    case 'network':
      return `${time} ${e.Type} ${e.Status} ${id} (container=${id}, name=${e.Network ?? ''})`;
    case 'image':
      return `${time} ${e.Type} ${e.Status} ${id} ${e.Name ?? ''}`;
    case 'system':
      return `${time} ${e.Type} ${e.Status}`;
    case 'volume':
      return `${time} ${e.Type} ${e.Status} ${e.Name ?? ''}`;
  }
}

const types: readonly EventType[] = ['container', 'image', 'volume', 'network', 'pod', 'system'];

/** `events --filter`: container, event (status), image, label, type, volume, network, pod. */
export function eventFilter(filters: readonly string[]): (e: SkiffEvent) => boolean {
  const tests: ((e: SkiffEvent) => boolean)[] = [];
  for (const [key, values] of groupFilters(filters)) {
    switch (key) {
      case 'container':
        tests.push((e) => e.Type === 'container' && values.some((v) => v === e.Name || (v.length > 0 && (e.ID ?? '').startsWith(v))));
        break;
      case 'event':
      case 'status':
        tests.push((e) => values.includes(e.Status));
        break;
      case 'image':
        tests.push((e) => values.some((v) => e.Image === v || (e.Type === 'image' && (e.Name === v || (v.length > 0 && (e.ID ?? '').startsWith(v))))));
        break;
      case 'label':
        tests.push((e) => values.some((v) => labelMatches(e.Attributes, v)));
        break;
      case 'type':
        for (const v of values) if (!types.includes(v as EventType)) throw new InvalidArgumentError(`unknown event type ${JSON.stringify(v)}`);
        tests.push((e) => values.includes(e.Type));
        break;
      case 'volume':
        tests.push((e) => e.Type === 'volume' && values.some((v) => v === e.Name));
        break;
      case 'network':
        tests.push((e) => e.Type === 'network' && values.some((v) => v === e.Network));
        break;
      case 'pod':
        tests.push((e) => e.Type === 'pod' && values.some((v) => v === e.Name || (e.ID ?? '').startsWith(v)));
        break;
      default:
        throw new InvalidArgumentError(`${key} is an invalid filter`);
    }
  }
  return (e) => tests.every((t) => t(e));
}
