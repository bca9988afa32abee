/**
 * conmon, the per-container monitor (DESIGN.md §1). skiff spawns it with a sync pipe (fd 3)
 * and a start pipe (fd 4); conmon double-forks, runs `runtime create` as its child, reports
 * the container's pid on the sync pipe, then owns the container's stdio, log and exit file,
 * and runs the exit command when the container ends. Call order for a container:
 *   createContainer() → [attach()] → runtime.start() → waitForExitCode() / exit command.
 */
import type { StdioOptions } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { MissingProgramError, ProgramFailedError } from '../../define/errors.ts';
import { runtimeError, SyncPipe } from './conmon-pipe.ts';
import { runtimeEnv, type OciRuntime } from './runtime.ts';

/** Where Podman's containers.conf looks for conmon before $PATH. */
const conmonPaths = [
  '/usr/libexec/podman/conmon',
  '/usr/local/libexec/podman/conmon',
  '/usr/local/lib/podman/conmon',
  '/usr/bin/conmon',
  '/usr/sbin/conmon',
  '/usr/local/bin/conmon',
  '/usr/local/sbin/conmon',
];

/** The conmon binary: the first configured path that is executable, else one on $PATH. */
export function findConmon(configured: readonly string[] = conmonPaths): string {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const p of [...configured, ...pathDirs.map((d) => join(d, 'conmon'))]) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next candidate
    }
  }
  throw new MissingProgramError('conmon', 'conmon');
}

/** How conmon stores the container's output. */
export type ConmonLog =
  | { driver: 'k8s-file'; path: string }
  | { driver: 'journald' }
  | { driver: 'none' }
  /** container stdio is conmon's stdio, which is the caller's (no attach socket then) */
  | { driver: 'passthrough' };

/** Flags shared by container and exec-session monitors (Podman's sharedConmonArgs). */
export interface ConmonCommonOptions {
  /** conmon binary; found with findConmon() when unset */
  conmonPath?: string;
  runtime: OciRuntime;
  /** container ID (`-c`) */
  containerId: string;
  /** container name (`-n`), for logs */
  name: string;
  /** directory of the exit file `<exitDir>/<containerId>` */
  exitDir: string;
  /** program and arguments conmon runs when the process exits */
  exitCommand?: readonly string[];
  /** seconds conmon waits before running the exit command */
  exitDelay?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** also send conmon's own messages to syslog */
  syslog?: boolean;
  /** extra runtime flags, after the runtime's global ones */
  runtimeArgs?: readonly string[];
  /** caller fds 3…3+n-1 handed to the container (LISTEN_FDS, --preserve-fds) */
  preserveFds?: number;
  /** give up when conmon has not reported within this time (Podman: 4 minutes) */
  timeoutMs?: number;
}

export interface CreateContainerOptions extends ConmonCommonOptions {
  /** bundle directory holding config.json; conmon also puts `attach`, `ctl` and `winsz` here */
  bundle: string;
  /** the container's pid file (`-p`) */
  pidFile: string;
  /** conmon writes its own pid here (`--conmon-pidfile`) */
  conmonPidFile: string;
  log: ConmonLog;
  logSizeMax?: number;
  logTag?: string;
  /** keep a pipe to the container's stdin (`-i`) */
  stdin?: boolean;
  /** keep the container's stdin open when an attached client goes away (else it reads EOF) */
  leaveStdinOpen?: boolean;
  /** give the container a pseudo-terminal (`-t`); conmon makes the console socket itself */
  terminal?: boolean;
  /** kill the container after this many seconds (`--timeout`) */
  timeout?: number;
  /** conmon writes `exit` (and `oom`) files here too (`--persist-dir`) */
  persistDir?: string;
  /**
   * Attach sockets go to `<socketDir>/<id>/attach` through a short symlink to the bundle;
   * by default conmon puts the socket in the bundle itself (`--full-attach`).
   */
  socketDir?: string;
  noPivot?: boolean;
  /** keep the caller's session keyring instead of a new one */
  noNewKeyring?: boolean;
  /** host sd_notify socket conmon relays the container's READY=1 to (`--sdnotify-socket`) */
  sdNotifySocket?: string;
  /** systemd cgroup manager (`-s`) */
  systemdCgroup?: boolean;
  /** caller fds conmon keeps open for its whole life, unseen by the container (slirp4netns's exit pipe) */
  inheritFds?: readonly number[];
}

export interface CreatedContainer {
  /** the container's init process, as the host sees it */
  pid: number;
  /** the monitor's pid (it outlives the caller) */
  conmonPid: number;
}

/** Paths conmon serves for a container bundle. */
export function attachSocketPath(opts: Pick<CreateContainerOptions, 'bundle' | 'socketDir' | 'containerId'>): string {
  return opts.socketDir === undefined ? join(opts.bundle, 'attach') : join(opts.socketDir, opts.containerId, 'attach');
}

export function ctlPath(bundle: string): string {
  return join(bundle, 'ctl');
}

/** The arguments every conmon invocation shares; `uuid` is the container ID or exec session ID. */
export function commonConmonArgs(opts: ConmonCommonOptions, uuid: string, bundle: string, pidFile: string, log: ConmonLog): string[] {
  const args = ['--api-version', '1', '-c', opts.containerId, '-u', uuid, '-r', opts.runtime.path, '-b', bundle, '-p', pidFile, '-n', opts.name];
  args.push('--exit-dir', opts.exitDir);
  for (const a of [...opts.runtime.globalArgs, ...(opts.runtimeArgs ?? [])]) args.push('--runtime-arg', a);
  args.push('-l', log.driver === 'k8s-file' ? `k8s-file:${log.path}` : log.driver);
  args.push('--log-level', opts.logLevel ?? 'error');
  if (opts.syslog) args.push('--syslog');
  if (opts.preserveFds) args.push('--runtime-opt', '--preserve-fds', '--runtime-opt', String(opts.preserveFds));
  if (opts.exitCommand && opts.exitCommand.length > 0) {
    args.push('--exit-command', opts.exitCommand[0]!);
    for (const a of opts.exitCommand.slice(1)) args.push('--exit-command-arg', a);
    if (opts.exitDelay !== undefined) args.push('--exit-delay', String(opts.exitDelay));
  }
  return args;
}

function createArgs(opts: CreateContainerOptions): string[] {
  const args = commonConmonArgs(opts, opts.containerId, opts.bundle, opts.pidFile, opts.log);
  if (opts.socketDir === undefined) args.push('--full-attach');
  else args.push('--socket-dir-path', opts.socketDir);
  args.push('--conmon-pidfile', opts.conmonPidFile);
  if (opts.logSizeMax !== undefined && opts.logSizeMax > 0) args.push('--log-size-max', String(opts.logSizeMax));
  if (opts.logTag) args.push('--log-tag', opts.logTag);
  if (opts.terminal) args.push('-t');
  else if (opts.stdin) args.push('-i');
  if (opts.leaveStdinOpen) args.push('--leave-stdin-open');
  if (opts.timeout !== undefined && opts.timeout > 0) args.push('--timeout', String(opts.timeout));
  if (opts.persistDir !== undefined) args.push('--persist-dir', opts.persistDir);
  if (opts.noPivot) args.push('--no-pivot');
  if (opts.noNewKeyring) args.push('--no-new-keyring');
  if (opts.sdNotifySocket !== undefined) args.push('--sdnotify-socket', opts.sdNotifySocket);
  if (opts.systemdCgroup) args.push('-s');
  return args;
}

export interface SpawnedConmon {
  /** resolves with conmon's (first) exit status and its stderr once the launcher exits */
  launcherExit: Promise<{ code: number | null; stderr: string }>;
  sync: SyncPipe;
  start: Writable;
  /** only for exec sessions with attach (`_OCI_ATTACHPIPE`) */
  attach: SyncPipe | undefined;
}

/**
 * Spawns conmon with its pipes after any preserved fds: sync, start and (for exec with
 * attach) attach, announced by _OCI_SYNCPIPE/_OCI_STARTPIPE/_OCI_ATTACHPIPE. conmon gets its
 * own session so a Ctrl-C on the caller's terminal does not reach the monitor.
 */
export function spawnConmon(opts: ConmonCommonOptions, args: string[], extra: { attachPipe: boolean; passthrough: boolean; cwd?: string; inheritFds?: readonly number[] }): SpawnedConmon {
  const conmon = opts.conmonPath ?? findConmon();
  const preserved = opts.preserveFds ?? 0;
  const stdio: StdioOptions = extra.passthrough ? ['inherit', 'inherit', 'inherit'] : ['ignore', 'ignore', 'pipe'];
  for (let fd = 3; fd < 3 + preserved; fd++) stdio.push(fd);
  stdio.push('pipe', 'pipe');
  if (extra.attachPipe) stdio.push('pipe');
  stdio.push(...(extra.inheritFds ?? []));
  const env = runtimeEnv();
  env._OCI_SYNCPIPE = String(3 + preserved);
  env._OCI_STARTPIPE = String(4 + preserved);
  if (extra.attachPipe) env._OCI_ATTACHPIPE = String(5 + preserved);
  // Loaded here, not imported: `ps` reaches this module and never starts conmon.
  const child = process.getBuiltinModule('node:child_process').spawn(conmon, args, { stdio, env, detached: true, cwd: extra.cwd });
  const errChunks: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => errChunks.push(b));
  const launcherExit = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new MissingProgramError('conmon', 'conmon') : e));
    child.on('exit', (code) => {
      // The grandchild holds our stderr pipe until it redirects its stdio; do not wait for it.
      setImmediate(() => resolve({ code, stderr: Buffer.concat(errChunks).toString('utf8') }));
    });
  });
  const pipe = (fd: number) => child.stdio[fd] as unknown as Readable & Writable;
  return {
    launcherExit,
    sync: new SyncPipe(pipe(3 + preserved)),
    start: pipe(4 + preserved),
    attach: extra.attachPipe ? new SyncPipe(pipe(5 + preserved)) : undefined,
  };
}

/** Lets conmon go on: it blocks on the start pipe until the caller is ready. */
export function signalStart(start: Writable): Promise<void> {
  return new Promise((resolve, reject) => start.write(Buffer.from([0]), (err) => (err ? reject(err) : resolve())));
}

/** Rejects after `ms` with a message, unless the work settles first. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProgramFailedError('conmon', null, `${what}: timed out after ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the container through conmon and returns once `runtime create` succeeded: the
 * container's process exists, paused before the user's command, until `runtime.start(id)`.
 * A failure to create maps to CommandNotFoundError (127), CannotInvokeError (126) or
 * OciRuntimeError, as Podman does, after dropping what the runtime left of the container.
 */
export async function createContainer(opts: CreateContainerOptions): Promise<CreatedContainer> {
  const conmon = spawnConmon(opts, createArgs(opts), { attachPipe: false, passthrough: opts.log.driver === 'passthrough', ...(opts.inheritFds ? { inheritFds: opts.inheritFds } : {}) });
  try {
    await signalStart(conmon.start);
    conmon.start.end();
    const message = await withTimeout(conmon.sync.next(), opts.timeoutMs ?? 240_000, 'container creation').catch(async (err: unknown) => {
      // Still waiting for the runtime: the monitor is stuck, stop it.
      killMonitor(opts.conmonPidFile);
      throw err;
    });
    if (message === undefined) {
      const { code, stderr } = await conmon.launcherExit;
      throw new ProgramFailedError('conmon', code, stderr.trim() || 'exited without reporting the container pid');
    }
    if (message.data < 0) throw runtimeError(opts.runtime.name, message.message ?? '');
    const { code, stderr } = await conmon.launcherExit;
    if (code !== 0) throw new ProgramFailedError('conmon', code, stderr);
    return { pid: message.data, conmonPid: readPidFile(opts.conmonPidFile) };
  } catch (err) {
    // A clash with an existing container of this ID must not take that container down.
    if (!/already exists/.test((err as Error).message)) await opts.runtime.delete(opts.containerId, true).catch(() => {});
    throw err;
  } finally {
    conmon.sync.close();
    conmon.start.destroy();
  }
}

function killMonitor(conmonPidFile: string): void {
  try {
    process.kill(readPidFile(conmonPidFile), 'SIGKILL');
  } catch {
    // no pid file yet, or already gone
  }
}

function readPidFile(path: string): number {
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new ProgramFailedError('conmon', null, `invalid pid in ${path}`);
  return pid;
}
