/**
 * `volume create|ls|inspect|rm|prune|exists`: named volumes in the `volumes` table and under
 * `<graphroot>/volumes/<name>/_data`. A row and its directory come and go together: the
 * directory is made before the row is written and removed after the row is gone, inside the
 * write transaction, so a failure or a kill leaves at most an unused directory that the next
 * create of that name takes over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NoSuchVolumeError, VolumeExistsError, VolumeInUseError } from '../define/errors.ts';
import {
  checkVolumeName,
  inspectVolume,
  isMountVolume,
  parseVolumeOptions,
  usesVolume,
  volumeFilter,
  type VolumeConfig,
  type VolumeInspect,
} from '../domain/volumes/volume.ts';
import { parseKeyValues } from '../domain/containers/option-parsers.ts';
import { randomId } from '../infra/storage/ids.ts';
import { isMounted } from '../infra/storage/overlay.ts';
import { MNT_DETACH, umount2 } from '../infra/sys/mount.ts';
import { liveStates } from '../domain/containers/model.ts';
import type { BatchReport } from './container-reports.ts';
import type { Engine } from './engine.ts';

export interface VolumeRecord {
  config: VolumeConfig;
  createdMs: number;
}

export interface VolumeCreateOptions {
  name?: string | undefined;
  driver?: string | undefined;
  /** `KEY=VALUE` or `KEY` */
  labels?: readonly string[];
  /** `-o` values */
  options?: readonly string[];
}

export interface VolumeRmOptions {
  all?: boolean;
  /** also remove the containers that use them */
  force?: boolean;
  /** seconds to let those containers stop */
  timeout?: number;
}

export class VolumeEngine {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  #dir(name: string): string {
    return path.join(this.#engine.store.paths.volumes, name);
  }

  list(): VolumeRecord[] {
    const rows = this.#engine.store.db.all<{ created: number; config: string }>('SELECT created, config FROM volumes ORDER BY name');
    return rows.map((r) => ({ config: JSON.parse(r.config) as VolumeConfig, createdMs: Number(r.created) }));
  }

  get(name: string): VolumeRecord | undefined {
    const row = this.#engine.store.db.get<{ created: number; config: string }>('SELECT created, config FROM volumes WHERE name = ?', name);
    return row ? { config: JSON.parse(row.config) as VolumeConfig, createdMs: Number(row.created) } : undefined;
  }

  exists(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** IDs of the containers whose mounts name the volume. */
  users(name: string): string[] {
    return this.#engine.containers.list().filter((r) => usesVolume(r.config, name)).map((r) => r.config.id);
  }

  async create(opts: VolumeCreateOptions = {}): Promise<string> {
    const driver = opts.driver || 'local';
    const name = opts.name || randomId();
    checkVolumeName(name);
    if (driver !== 'local') {
      throw new InvalidArgumentError(`volume ${name} uses volume plugin ${driver} but it could not be retrieved: no volume plugin with name ${driver} available: required plugin missing`);
    }
    const parsed = parseVolumeOptions(opts.options ?? []);
    const dir = this.#dir(name);
    const data = path.join(dir, '_data');
    const config: VolumeConfig = {
      Name: name,
      Driver: driver,
      Mountpoint: data,
      Labels: parseKeyValues(opts.labels ?? [], 'label'),
      Options: parsed.options,
      Anonymous: false,
      ...(parsed.uid !== undefined ? { UID: parsed.uid } : {}),
      ...(parsed.gid !== undefined ? { GID: parsed.gid } : {}),
      NeedsCopyUp: !parsed.noCopy,
      NeedsChown: parsed.uid === undefined && parsed.gid === undefined,
    };
    const db = this.#engine.store.db;
    db.write(() => {
      if (db.get('SELECT name FROM volumes WHERE name = ?', name)) throw new VolumeExistsError(name);
      fs.mkdirSync(data, { recursive: true, mode: 0o755 });
      if (parsed.uid !== undefined || parsed.gid !== undefined) fs.chownSync(data, parsed.uid ?? 0, parsed.gid ?? 0);
      db.run('INSERT INTO volumes (name, created, config) VALUES (?, ?, ?)', name, Date.now(), JSON.stringify(config));
    });
    await this.#engine.events.emit({ Name: name, Status: 'create', Type: 'volume', Attributes: null });
    return name;
  }

  inspect(name: string): VolumeInspect {
    const rec = this.get(name);
    if (!rec) throw new NoSuchVolumeError(name);
    const mounted = isMountVolume(rec.config) && isMounted(rec.config.Mountpoint);
    return inspectVolume(rec.config, rec.createdMs, mounted ? this.#liveUsers(name) + (rec.config.HostMounts ?? 0) : 0);
  }

  /** The volumes `filters` pick; `inUse` from one container listing. */
  filtered(filters: readonly string[]): VolumeRecord[] {
    const keep = volumeFilter(filters);
    const used = this.#usedNames();
    return this.list().filter((v) => keep({ ...v, inUse: used.has(v.config.Name) }));
  }

  #liveUsers(name: string): number {
    return this.#engine.containers.list().filter((r) => liveStates.includes(r.state.status) && usesVolume(r.config, name)).length;
  }

  #usedNames(): Set<string> {
    const used = new Set<string>();
    for (const r of this.#engine.containers.list()) for (const m of r.config.mounts) if (m.type === 'volume' && m.name) used.add(m.name);
    return used;
  }

  /**
   * `volume mount`: the volume's directory; a `type`/`device` volume is mounted (if no
   * container has it mounted) and counted, until as many `volume unmount`s.
   */
  async mount(name: string): Promise<string> {
    const rec = this.get(name);
    if (!rec) throw new NoSuchVolumeError(name);
    if (!isMountVolume(rec.config)) return rec.config.Mountpoint;
    const { mountVolume } = await import('./container-volumes.ts');
    await mountVolume(rec.config);
    this.#update(name, (c) => ({ ...c, HostMounts: (c.HostMounts ?? 0) + 1 }));
    return rec.config.Mountpoint;
  }

  /** `volume unmount`: one `volume mount` less; unmounted once none is left and no live container uses it. */
  unmount(name: string): void {
    const rec = this.get(name);
    if (!rec) throw new NoSuchVolumeError(name);
    if (!isMountVolume(rec.config) || !rec.config.HostMounts) return;
    const left = this.#update(name, (c) => ({ ...c, HostMounts: Math.max(0, (c.HostMounts ?? 0) - 1) })).HostMounts;
    if (!left && this.#liveUsers(name) === 0 && isMounted(rec.config.Mountpoint)) umount2(rec.config.Mountpoint, MNT_DETACH);
  }

  /** Rewrites a volume's record under the store's write lock, from its current state. */
  #update(name: string, change: (c: VolumeConfig) => VolumeConfig): VolumeConfig {
    const db = this.#engine.store.db;
    return db.write(() => {
      const row = db.get<{ config: string }>('SELECT config FROM volumes WHERE name = ?', name);
      if (!row) throw new NoSuchVolumeError(name);
      const next = change(JSON.parse(row.config) as VolumeConfig);
      db.run('UPDATE volumes SET config = ? WHERE name = ?', JSON.stringify(next), name);
      return next;
    });
  }

  async remove(names: readonly string[], opts: VolumeRmOptions = {}): Promise<BatchReport[]> {
    const targets = opts.all ? this.list().map((v) => v.config.Name) : [...names];
    const reports: BatchReport[] = [];
    for (const name of targets) {
      try {
        if (!this.exists(name)) throw new NoSuchVolumeError(name);
        const users = this.users(name);
        if (users.length > 0) {
          if (!opts.force) throw new VolumeInUseError(name, users);
          const removed = await this.#engine.containers.remove(users, { force: true, timeout: opts.timeout ?? 10 });
          const failed = removed.find((r) => r.Err);
          if (failed?.Err) throw failed.Err;
        }
        await this.#delete(name);
        reports.push({ Id: name, RawInput: name });
      } catch (err) {
        reports.push({ Id: name, RawInput: name, Err: err as Error });
      }
    }
    return reports;
  }

  /** Removes the volumes no container uses (and `filters` pick); returns their names. */
  async prune(filters: readonly string[] = []): Promise<BatchReport[]> {
    const used = this.#usedNames();
    const keep = volumeFilter(filters);
    const reports: BatchReport[] = [];
    for (const v of this.list()) {
      if (used.has(v.config.Name) || !keep({ ...v, inUse: false })) continue;
      try {
        await this.#delete(v.config.Name);
        reports.push({ Id: v.config.Name, RawInput: v.config.Name });
      } catch (err) {
        reports.push({ Id: v.config.Name, RawInput: v.config.Name, Err: err as Error });
      }
    }
    return reports;
  }

  async #delete(name: string): Promise<void> {
    const db = this.#engine.store.db;
    const dir = this.#dir(name);
    const data = path.join(dir, '_data');
    db.write(() => {
      db.run('DELETE FROM volumes WHERE name = ?', name);
      // a mount volume still mounted (its container was killed): the mount goes first
      if (isMounted(data)) umount2(data, MNT_DETACH);
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await this.#engine.events.emit({ Name: name, Status: 'remove', Type: 'volume', Attributes: null });
  }
}

/** `volume export`: the volume's content as a tar stream (links archived as links). */
export async function exportVolume(engine: Engine, name: string): Promise<NodeJS.ReadableStream> {
  const rec = engine.volumes.get(name);
  if (!rec) throw new NoSuchVolumeError(name);
  const { tarDirectory } = await import('../infra/storage/layer/tar-dir.ts');
  return tarDirectory(rec.config.Mountpoint);
}

/**
 * `volume import`: a tar (plain or compressed) merged into the volume, the archive's files
 * winning. Paths are resolved inside the volume as inside a container, so neither `..` nor a
 * symlink the volume holds leads a file out of it.
 */
export async function importVolume(engine: Engine, name: string, input: NodeJS.ReadableStream): Promise<void> {
  const rec = engine.volumes.get(name);
  if (!rec) throw new NoSuchVolumeError(name);
  const { extractArchive } = await import('../domain/containers/copy/extract-archive.ts');
  const { containerTarget } = await import('../domain/containers/copy/copy-target.ts');
  const { Readable } = process.getBuiltinModule('node:stream');
  const stream = input instanceof Readable ? input : Readable.from(input as AsyncIterable<Buffer>);
  await extractArchive(stream, containerTarget({ root: rec.config.Mountpoint }, '/'));
}
