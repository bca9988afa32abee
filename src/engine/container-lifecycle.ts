/**
 * init, start and cleanup: the steps that take a container to running and back. Functions
 * ending in `Locked` expect the caller to hold the container's lock.
 *
 *   init:    mount rootfs → resolve user, write hosts/resolv.conf/hostname/.containerenv →
 *            config.json → conmon (runtime create)                        → created
 *   start:   [init] → runtime start                                       → running
 *   cleanup: exit code from conmon's exit file, OOM → runtime delete → unmount → exited,
 *            then the restart policy (start again) or --rm (remove)
 */
import { sdNotify } from '../infra/sys/sd-notify.ts';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidStateError, NoSuchContainerError, SkiffError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { containerRunFilesOptions, containerSpecInput } from '../domain/containers/container-spec.ts';
import { checkTransition, liveStates, type ContainerConfig } from '../domain/containers/model.ts';
import { isUserModeNetwork } from '../domain/containers/network-flags.ts';
import { formatSpec, generateSpec } from '../domain/containers/spec/generate-spec.ts';
import { readHostInfo } from '../domain/containers/spec/host-info.ts';
import { resolveUser } from '../domain/containers/spec/resolve-user.ts';
import { prepareRunFiles } from '../domain/containers/spec/run-files.ts';
import { nowRfc3339, rfc3339FromNs } from '../domain/containers/timestamps.ts';
import { isRootless } from '../infra/config/paths.ts';
import { createContainer, findConmon, type ConmonLog } from '../infra/oci/conmon.ts';
import { readExitCode } from '../infra/oci/exit-file.ts';
import type { OciRuntime } from '../infra/oci/runtime.ts';
import { withPrecompiledSeccomp } from '../infra/oci/seccomp-bpf-cache.ts';
import { forEachContainer } from './container-batch.ts';
import { logMaxSize } from './container-inspect.ts';
import { containerDevices } from './container-create.ts';
import type { ContainerEngine } from './container-engine.ts';
import { resolveNamespaceFor } from './container-namespaces.ts';
import { setupNetworkLocked, teardownNetworkLocked, type NetworkSetup } from './container-network.ts';
import { adjustForRootless } from './rootless-spec.ts';
import type { BatchReport, ContainerCleanupOptions, ContainerStartOptions } from './container-reports.ts';
import { releaseVolumes, volumePathsFor, withSecrets } from './container-volumes.ts';


function conmonLog(config: ContainerConfig): ConmonLog {
  switch (config.logDriver) {
    case 'none':
    case 'journald':
    case 'passthrough':
      return { driver: config.logDriver };
    default:
      return { driver: 'k8s-file', path: config.logPath };
  }
}

/** Whether the runtime still holds state for the container (cheap: one stat). */
function runtimeKnows(runtime: OciRuntime, id: string): boolean {
  return runtime.root !== undefined && fs.existsSync(path.join(runtime.root, id));
}

/** Drops what a killed skiff or a dead monitor left in the runtime, so init can start afresh. */
export async function teardownRuntime(ce: ContainerEngine, rec: ContainerRecord, runtime = ce.runtimeFor(rec.config)): Promise<void> {
  if (rec.state.conmonPid && rec.state.status !== 'running' && isConmonOf(rec.state.conmonPid, rec.config.id)) {
    try {
      process.kill(rec.state.conmonPid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (runtimeKnows(runtime, rec.config.id)) await runtime.delete(rec.config.id, true).catch(() => {});
}

/** Whether `pid` is still this container's conmon (pids are reused; never signal a stranger). */
export function isConmonOf(pid: number, id: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(argv[0] ?? '') === 'conmon' && argv.includes(id);
  } catch {
    return false;
  }
}

/** Was the container killed by the OOM killer: conmon's `oom` file, or the cgroup's counter. */
function oomKilled(ce: ContainerEngine, config: ContainerConfig): boolean {
  const userdata = ce.userdataDir(config.id);
  if (fs.existsSync(path.join(userdata, 'persist', 'oom')) || fs.existsSync(path.join(userdata, 'oom'))) return true;
  const cgroup = `${config.cgroupParent || '/libpod_parent'}/libpod-${config.id}`;
  for (const file of [`/sys/fs/cgroup/memory${cgroup}/memory.oom_control`, `/sys/fs/cgroup${cgroup}/memory.events`, `/sys/fs/cgroup/unified${cgroup}/memory.events`]) {
    try {
      const m = /^oom_kill (\d+)$/m.exec(fs.readFileSync(file, 'utf8'));
      if (m && Number(m[1]) > 0) return true;
    } catch {
      // no such controller here
    }
  }
  return false;
}

export async function initLocked(ce: ContainerEngine, rec: ContainerRecord): Promise<ContainerRecord> {
  const { config } = rec;
  const id = config.id;
  const conf = await ce.conf();
  const runtime = ce.runtimeFor(config);
  await teardownRuntime(ce, rec, runtime);
  const userdata = ce.userdataDir(id);
  if (!rec.state.mountPoint) {
    const mountPoint = ce.mountRootfs(id);
    rec = ce.repo.updateState(id, (s) => ({ ...s, mountPoint }));
  }
  await startDependencies(ce, config);
  let conmonFds: number[] = [];
  let networkReady: NetworkSetup['ready'];
  let created: { pid: number; conmonPid: number } | undefined;
  try {
    await ce.engine.networks.load();
    const net = await setupNetworkLocked(ce, rec);
    rec = net.rec;
    networkReady = net.ready;
    conmonFds = net.conmonFds ?? [];
    const netnsPath = rec.state.netnsPath;
    const resolveNamespace = resolveNamespaceFor(ce);
    const rootfs = rec.state.mountPoint;
    const notify = notifyPlan(config.sdNotifyMode, userdata);
    const { input } = await adjustForRootless(
      containerSpecInput({
        config,
        rootfs,
        user: resolveUser(rootfs, config.user, config.groupAdd),
        runFiles: prepareRunFiles(userdata, containerRunFilesOptions(config, conf, isRootless(), net.info)),
        conf,
        host: readHostInfo(),
        volumePaths: await volumePathsFor(ce, config, rootfs),
        devices: containerDevices(config),
        ...(config.init ? { initPath: findInit(config.initPath || conf.containers.initPath, conf.engine.helperBinariesDir) } : {}),
        resolveNamespace: (value, type) => ((value === 'bridge' || isUserModeNetwork(value)) && netnsPath ? `ns:${netnsPath}` : resolveNamespace(value, type)),
        ...(notify.containerDir !== undefined ? { notifySocketDir: notify.containerDir } : {}),
      }),
      { userns: config.namespaces.user, user: config.user, idMappings: config.idMappings, resolveNamespace },
    );
    const spec = withPrecompiledSeccomp(generateSpec(withSecrets(ce, config, input, userdata)), runtime.name, path.join(ce.runRoot, 'seccomp'));
    fs.writeFileSync(path.join(userdata, 'config.json'), formatSpec(spec));
    fs.mkdirSync(ce.exitDir, { recursive: true, mode: 0o700 });
    fs.rmSync(ce.exitCodeFile(id), { force: true });
    fs.rmSync(path.join(userdata, 'persist'), { recursive: true, force: true });
    fs.rmSync(path.join(userdata, 'oom'), { force: true });
    fs.mkdirSync(path.join(userdata, 'persist'), { mode: 0o700 });
    created = await createContainer({
      conmonPath: ce.engine.options.conmon || findConmon(conf.engine.conmonPath),
      runtime,
      containerId: id,
      name: config.name,
      bundle: userdata,
      pidFile: path.join(userdata, 'pidfile'),
      conmonPidFile: config.conmonPidFile || path.join(userdata, 'conmon.pid'),
      exitDir: ce.exitDir,
      exitCommand: ce.exitCommand(config.engineArgs, id),
      log: conmonLog(config),
      logSizeMax: logMaxSize(config) || (conf.containers.logSizeMax > 0 ? conf.containers.logSizeMax : undefined),
      ...(config.logTag ? { logTag: config.logTag } : {}),
      stdin: config.stdin,
      terminal: config.tty,
      timeout: config.timeout,
      persistDir: path.join(userdata, 'persist'),
      systemdCgroup: config.cgroupManager === 'systemd',
      ...(notify.containerDir !== undefined ? { sdNotifySocket: notify.hostSocket } : {}),
      ...(conmonFds.length > 0 ? { inheritFds: conmonFds } : {}),
    });
    if (networkReady) {
      // The network came up while the runtime created the container: now the files that
      // name its addresses get them, in place (the container has them bind-mounted).
      const done = await networkReady;
      rec = done.rec;
      prepareRunFiles(userdata, containerRunFilesOptions(config, conf, isRootless(), done.info));
    }
    const { pid, conmonPid } = created;
    const initialised = ce.repo.updateState(id, (s) => ({ ...s, status: 'created', pid, conmonPid, error: '' }));
    await ce.engine.events.container(config, 'init');
    return initialised;
  } catch (err) {
    // Never tear the network down under a netavark still setting it up.
    await networkReady?.catch(() => {});
    if (created) await teardownRuntime(ce, { ...rec, state: { ...rec.state, status: 'created', conmonPid: created.conmonPid } }, runtime);
    ce.unmountRootfs(id);
    releaseVolumes(ce, config);
    await teardownNetworkLocked(ce, ce.byId(id) ?? rec);
    ce.repo.updateState(id, (s) => ({ ...s, mountPoint: '', pid: 0, conmonPid: 0, error: (err as Error).message }));
    throw err;
  } finally {
    // conmon holds its copies now (slirp4netns's exit pipe); ours must not keep slirp4netns alive.
    for (const fd of conmonFds) fs.closeSync(fd);
  }
}

/**
 * Podman starts the containers whose namespaces this one joins (`--network container:X` and
 * friends) when they are not running; theirs in turn, through their own init.
 */
async function startDependencies(ce: ContainerEngine, config: ContainerConfig): Promise<void> {
  for (const value of Object.values(config.namespaces)) {
    if (typeof value !== 'string' || !value.startsWith('container:')) continue;
    // a missing one fails with Podman's error where the namespace is resolved
    const dep = ce.repo.find(value.slice('container:'.length));
    if (!dep || dep.config.id === config.id || dep.state.status === 'running') continue;
    await ce.withLock(dep.config.id, async () => {
      const cur = await syncLocked(ce, dep.config.id);
      if (cur.state.status !== 'running') await startLocked(ce, dep.config.id);
    });
  }
}

/** catatonit for --init: the configured path, else the helper directories, else $PATH. */
function findInit(configured: string, helperDirs: readonly string[]): string {
  if (configured) return configured;
  const candidates = [...helperDirs.map((d) => path.join(d, 'catatonit')), ...(process.env.PATH ?? '/usr/bin').split(':').map((d) => path.join(d, 'catatonit'))];
  return candidates.find((p) => fs.existsSync(p)) ?? '/usr/bin/catatonit';
}

/** Starts (initialising first when needed); the lock must be held. */
export async function startLocked(ce: ContainerEngine, id: string): Promise<ContainerRecord> {
  let rec = await syncLocked(ce, id);
  checkTransition('start', id, rec.state.status);
  if (rec.state.status !== 'created') rec = await initLocked(ce, rec);
  return startCreatedLocked(ce, rec);
}

/** `runtime start` of a container init left in `created`. */
export async function startCreatedLocked(ce: ContainerEngine, rec: ContainerRecord): Promise<ContainerRecord> {
  const id = rec.config.id;
  const runtime = ce.runtimeFor(rec.config);
  try {
    await runtime.start(id);
  } catch (err) {
    await teardownRuntime(ce, { ...rec, state: { ...rec.state, status: 'created' } }, runtime);
    if (rec.state.mountPoint) ce.unmountRootfs(id);
    await ce.engine.networks.load();
    await teardownNetworkLocked(ce, ce.byId(id) ?? rec);
    ce.repo.updateState(id, (s) => ({ ...s, status: 'configured', mountPoint: '', pid: 0, conmonPid: 0, error: (err as Error).message }));
    throw err;
  }
  const next = ce.repo.updateState(id, (s) => ({ ...s, status: 'running', startedAt: nowRfc3339(), stoppedByUser: false, error: '', runnerPid: 0 }));
  if (rec.config.pidFile) fs.writeFileSync(rec.config.pidFile, String(rec.state.pid));
  notifyReady(rec.config.sdNotifyMode, next.state.conmonPid, ce.engine.options.warn);
  if (rec.config.healthcheck) await import('./container-health.ts').then((h) => h.startHealthTimer(ce, next));
  await ce.engine.events.container(rec.config, 'start');
  return next;
}

/**
 * The record reconciled with conmon: a live-state container whose exit file exists, or whose
 * monitor died (and the runtime says it stopped), is cleaned up now. Throws
 * NoSuchContainerError when that cleanup removed it (--rm).
 */
export async function syncLocked(ce: ContainerEngine, id: string): Promise<ContainerRecord> {
  const rec = ce.byId(id);
  if (!rec) throw new NoSuchContainerError(id);
  if (!liveStates.includes(rec.state.status)) return rec;
  let code = readExitCode(ce.exitDir, id);
  if (code === undefined) {
    if (!rec.state.conmonPid || isConmonOf(rec.state.conmonPid, id)) return rec;
    const runtime = ce.runtimeFor(rec.config);
    const state = runtimeKnows(runtime, id) ? await runtime.state(id).catch(() => undefined) : undefined;
    if (state && state.status !== 'stopped') return rec;
    code = readExitCode(ce.exitDir, id) ?? -1;
  }
  const after = await cleanupLocked(ce, rec, { code });
  if (!after) throw new NoSuchContainerError(id);
  return after;
}

function shouldRestart(config: ContainerConfig, code: number, restartCount: number, stoppedByUser: boolean): boolean {
  if (stoppedByUser) return false;
  switch (config.restartPolicy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return code !== 0 && (config.restartPolicy.maxRetries === 0 || restartCount < config.restartPolicy.maxRetries);
    default:
      return false;
  }
}

/**
 * After the process ended: records the exit, frees the runtime state and the mount, then
 * restarts (restart policy) or removes (--rm) it. Returns the record, undefined once removed.
 */
export async function cleanupLocked(ce: ContainerEngine, rec: ContainerRecord, opts: { code?: number; rm?: boolean } = {}): Promise<ContainerRecord | undefined> {
  const { config } = rec;
  const id = config.id;
  const exitFile = ce.exitCodeFile(id);
  const code = opts.code ?? readExitCode(ce.exitDir, id) ?? rec.state.exitCode;
  let finishedAt = nowRfc3339();
  try {
    finishedAt = rfc3339FromNs(fs.statSync(exitFile, { bigint: true }).mtimeNs);
  } catch {
    // no exit file: now is as good as it gets
  }
  const wasLive = liveStates.includes(rec.state.status);
  const oom = wasLive && oomKilled(ce, config);
  if (wasLive) await ce.engine.events.container(config, 'died');
  // `runtime delete` of a stopped container does not use its network namespace, so it runs
  // while netavark takes the network down; the rootfs stays mounted until the runtime is done.
  const runtimeGone = teardownRuntime(ce, { ...rec, state: { ...rec.state, status: 'exited' } });
  try {
    await ce.engine.networks.load();
    await teardownNetworkLocked(ce, ce.byId(id) ?? rec);
  } finally {
    await runtimeGone;
  }
  if (rec.state.mountPoint) ce.unmountRootfs(id);
  releaseVolumes(ce, config);
  if (config.healthcheck && wasLive) await import('./container-health.ts').then((h) => h.stopHealthTimer(rec));
  let next = ce.repo.updateState(id, (s) => ({
    ...s,
    ...(wasLive ? { status: 'exited' as const, exitCode: code, finishedAt, oomKilled: oom } : {}),
    pid: 0,
    conmonPid: 0,
    mountPoint: '',
  }));
  if (wasLive && shouldRestart(config, code, next.state.restartCount, next.state.stoppedByUser)) {
    next = ce.repo.updateState(id, (s) => ({ ...s, restartCount: s.restartCount + 1 }));
    try {
      return await startLocked(ce, id);
    } catch (err) {
      return ce.repo.updateState(id, (s) => ({ ...s, error: (err as Error).message }));
    }
  }
  if (config.autoRemove || opts.rm) {
    const { removeLocked } = await import('./container-remove.ts');
    await removeLocked(ce, next, { volumes: true });
    return undefined;
  }
  return next;
}

export function initContainers(ce: ContainerEngine, namesOrIds: string[], opts: { all?: boolean; latest?: boolean }): Promise<BatchReport[]> {
  return forEachContainer(ce, namesOrIds, opts, (rec) =>
    ce.withLock(rec.config.id, async () => {
      const cur = await syncLocked(ce, rec.config.id);
      // Podman: init of an initialised container is an error, of a running one too.
      checkTransition('init', cur.config.id, cur.state.status);
      await initLocked(ce, cur);
    }),
  );
}

export function startContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerStartOptions): Promise<BatchReport[]> {
  return forEachContainer(ce, namesOrIds, opts, (rec) =>
    ce.withLock(rec.config.id, async () => {
      const cur = await syncLocked(ce, rec.config.id);
      // Starting a running container is not an error (Podman).
      if (cur.state.status === 'running') return;
      try {
        await startLocked(ce, cur.config.id);
      } catch (err) {
        if (err instanceof InvalidStateError) throw err;
        throw new SkiffError(`unable to start container "${cur.config.id}": ${(err as Error).message}`, { cause: err });
      }
    }),
  );
}

export function cleanupContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerCleanupOptions): Promise<BatchReport[]> {
  return forEachContainer(ce, namesOrIds, opts, (rec) =>
    ce.withLock(rec.config.id, async () => {
      const cur = ce.byId(rec.config.id);
      if (!cur) return;
      if (liveStates.includes(cur.state.status)) {
        const code = readExitCode(ce.exitDir, cur.config.id);
        // conmon runs this once the exit file is written; without one the process still runs.
        if (code === undefined) {
          if (!cur.state.conmonPid || isConmonOf(cur.state.conmonPid, cur.config.id)) return;
        }
        await syncLocked(ce, cur.config.id).catch((err: unknown) => {
          if (!(err instanceof NoSuchContainerError)) throw err;
        });
        if (opts.rm && ce.byId(cur.config.id)) await cleanupLocked(ce, ce.byId(cur.config.id)!, { rm: true });
        return;
      }
      await cleanupLocked(ce, cur, { rm: opts.rm });
    }),
  );
}

/**
 * `--sdnotify`: with `container` (Podman's default) and a NOTIFY_SOCKET from systemd, conmon
 * makes a socket in the bundle that the container gets as /run/notify/notify.sock and relays
 * its READY=1; with `conmon`, skiff itself reports ready once the container runs, naming conmon
 * as the main process; `ignore` (or no NOTIFY_SOCKET) does neither.
 */
function notifyPlan(mode: string, userdata: string): { containerDir?: string; hostSocket?: string } {
  const hostSocket = process.env['NOTIFY_SOCKET'];
  if (!hostSocket || mode !== 'container') return {};
  const containerDir = path.join(userdata, 'notify');
  fs.mkdirSync(containerDir, { recursive: true, mode: 0o700 });
  return { containerDir, hostSocket };
}

function notifyReady(mode: string, conmonPid: number, warn: ((message: string) => void) | undefined): void {
  const socket = process.env['NOTIFY_SOCKET'];
  if (!socket || mode !== 'conmon') return;
  try {
    sdNotify(socket, `MAINPID=${conmonPid}\nREADY=1`);
  } catch (err) {
    warn?.(`sd_notify to ${socket}: ${(err as Error).message}`);
  }
}
