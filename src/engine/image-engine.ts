/**
 * Image operations over the local store. Batch verbs report per item; nothing here prints.
 */
import { sourceTransport } from '../domain/images/pull-transport.ts';
import { ExitStatusError, ImageInUseError, InvalidArgumentError, NoSuchImageError, SkiffError } from '../define/errors.ts';
import { parseImageConfig } from '../domain/images/image-config.ts';
import { normalizeLocalName } from '../domain/images/names.ts';
import { ImageGraph } from '../domain/images/image-graph.ts';
import { normalizeName } from '../domain/images/normalize-name.ts';
import { findImage, getImage } from '../domain/images/resolve.ts';
import { removeTrash } from '../infra/storage/image-store.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Engine } from './engine.ts';
import type { ImagePruneOptions, PruneReport } from './image-prune.ts';
import type { ImagePullOptions, ImagePullReport, PullPolicy } from './image-pull.ts';
import type { ImagePushOptions, ImagePushReport } from './image-push.ts';
import type { ImageTreeData } from './image-tree.ts';
import type { ImportOptions } from '../domain/images/import-tarball.ts';
import type { LoadOptions } from '../domain/images/load-archive.ts';
import type { SaveOptions } from '../domain/images/save-archive.ts';
import type { ImageHistoryLayer, ImageInspectReport, ImageLoadReport, ImageRemoveReport, ImageSummary } from './image-reports.ts';
import { buildInspect, historyOf } from './image-views.ts';

export interface ImageListOptions {
  all?: boolean;
  /** `key=value` filters as `images --filter` takes them */
  filters?: string[];
}

export interface ImageRemoveOptions {
  all?: boolean;
  force?: boolean;
  ignore?: boolean;
  /** keep the parent images a removal leaves dangling */
  noPrune?: boolean;
}

export class ImageEngine {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  get #store() {
    return this.#engine.store;
  }

  /** The record behind a name, ID, ID prefix or digest; NoSuchImageError when none. */
  lookup(nameOrId: string): ImageRecord {
    return getImage(this.#store.images, nameOrId);
  }

  exists(nameOrId: string): boolean {
    return findImage(this.#store.images, nameOrId) !== undefined;
  }

  /**
   * `images`: intermediate images (no names, but child images) only with `all`, as Podman
   * adds `intermediate=false` to the filters otherwise.
   */
  async list(opts: ImageListOptions = {}): Promise<ImageSummary[]> {
    const { listImages } = await import('./image-list.ts');
    return listImages(this.#store, opts, (nameOrId) => this.lookup(nameOrId));
  }

  inspect(nameOrId: string): ImageInspectReport {
    return buildInspect(this.lookup(nameOrId), this.#store);
  }

  history(nameOrId: string): ImageHistoryLayer[] {
    const img = this.lookup(nameOrId);
    const onLayer = new Map<string, ImageRecord[]>();
    for (const other of this.#store.images.list()) {
      if (other.topLayer === undefined) continue;
      onLayer.set(other.topLayer, [...(onLayer.get(other.topLayer) ?? []), other]);
    }
    return historyOf(img, this.#store, (layerId) => onLayer.get(layerId) ?? []);
  }

  /** Adds names one by one, as Podman does (a bad name fails after the good ones before it). */
  async tag(nameOrId: string, newNames: string[]): Promise<void> {
    const img = this.lookup(nameOrId);
    for (const raw of newNames) {
      const n = normalizeName(raw);
      if (n.digested) throw new InvalidArgumentError(`${raw}: tag by digest not supported`);
      this.#store.images.addName(img.id, n.name);
      await this.#event(img.id, raw, 'tag');
    }
  }

  #event(id: string, name: string, status: string): Promise<void> {
    return this.#engine.events.emit({ ID: id, Name: name, Status: status, Type: 'image', Attributes: null });
  }

  /** Removes the given names (normalised, matched exactly), or all names when none are given. */
  async untag(nameOrId: string, names: string[]): Promise<void> {
    const img = this.lookup(nameOrId);
    if (!names.length) {
      for (const n of img.names) {
        this.#store.images.removeName(img.id, n);
        await this.#event(img.id, n, 'untag');
      }
      return;
    }
    for (const raw of names) {
      const n = normalizeName(raw);
      if (!this.#store.images.removeName(img.id, n.name)) throw new SkiffError(`${n.name}: tag not known`);
      await this.#event(img.id, raw, 'untag');
    }
  }

  /**
   * `rmi`: a name of an image with several names only loses that name; the last name or
   * the ID removes the image. Exit status as `podman rmi` documents: 1 when an image is not
   * known (and nothing worse happened), 2 when one is in use.
   */
  async remove(namesOrIds: string[], opts: ImageRemoveOptions = {}): Promise<ImageRemoveReport> {
    const report: ImageRemoveReport = { Untagged: [], Deleted: [], Errors: [], ExitCode: 0 };
    const targets: { input: string; img: ImageRecord | undefined }[] = opts.all
      ? this.#store.images.list().map((img) => ({ input: img.id, img }))
      : namesOrIds.map((input) => ({ input, img: findImage(this.#store.images, input) }));
    let sawUnknown = false;
    let sawInUse = false;
    let sawOther = false;
    for (const { input, img } of targets) {
      if (!img) {
        if (!opts.ignore) {
          report.Errors.push(new NoSuchImageError(input));
          sawUnknown = true;
        }
        continue;
      }
      try {
        await this.#removeOne(input, img, opts, report, Boolean(opts.all));
      } catch (err) {
        if (err instanceof NoSuchImageError) {
          if (opts.ignore) continue;
          sawUnknown = true;
        } else if (err instanceof ImageInUseError) sawInUse = true;
        else sawOther = true;
        report.Errors.push(err as Error);
      }
    }
    report.ExitCode = sawOther ? 125 : sawInUse ? 2 : sawUnknown ? 1 : 0;
    return report;
  }

  async #removeOne(input: string, img: ImageRecord, opts: ImageRemoveOptions, report: ImageRemoveReport, byAll: boolean): Promise<void> {
    const byId = byAll || img.id.startsWith(input.replace(/^sha256:/, ''));
    const { mountedImages, unmountImage } = await import('../domain/images/image-mount.ts');
    // Decide and act in one write transaction: another skiff may have moved the name away,
    // or given the image another one, since the lookup.
    const outcome = this.#store.db.write(() => {
      const current = this.#store.images.get(img.id);
      if (!current) throw new NoSuchImageError(input);
      if (!byId) {
        const named = current.names.find((n) => n === input || nameMatches(n, input));
        if (!named) throw new NoSuchImageError(input);
        if (current.names.length > 1) {
          this.#store.images.removeName(current.id, named);
          return { untagged: [named] };
        }
      } else if (current.names.length > 1 && !opts.force && !byAll) {
        throw new ExitStatusError(
          `unable to delete image "${current.id}" by ID with more than one tag (${JSON.stringify(current.names).replace(/,/g, ' ').replace(/"/g, '')}): please force removal`,
          125,
        );
      }
      if (mountedImages(this.#store).some((m) => m.id === current.id)) {
        if (!opts.force) throw new ImageInUseError(`image ${current.id} is mounted: unmount it first or use --force`);
        unmountImage(this.#store, current, true);
      }
      const users = this.#store.images.containersUsing(current.id);
      if (users.length && !opts.force) {
        throw new ImageInUseError(`image used by ${users[0]}: image is in use by a container: consider listing external containers and force-removing image`);
      }
      const parent = opts.noPrune || byAll ? undefined : new ImageGraph(this.#store.images.list(), this.#store.layers.all()).parent(current);
      return { untagged: current.names, deleted: current.id, trash: this.#store.images.delete(current.id), parent };
    });
    report.Untagged.push(...outcome.untagged);
    for (const name of outcome.untagged) await this.#event(img.id, name, 'untag');
    if (outcome.deleted === undefined) return;
    report.Deleted.push(outcome.deleted);
    await this.#event(outcome.deleted, outcome.untagged[0] ?? '', 'remove');
    removeTrash(outcome.trash);
    if (outcome.parent) this.#removeDanglingParents(outcome.parent.id, report);
  }

  /** Podman's rmi also removes the parents the removal left dangling (no names, no children, no containers). */
  #removeDanglingParents(id: string | undefined, report: ImageRemoveReport): void {
    while (id !== undefined) {
      const graph = new ImageGraph(this.#store.images.list(), this.#store.layers.all());
      const img = this.#store.images.get(id);
      if (!img || !graph.isDangling(img) || this.#store.images.containersUsing(id).length) return;
      const next = graph.parent(img)?.id;
      try {
        removeTrash(this.#store.images.delete(id));
      } catch {
        return;
      }
      report.Deleted.push(id);
      id = next;
    }
  }

  /** `import`: a rootfs tarball (file, `-`, or URL) becomes an image; returns its ID. */
  async import(opts: ImportOptions): Promise<string> {
    const { importTarball } = await import('../domain/images/import-tarball.ts');
    this.#store.layers.sweep();
    const id = (await importTarball(this.#store, opts)).id;
    await this.#event(id, '', 'import');
    return id;
  }

  /** `pull`: the image (or with allTags every tag) from its registry; see image-pull.ts. */
  async pull(name: string, opts: ImagePullOptions = {}): Promise<ImagePullReport> {
    const { pullImage } = await import('./image-pull.ts');
    this.#store.layers.sweep();
    const report = await pullImage(this.#store, name, opts);
    await this.#event('', name, 'pull');
    return report;
  }

  /**
   * The image create/run/build should use for `name` under `policy`: `missing` pulls only when
   * no local image answers to the name, `always` pulls, `never` never does, `newer` pulls and
   * falls back to the local image when the registry cannot be reached. An archive or layout
   * reference names no local image, so it is read each time. The local case never loads the
   * registry client (HTTP and TLS cost a short command ~30 ms).
   */
  async ensureImage(name: string, policy: PullPolicy = 'missing', opts: ImagePullOptions = {}): Promise<ImageRecord> {
    const fromArchive = sourceTransport(name) !== undefined;
    const local = fromArchive ? undefined : findImage(this.#store.images, name);
    if (local && (policy === 'missing' || policy === 'never')) return local;
    if (policy === 'never' && !fromArchive) throw new NoSuchImageError(name);
    try {
      const report = await this.pull(name, opts);
      return this.#store.images.get(report.images[0]!)!;
    } catch (err) {
      if (policy === 'newer' && local) return local;
      throw err;
    }
  }

  /** `push`: to a registry (`docker://`, the default) or an archive transport; see image-push.ts. */
  async push(source: string, destination: string | undefined, opts: ImagePushOptions = {}): Promise<ImagePushReport> {
    const { pushToDestination } = await import('./image-push.ts');
    const report = await pushToDestination(this.#store, source, destination, opts);
    await this.#event('', destination ?? source, 'push');
    return report;
  }

  /** `load`: every image of an archive; returns the names loaded (or `sha256:ID` for unnamed ones). */
  async load(opts: Omit<LoadOptions, 'tmpDir'>): Promise<ImageLoadReport> {
    const { loadArchive } = await import('../domain/images/load-archive.ts');
    this.#store.layers.sweep();
    const loaded = await loadArchive(this.#store, { ...opts, tmpDir: this.#engine.tmpDir });
    const names = loaded.flatMap((l) => (l.names.length ? l.names : [`sha256:${l.record.id}`]));
    await this.#event('', names.join(','), 'loadfromarchive');
    return { Names: names };
  }

  async save(namesOrIds: string[], opts: SaveOptions): Promise<void> {
    const { saveImages, saveNames } = await import('../domain/images/save-archive.ts');
    const images = namesOrIds.map((input) => {
      const record = this.lookup(input);
      return { record, names: saveNames(input, record) };
    });
    await saveImages(this.#store, images, opts);
    for (const { record } of images) await this.#event(record.id, '', 'save');
  }

  /** `image prune`: dangling (or, with `all`, unused) images, in rounds; see image-prune.ts. */
  async prune(opts: ImagePruneOptions = {}): Promise<PruneReport[]> {
    const { pruneImages } = await import('./image-prune.ts');
    return pruneImages(this.#store, opts, (nameOrId) => this.lookup(nameOrId));
  }

  /** `image tree`: the image's layers, or with `whatRequires` the layers built on it. */
  async tree(nameOrId: string, whatRequires = false): Promise<ImageTreeData> {
    const { imageTree } = await import('./image-tree.ts');
    return imageTree(this.#store, this.lookup(nameOrId), whatRequires);
  }

  /** Mounts the image read-only; returns the mount point. */
  async mount(nameOrId: string): Promise<string> {
    const { mountImage } = await import('../domain/images/image-mount.ts');
    return mountImage(this.#store, this.lookup(nameOrId));
  }

  /** Returns whether the image had been mounted. */
  async unmount(nameOrId: string, force = false): Promise<boolean> {
    const { unmountImage } = await import('../domain/images/image-mount.ts');
    return unmountImage(this.#store, this.lookup(nameOrId), force);
  }

  async mounted(): Promise<{ id: string; path: string; names: string[] }[]> {
    const { mountedImages } = await import('../domain/images/image-mount.ts');
    return mountedImages(this.#store).map((m) => ({ ...m, names: this.#store.images.get(m.id)?.names ?? [] }));
  }

  /** Images as JSON configs, for callers that need the parsed config of one. */
  config(nameOrId: string) {
    return parseImageConfig(this.lookup(nameOrId).config);
  }
}

function nameMatches(stored: string, input: string): boolean {
  try {
    return stored === normalizeLocalName(input) || stored.endsWith(`/${input}`) || stored.endsWith(`/${input}:latest`);
  } catch {
    return false;
  }
}
