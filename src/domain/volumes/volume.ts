/**
 * Named volumes as Podman 4.3 keeps them: the `local` driver, a directory
 * `<graphroot>/volumes/<name>/_data`, labels, and the driver options `podman volume create -o`
 * takes. `type`/`device`/`o` make the volume a mount(8) of its own while containers use it;
 * `o=uid=,gid=` (alone) only set the directory's owner. Pure: no files here.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { groupFilters, labelMatches } from '../filter-values.ts';
import type { ContainerConfig } from '../containers/model.ts';
import { goMap } from '../go-map.ts';
import { isValidObjectName } from '../object-names.ts';

/** What the `volumes` table keeps per volume (JSON), in Podman's inspect field names. */
export interface VolumeConfig {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Anonymous: boolean;
  UID?: number;
  GID?: number;
  /** the first container to use it copies the image's content in (absent: false) */
  NeedsCopyUp?: boolean;
  /** the first container to use it gives it the owner of the directory it covers (absent: false) */
  NeedsChown?: boolean;
  /** `volume mount`s not undone by `volume unmount` yet: the mount stays while any is left */
  HostMounts?: number;
}

/** `podman volume inspect`'s fields, in its order (define.InspectVolumeData). */
export interface VolumeInspect {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Map<string, string>;
  Scope: 'local';
  Options: Map<string, string>;
  UID?: number;
  GID?: number;
  Anonymous?: true;
  MountCount: number;
  NeedsCopyUp?: true;
  NeedsChown?: true;
}

export function checkVolumeName(name: string): void {
  if (!isValidObjectName(name)) throw new InvalidArgumentError('running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument');
}

export interface ParsedVolumeOptions {
  options: Record<string, string>;
  uid?: number;
  gid?: number;
  /** `nocopy`: nothing of the image is copied in */
  noCopy: boolean;
}

/** `-o KEY=VALUE` for the local driver, as Podman parses them (Options keeps `UID`/`GID` too). */
export function parseVolumeOptions(values: readonly string[]): ParsedVolumeOptions {
  const options: Record<string, string> = {};
  const out: ParsedVolumeOptions = { options, noCopy: false };
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    const v = eq < 0 ? '' : value.slice(eq + 1);
    switch (key) {
      case 'type':
      case 'device':
        options[key] = v;
        break;
      case 'copy':
      case 'nocopy':
        out.noCopy = key === 'nocopy';
        options[key] = v;
        break;
      case 'o': {
        options['o'] = v;
        for (const opt of v.split(',')) {
          const [k, n] = opt.split('=');
          if (k !== 'uid' && k !== 'gid') continue;
          if (!/^\d+$/.test(n ?? '')) throw new InvalidArgumentError(`cannot convert ${k} ${n ?? ''} to integer: invalid argument`);
          if (k === 'uid') options['UID'] = String((out.uid = Number(n)));
          else options['GID'] = String((out.gid = Number(n)));
        }
        break;
      }
      default:
        throw new InvalidArgumentError(`invalid mount option ${key} for driver 'local': invalid argument`);
    }
  }
  // mount options other than uid/gid only mean something to a mount: they need type or device
  const mountOptions = (options['o'] ?? '').split(',').filter((o) => o !== '' && !/^(uid|gid)=/.test(o));
  if (mountOptions.length > 0 && options['type'] === undefined && options['device'] === undefined) {
    throw new InvalidArgumentError('mount options require a "type" and "device" for the local driver');
  }
  return out;
}

/** Whether a container mounts the named volume. */
export function usesVolume(config: Pick<ContainerConfig, 'mounts'>, name: string): boolean {
  return config.mounts.some((m) => m.type === 'volume' && m.name === name);
}

/** Whether using the volume mounts something (`type`/`device` given). */
export function isMountVolume(config: VolumeConfig): boolean {
  return config.Options['type'] !== undefined || config.Options['device'] !== undefined;
}

/** mount(8)'s `-o` for a mount volume: `o` as given (tmpfs takes uid/gid itself). */
export function volumeMountData(config: VolumeConfig): string {
  return (config.Options['o'] ?? '').split(',').filter((o) => o !== '').join(',');
}

/** `mountCount`: the live containers and `volume mount`s that have a `type`/`device` volume mounted. */
export function inspectVolume(config: VolumeConfig, createdMs: number, mountCount = 0): VolumeInspect {
  return {
    Name: config.Name,
    Driver: config.Driver,
    Mountpoint: config.Mountpoint,
    CreatedAt: new Date(createdMs).toISOString(),
    Labels: goMap(config.Labels),
    Scope: 'local',
    Options: goMap(config.Options),
    ...(config.UID ? { UID: config.UID } : {}),
    ...(config.GID ? { GID: config.GID } : {}),
    ...(config.Anonymous ? { Anonymous: true as const } : {}),
    MountCount: mountCount,
    ...(config.NeedsCopyUp ? { NeedsCopyUp: true as const } : {}),
    ...(config.NeedsChown ? { NeedsChown: true as const } : {}),
  };
}

export interface VolumeFilterInput {
  config: VolumeConfig;
  createdMs: number;
  inUse: boolean;
}

/** `volume ls`/`prune --filter`, as Podman's: names and drivers OR'ed, labels AND'ed, keys AND'ed. */
export function volumeFilter(filters: readonly string[]): (v: VolumeFilterInput) => boolean {
  const byKey = groupFilters(filters);
  const tests: ((v: VolumeFilterInput) => boolean)[] = [];
  for (const [key, values] of byKey) {
    switch (key) {
      case 'name':
        tests.push((v) => values.some((x) => new RegExp(x).test(v.config.Name)));
        break;
      case 'driver':
        tests.push((v) => values.includes(v.config.Driver));
        break;
      case 'scope':
        tests.push(() => values.includes('local'));
        break;
      case 'label':
        tests.push((v) => values.every((x) => labelMatches(v.config.Labels, x)));
        break;
      case 'label!':
        tests.push((v) => values.every((x) => !labelMatches(v.config.Labels, x)));
        break;
      case 'opt':
        tests.push((v) => values.some((x) => labelMatches(v.config.Options, x)));
        break;
      case 'dangling':
        for (const x of values) if (x !== 'true' && x !== 'false') throw new InvalidArgumentError(`${JSON.stringify(x)} is not a valid value for the "dangling" filter - must be true or false`);
        tests.push((v) => values.some((x) => (x === 'true') === !v.inUse));
        break;
      case 'until':
        tests.push((v) => values.every((x) => v.createdMs < (/^\d+$/.test(x) ? Number(x) * 1000 : Date.parse(x))));
        break;
      default:
        throw new InvalidArgumentError(`${JSON.stringify(key)} is an invalid volume filter`);
    }
  }
  return (v) => tests.every((t) => t(v));
}

/**
 * The inspect fields as a Go template sees them: the struct has every field (JSON leaves the
 * empty ones out), and CreatedAt is a time.Time, printed by `createdText`.
 */
export function volumeTemplateView(v: VolumeInspect, createdText: (iso: string) => string): Record<string, unknown> {
  return {
    ...v,
    CreatedAt: createdText(v.CreatedAt),
    UID: v.UID ?? 0,
    GID: v.GID ?? 0,
    Anonymous: v.Anonymous ?? false,
    NeedsCopyUp: v.NeedsCopyUp ?? false,
    NeedsChown: v.NeedsChown ?? false,
    Timeout: 0,
  };
}
