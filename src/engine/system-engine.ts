/**
 * `info`, `system df` and `system prune` over the local store. Containers, volumes and
 * networks join `prune` as their engines appear; today it prunes images only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ContainerRepo } from '../domain/containers/container-repo.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { MNT_DETACH, umount2 } from '../infra/sys/mount.ts';
import type { Engine } from './engine.ts';
import { loadCatalog } from './image-list.ts';
import type { PruneReport } from './image-prune.ts';
import type { SystemInfo } from './system-info.ts';
import { imageCreatedMs } from './image-views.ts';

/** One row of `system df -v`'s images: one per name (Podman's SystemDfImageReport). */
export interface SystemDfImageReport {
  Repository: string;
  Tag: string;
  ImageID: string;
  /** ms since the epoch */
  Created: number;
  Size: number;
  SharedSize: number;
  UniqueSize: number;
  Containers: number;
}

export interface SystemDfContainerReport {
  ContainerID: string;
  Image: string;
  Command: string[];
  LocalVolumes: number;
  Size: number;
  RWSize: number;
  Created: number;
  Status: string;
  Names: string;
}

export interface SystemDfVolumeReport {
  VolumeName: string;
  Links: number;
  Size: number;
  ReclaimableSize: number;
}

export interface SystemDfReport {
  /** the sum of the image rows' sizes (Podman 4.3 counts an image once per name) */
  ImagesSize: number;
  Images: SystemDfImageReport[];
  Containers: SystemDfContainerReport[];
  Volumes: SystemDfVolumeReport[];
}

export interface SystemPruneOptions {
  all?: boolean;
  volumes?: boolean;
  filters?: string[];
}

export interface SystemPruneReport {
  ContainerPruneReports: PruneReport[];
  VolumePruneReports: PruneReport[];
  NetworkPruneReports: { name: string; error?: Error | undefined }[];
  ImagePruneReports: PruneReport[];
  /** bytes freed in total */
  ReclaimedSpace: number;
}

export class SystemEngine {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  async info(): Promise<SystemInfo> {
    const { collectInfo } = await import('./system-info.ts');
    return collectInfo(this.#engine);
  }

  df(): SystemDfReport {
    const store = this.#engine.store;
    const containers = new ContainerRepo(store.db).list();
    const catalog = loadCatalog(store);
    const images: SystemDfImageReport[] = [];
    for (const img of catalog.images) {
      const parent = catalog.graph.parent(img);
      const hasChildren = catalog.graph.children(img).length > 0;
      // libimage's rule: with children everything is shared; else the parent's part is.
      const shared = hasChildren ? img.size : parent ? parent.size : 0;
      const base = {
        ImageID: img.id,
        Created: imageCreatedMs(img),
        Size: img.size,
        SharedSize: shared,
        UniqueSize: img.size - shared,
        Containers: catalog.containers.get(img.id) ?? 0,
      };
      const pairs = img.names.length ? img.names.map(repoAndTag) : [{ Repository: '<none>', Tag: '<none>' }];
      for (const pair of pairs) images.push({ ...pair, ...base });
    }
    return {
      ImagesSize: images.reduce((sum, i) => sum + i.Size, 0),
      Images: images,
      Containers: containers.map((c) => containerDf(c, store.paths.containerDir(c.config.id))),
      Volumes: this.#volumesDf(containers),
    };
  }

  #volumesDf(containers: ContainerRecord[]): SystemDfVolumeReport[] {
    const { store } = this.#engine;
    const rows = store.db.all<{ name: string }>('SELECT name FROM volumes ORDER BY name');
    return rows.map(({ name }) => {
      const links = containers.filter((c) => c.config.mounts.some((m) => m.type === 'volume' && (m.name ?? m.source) === name)).length;
      const size = directorySize(path.join(store.paths.volumes, name, '_data'));
      return { VolumeName: name, Links: links, Size: size, ReclaimableSize: links ? 0 : size };
    });
  }

  /**
   * `system prune`, in Podman's order: stopped containers, then (with `volumes`) the volumes
   * no container uses, the networks none uses (never the default one), and images
   * (dangling, or all unused with `all`).
   */
  async prune(opts: SystemPruneOptions): Promise<SystemPruneReport> {
    const filters = opts.filters ?? [];
    const containers = (await this.#engine.containers.prune(filters)).map((r) => ({ Id: r.Id, Size: r.Size, Err: r.Err }));
    const volumes: PruneReport[] = [];
    if (opts.volumes) {
      const sizes = new Map(this.#engine.volumes.list().map((v) => [v.config.Name, directorySize(v.config.Mountpoint)]));
      for (const r of await this.#engine.volumes.prune(filters)) volumes.push({ Id: r.Id, Size: r.Err ? 0 : sizes.get(r.Id) ?? 0, Err: r.Err });
    }
    const networks = (await this.#engine.networks.prune()).map((r) => ({ name: r.name, error: r.error }));
    const images = await this.#engine.images.prune({ all: opts.all, filters });
    const freed = [...containers, ...volumes, ...images].reduce((sum, r) => sum + (r.Err ? 0 : r.Size), 0);
    return { ContainerPruneReports: containers, VolumePruneReports: volumes, NetworkPruneReports: networks, ImagePruneReports: images, ReclaimedSpace: freed };
  }
}

/**
 * `system reset`: every container (stopped at once), volume, image, secret and network but
 * the default; then the store's directories themselves, as Podman removes its graph and run
 * roots. The engine cannot be used afterwards.
 */
export async function resetStore(engine: Engine): Promise<Error[]> {
  const errors: Error[] = [];
  const collect = (reports: readonly { Err?: Error | undefined }[]) => {
    for (const r of reports) if (r.Err) errors.push(r.Err);
  };
  collect(await engine.containers.remove(engine.containers.list().map((r) => r.config.id), { force: true, timeout: 0, volumes: true }));
  collect(await engine.volumes.remove([], { all: true, force: true }));
  const images = await engine.images.remove([], { all: true, force: true });
  errors.push(...images.Errors);
  collect(engine.secrets.remove([], { all: true }));
  for (const r of await engine.networks.prune()) if (r.error) errors.push(r.error);
  if (errors.length > 0) return errors;
  const { graphRoot, runRoot } = engine.store.paths;
  engine.store.close();
  for (const dir of [graphRoot, runRoot]) {
    // never a whole file system: a root of "/" is a configuration mistake, not a store
    if (path.resolve(dir) === '/') continue;
    // what is still mounted below (an `image mount`, the rootless-netns file) goes first, so
    // the removal never reaches through a mount into what it shows
    const below = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(`${path.resolve(dir)}/`));
    for (const m of below.sort((a, b) => b.length - a.length)) umount2(m, MNT_DETACH);
    // a conmon exit command already under way may still write a file in here meanwhile
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
  return errors;
}

function repoAndTag(name: string): { Repository: string; Tag: string } {
  const at = name.indexOf('@');
  const base = at === -1 ? name : name.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { Repository: base.slice(0, colon), Tag: base.slice(colon + 1) };
  return { Repository: base, Tag: '<none>' };
}

function containerDf(c: ContainerRecord, dir: string): SystemDfContainerReport {
  const rw = directorySize(dir);
  const status = c.state.status === 'stopped' ? 'exited' : c.state.status;
  return {
    ContainerID: c.config.id,
    Image: c.config.imageId,
    Command: c.config.command,
    LocalVolumes: c.config.mounts.filter((m) => m.type === 'volume').length,
    Size: rw,
    RWSize: rw,
    Created: Date.parse(c.config.created),
    Status: status,
    Names: c.config.name,
  };
}

/** Bytes in the files under `dir` (hard links once), as containers/storage's directory.Size. */
export function directorySize(dir: string): number {
  let total = 0;
  const seen = new Set<string>();
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      try {
        const st = fs.lstatSync(p, { bigint: false });
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += st.size;
      } catch {
        // vanished while walking
      }
    }
  };
  walk(dir);
  return total;
}
