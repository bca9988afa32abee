/**
 * Containers over the local store and the OCI runtime (Podman's ContainerEngine). Public
 * verbs lock the container, check the transition, then act; the primitives at the top are
 * for other engine code (exec, cp, commit, mount, …):
 *
 *   const rec = engine.containers.lookup('web');                  // NoSuchContainerError if none
 *   await engine.containers.withLock(rec.config.id, async () => {
 *     const cur = await engine.containers.sync(rec.config.id);      // reconciled with the exit file
 *     const root = engine.containers.mountRootfs(cur.config.id);    // counted; pair with unmountRootfs
 *     const runtime = engine.containers.runtimeFor(cur.config);     // the container's crun/runc
 *     …
 *   });
 *
 * Locks are flock(2) files under `<runroot>/locks`, re-entrant within one process; never
 * hold one while waiting for a container to exit (stop and wait release it first).
 */
import type { ImagePullOptions } from './image-pull.ts';
import fs from 'node:fs';
import path from 'node:path';
import { NoSuchContainerError } from '../define/errors.ts';
import { ContainerRepo, type ContainerRecord } from '../domain/containers/container-repo.ts';
import type { ContainerCreateOptions } from '../domain/containers/create-options.ts';
import type { ContainersConf } from '../infra/config/containers-conf.ts';
import { isRootless } from '../infra/config/paths.ts';
import { deferringExitCommand } from '../infra/oci/exit-command.ts';
import { findRuntime, type OciRuntime } from '../infra/oci/runtime.ts';
import { isMounted, mountOverlay, unmountContainerRoot } from '../infra/storage/overlay.ts';
import type {
  ContainerCleanupOptions, ContainerInspectReport, ContainerListOptions, ContainerLogsOptions, ContainerRmOptions,
  ContainerRunOptions, ContainerRunReport, ContainerStartOptions, ContainerStopOptions, ContainerWaitOptions,
  ListContainer, LogLine, PruneContainerReport, BatchReport, WaitReport,
} from './container-reports.ts';
import { inspectContainer } from './container-inspect.ts';
import { containerMappedLower } from './keep-id-rootfs.ts';
import type { Engine } from './engine.ts';

export type { ContainerCreateOptions } from '../domain/containers/create-options.ts';

export class ContainerEngine {
  readonly #engine: Engine;
  readonly repo: ContainerRepo;
  #conf: ContainersConf | undefined;
  readonly #held = new Map<string, number>();

  constructor(engine: Engine) {
    this.#engine = engine;
    this.repo = new ContainerRepo(engine.store.db);
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** containers.conf, loaded once per process on first use. */
  async conf(): Promise<ContainersConf> {
    if (!this.#conf) {
      const { loadContainersConf } = await import('../infra/config/containers-conf.ts');
      this.#conf = loadContainersConf();
    }
    return this.#conf;
  }

  // ---- primitives ----------------------------------------------------------------------

  /** The container named or identified (full ID, name, unique ID prefix); NoSuchContainerError when none. */
  lookup(nameOrId: string): ContainerRecord {
    return this.repo.get(nameOrId);
  }

  /** The record by full ID, undefined when it is gone. */
  byId(id: string): ContainerRecord | undefined {
    return this.repo.byId(id);
  }

  /** Every container, oldest first, as the database holds them (no reconciliation). */
  list(): ContainerRecord[] {
    return this.repo.list();
  }

  exists(nameOrId: string): boolean {
    return this.repo.find(nameOrId) !== undefined;
  }

  /**
   * Runs fn holding the container's lock. Re-entrant within this process (nested calls for
   * the same ID just run); do not run two unrelated operations on one container concurrently
   * in one process.
   */
  async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const depth = this.#held.get(id) ?? 0;
    if (depth > 0) {
      this.#held.set(id, depth + 1);
      try {
        return await fn();
      } finally {
        this.#held.set(id, this.#held.get(id)! - 1);
      }
    }
    const { FileLock } = await import('../infra/sys/flock.ts');
    fs.mkdirSync(this.locksDir, { recursive: true, mode: 0o700 });
    const lock = FileLock.acquire(this.lockFile(id));
    this.#held.set(id, 1);
    try {
      return await fn();
    } finally {
      this.#held.delete(id);
      lock.release();
    }
  }

  /** The OCI runtime the container was created with, its state under `<runroot>/<name>`. */
  runtimeFor(config: { runtime: string }): OciRuntime {
    const name = path.basename(config.runtime || 'runc');
    return findRuntime(config.runtime || undefined, this.#conf?.engine.runtimes ?? {}, path.join(this.runRoot, name));
  }

  /** `overlay-containers/<id>`: the rw layer (diff, work) and userdata. */
  containerDir(id: string): string {
    return this.#engine.store.paths.containerDir(id);
  }

  /** The bundle: config.json, the log, hosts/resolv.conf/hostname, pid files, attach socket, ctl FIFO. */
  userdataDir(id: string): string {
    return path.join(this.containerDir(id), 'userdata');
  }

  /** Where the rootfs is mounted while the container runs or is mounted. */
  mountPoint(id: string): string {
    return this.#engine.store.paths.mountPoint('container', id);
  }

  get runRoot(): string {
    return this.#engine.store.paths.runRoot;
  }

  /** conmon's exit files: `<exitDir>/<id>` holds the exit status once the container ended. */
  get exitDir(): string {
    return path.join(this.runRoot, 'exits');
  }

  get locksDir(): string {
    return path.join(this.runRoot, 'locks');
  }

  lockFile(id: string): string {
    return path.join(this.locksDir, `${id}.lock`);
  }

  /** `<exitDir>/<id>`'s status, undefined while there is none. */
  exitCodeFile(id: string): string {
    return path.join(this.exitDir, id);
  }

  /**
   * Mounts the container's root file system (overlay: image layers below, the container's
   * diff on top), counting references in the `mounts` table; returns the mount point.
   */
  mountRootfs(id: string): string {
    const store = this.#engine.store;
    const rec = this.repo.byId(id);
    if (!rec) throw new NoSuchContainerError(id);
    const target = this.mountPoint(id);
    return store.db.write(() => {
      const row = store.db.get<{ count: number }>("SELECT count FROM mounts WHERE kind = 'container' AND id = ?", id);
      const live = isMounted(target);
      if (!live) {
        const image = store.images.get(rec.config.imageId);
        const chain = image ? store.layers.chain(image.topLayer) : [];
        const dir = this.containerDir(id);
        const lowerLinks = chain.map((l) => l.link).reverse();
        const rootless = isRootless();
        mountOverlay({
          layersDir: store.paths.layers,
          lowerLinks,
          upperDir: path.join(dir, 'diff'),
          workDir: path.join(dir, 'work'),
          target,
          // In a user namespace overlay keeps its metadata in user.* xattrs (kernel ≥ 5.11).
          ...(rootless ? { options: ['userxattr'] } : {}),
          ...containerMappedLower(store, rec.config, chain, dir, rootless),
          ...(store.mountProgram ? { mountProgram: store.mountProgram } : {}),
        });
      }
      const count = live && row ? Number(row.count) + 1 : 1;
      store.db.run("INSERT OR REPLACE INTO mounts (kind, id, path, count) VALUES ('container', ?, ?, ?)", id, target, count);
      return target;
    });
  }

  /** Drops one reference (all with `force`), unmounting at zero; returns whether it was mounted. */
  unmountRootfs(id: string, force = false): boolean {
    const store = this.#engine.store;
    const target = this.mountPoint(id);
    return store.db.write(() => {
      const row = store.db.get<{ count: number }>("SELECT count FROM mounts WHERE kind = 'container' AND id = ?", id);
      const count = force || !row ? 0 : Number(row.count) - 1;
      if (count > 0) {
        store.db.run("UPDATE mounts SET count = ? WHERE kind = 'container' AND id = ?", count, id);
        return true;
      }
      const was = unmountContainerRoot(target, path.join(this.containerDir(id), 'idmapped'));
      fs.rmSync(target, { recursive: true, force: true });
      store.db.run("DELETE FROM mounts WHERE kind = 'container' AND id = ?", id);
      return was || row !== undefined;
    });
  }

  /** Mount references held by `container mount` and running containers: ID → count. */
  mountCounts(): Map<string, number> {
    const rows = this.#engine.store.db.all<{ id: string; count: number }>("SELECT id, count FROM mounts WHERE kind = 'container'");
    return new Map(rows.map((r) => [r.id, Number(r.count)]));
  }

  /**
   * The script conmon's exit command runs with this Node: the CLI entry that started this
   * process (bundle, dist or source alike). A program embedding the engine sets it to its
   * own skiff CLI entry.
   */
  static cliEntry: string = process.argv[1] ?? '';

  /**
   * The argv conmon runs when the container exits: this skiff with the store and runtime
   * the container was created with, `container cleanup <id>`.
   */
  exitCommand(engineArgs: readonly string[], id: string): string[] {
    return deferringExitCommand(this.cleanupClaimFile(id), [process.execPath, '--', ContainerEngine.cliEntry, ...engineArgs, 'container', 'cleanup', id]);
  }

  /** Held locked by an attached skiff that will clean the container up itself (../infra/oci/exit-command.ts). */
  cleanupClaimFile(id: string): string {
    return path.join(this.locksDir, `${id}.cleanup`);
  }

  /**
   * Claims the cleanup of a container this skiff will see to itself, so that conmon's exit
   * command steps aside: undefined when another skiff holds it. Remove the claim file once the
   * cleanup is done, then release; a claim released but left behind lets the exit command do it.
   */
  async claimCleanup(id: string): Promise<{ release(): void } | undefined> {
    const { FileLock } = await import('../infra/sys/flock.ts');
    fs.mkdirSync(this.locksDir, { recursive: true, mode: 0o700 });
    return FileLock.tryAcquire(this.cleanupClaimFile(id));
  }

  /** Global flags that reproduce this engine's store and runtime choices in another skiff process. */
  engineArgs(runtime: string, logLevel?: string): string[] {
    const o = this.#engine.options;
    const args = ['--root', this.#engine.store.paths.graphRoot, '--runroot', this.runRoot, '--runtime', runtime];
    if (o.storageDriver) args.push('--storage-driver', o.storageDriver);
    for (const opt of o.storageOpts ?? []) args.push('--storage-opt', opt);
    if (o.cgroupManager) args.push('--cgroup-manager', o.cgroupManager);
    if (o.tmpdir) args.push('--tmpdir', o.tmpdir);
    if (o.conmon) args.push('--conmon', o.conmon);
    if (o.eventsBackend) args.push('--events-backend', o.eventsBackend);
    if (logLevel) args.push('--log-level', logLevel);
    return args;
  }

  /**
   * The record brought up to date with what conmon left: a container marked running whose
   * exit file exists (or whose monitor died) is cleaned up now. Call holding the lock.
   */
  async sync(id: string): Promise<ContainerRecord> {
    const { syncLocked } = await import('./container-lifecycle.ts');
    return syncLocked(this, id);
  }

  // ---- verbs -----------------------------------------------------------------------------

  /** `create`: returns the new container's ID. The image is pulled as `opts.pull` says, with `pull`'s registry options. */
  async create(opts: ContainerCreateOptions, pull: ImagePullOptions = {}): Promise<string> {
    const { createContainer } = await import('./container-create.ts');
    return createContainer(this, opts, pull);
  }

  /** `init`: prepares and creates the container in the runtime without starting it. */
  async init(namesOrIds: string[], opts: { all?: boolean; latest?: boolean } = {}): Promise<BatchReport[]> {
    const { initContainers } = await import('./container-lifecycle.ts');
    return initContainers(this, namesOrIds, opts);
  }

  /** `start` without attaching. */
  async start(namesOrIds: string[], opts: ContainerStartOptions = {}): Promise<BatchReport[]> {
    const { startContainers } = await import('./container-lifecycle.ts');
    return startContainers(this, namesOrIds, opts);
  }

  /** `run`, and `start -a`/`attach`: see container-run.ts for the order of things. */
  async run(opts: ContainerRunOptions): Promise<ContainerRunReport> {
    const { runContainer } = await import('./container-run.ts');
    return runContainer(this, opts);
  }

  async startAttached(nameOrId: string, opts: Omit<ContainerRunOptions, 'create' | 'detach'>): Promise<ContainerRunReport> {
    const { startAttached } = await import('./container-run.ts');
    return startAttached(this, nameOrId, opts);
  }

  async attach(nameOrId: string, opts: Omit<ContainerRunOptions, 'create' | 'detach'>): Promise<ContainerRunReport> {
    const { attachContainer } = await import('./container-run.ts');
    return attachContainer(this, nameOrId, opts);
  }

  async stop(namesOrIds: string[], opts: ContainerStopOptions = {}): Promise<BatchReport[]> {
    const { stopContainers } = await import('./container-stop.ts');
    return stopContainers(this, namesOrIds, opts);
  }

  async kill(namesOrIds: string[], opts: { signal?: string; all?: boolean; latest?: boolean } = {}): Promise<BatchReport[]> {
    const { killContainers } = await import('./container-stop.ts');
    return killContainers(this, namesOrIds, opts);
  }

  async restart(namesOrIds: string[], opts: ContainerStopOptions & { running?: boolean } = {}): Promise<BatchReport[]> {
    const { restartContainers } = await import('./container-stop.ts');
    return restartContainers(this, namesOrIds, opts);
  }

  async pause(namesOrIds: string[], opts: { all?: boolean; latest?: boolean } = {}): Promise<BatchReport[]> {
    const { pauseContainers } = await import('./container-stop.ts');
    return pauseContainers(this, namesOrIds, opts, true);
  }

  async unpause(namesOrIds: string[], opts: { all?: boolean; latest?: boolean } = {}): Promise<BatchReport[]> {
    const { pauseContainers } = await import('./container-stop.ts');
    return pauseContainers(this, namesOrIds, opts, false);
  }

  /** `container clone`: the new container's ID. */
  async clone(nameOrId: string, opts: import('./container-clone.ts').ContainerCloneOptions = {}): Promise<string> {
    const { cloneContainer } = await import('./container-clone.ts');
    return cloneContainer(this, nameOrId, opts);
  }

  async remove(namesOrIds: string[], opts: ContainerRmOptions = {}): Promise<BatchReport[]> {
    const { removeContainers } = await import('./container-remove.ts');
    return removeContainers(this, namesOrIds, opts);
  }

  async wait(namesOrIds: string[], opts: ContainerWaitOptions = {}): Promise<WaitReport[]> {
    const { waitContainers } = await import('./container-wait.ts');
    return waitContainers(this, namesOrIds, opts);
  }

  /** `container cleanup`, also conmon's exit command. */
  async cleanup(namesOrIds: string[], opts: ContainerCleanupOptions = {}): Promise<BatchReport[]> {
    const { cleanupContainers } = await import('./container-lifecycle.ts');
    return cleanupContainers(this, namesOrIds, opts);
  }

  async prune(filters: string[] = []): Promise<PruneContainerReport[]> {
    const { pruneContainers } = await import('./container-remove.ts');
    return pruneContainers(this, filters);
  }

  /** `ps`: state from the database, exited containers noticed through their exit files. */
  async ps(opts: ContainerListOptions = {}): Promise<ListContainer[]> {
    const { listContainers } = await import('./container-list.ts');
    return listContainers(this, opts);
  }

  /**
   * Brings a container's record up to date when its conmon has exited or died, as `ps` does
   * (inspect reads records synchronously, so it asks for this first). Unknown names are left
   * for the lookup to report.
   */
  async refresh(nameOrId: string): Promise<void> {
    const rec = this.repo.find(nameOrId);
    if (!rec) return;
    const { reconcile } = await import('./container-list.ts');
    await reconcile(this, [rec]);
  }

  /** `inspect`: Podman's InspectContainerData shape (synchronous, for the generic `inspect`). */
  inspect(nameOrId: string, opts: { size?: boolean } = {}): ContainerInspectReport {
    return inspectContainer(this, this.lookup(nameOrId), opts);
  }

  /** `logs`: lines in order, handed to `sink` as they are read (and, with follow, as they come). */
  async logs(namesOrIds: string[], opts: ContainerLogsOptions, sink: (line: LogLine) => void): Promise<void> {
    const { readLogs } = await import('./container-logs.ts');
    return readLogs(this, namesOrIds, opts, sink);
  }

  /** The most recently created container (`--latest`). */
  latest(): ContainerRecord | undefined {
    return this.repo.list().at(-1);
  }
}
