/**
 * The OCI runtime binary (crun or runc) behind a typed interface, as Podman's OCIRuntime.
 * Creating the container process is conmon's job (conmon.ts runs `runtime create` for us so
 * the container becomes conmon's child); this class runs the other verbs directly.
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { MissingProgramError, NoSuchContainerError, ProgramFailedError, RuntimeNotFoundError } from '../../define/errors.ts';
import { runProgram } from '../sys/process.ts';
import type { Resources, RuntimeState } from './runtime-spec.ts';

/** Debian packages of the runtimes skiff knows by name. */
const debianPackages: Record<string, string> = { crun: 'crun', runc: 'runc' };

export interface OciRuntimeOptions {
  /** Short name (`crun`, `runc`), used in messages. */
  name: string;
  /** Absolute path of the binary. */
  path: string;
  /** State directory (`--root`); the runtime's own default when unset. */
  root?: string;
}

export class OciRuntime {
  readonly name: string;
  readonly path: string;
  readonly root: string | undefined;

  constructor(opts: OciRuntimeOptions) {
    this.name = opts.name;
    this.path = opts.path;
    this.root = opts.root;
  }

  /** Global flags that go before every verb; conmon gets them as `--runtime-arg`s. */
  get globalArgs(): string[] {
    return this.root === undefined ? [] : ['--root', this.root];
  }

  /** `runtime create`: only for callers that do not want a monitor; conmon normally does this. */
  async create(id: string, bundle: string, opts: { pidFile?: string; noPivot?: boolean } = {}): Promise<void> {
    const args = ['create', '--bundle', bundle];
    if (opts.pidFile !== undefined) args.push('--pid-file', opts.pidFile);
    if (opts.noPivot) args.push('--no-pivot');
    await this.run(id, [...args, id]);
  }

  /** Runs the container's process (after conmon created it). */
  async start(id: string): Promise<void> {
    await this.run(id, ['start', id]);
  }

  /** Sends a signal (number or name such as `SIGTERM`/`TERM`) to the init process, or to all with `all`. */
  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.run(id, ['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, force = false): Promise<void> {
    await this.run(id, ['delete', ...(force ? ['--force'] : []), id]);
  }

  async state(id: string): Promise<RuntimeState> {
    return JSON.parse(await this.run(id, ['state', id])) as RuntimeState;
  }

  async pause(id: string): Promise<void> {
    await this.run(id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.run(id, ['resume', id]);
  }

  /** Changes the cgroup limits of a running container (`runtime update --resources FILE`). */
  async update(id: string, resources: Resources): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-update-'));
    try {
      const file = join(dir, 'resources.json');
      writeFileSync(file, JSON.stringify(resources));
      await this.run(id, ['update', '--resources', file, id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Host pids of every process in the container. */
  async ps(id: string): Promise<number[]> {
    const out = (await this.run(id, ['ps', '--format', 'json', id])).trim();
    return out === '' || out === 'null' ? [] : (JSON.parse(out) as number[]);
  }

  private async run(id: string, args: string[]): Promise<string> {
    try {
      const { stdout } = await runProgram(this.path, [...this.globalArgs, ...args], {
        debianPackage: debianPackages[this.name] ?? this.name,
        displayName: this.name,
        env: runtimeEnv(),
      });
      return stdout;
    } catch (err) {
      if (err instanceof ProgramFailedError && reportsNoSuchContainer(err.stderr)) throw new NoSuchContainerError(id);
      throw err;
    }
  }
}

/**
 * The environment for the runtime and conmon: the caller's, without NOTIFY_SOCKET, which
 * would make the runtime proxy sd_notify for a container that did not ask for it (Podman
 * strips it the same way).
 */
export function runtimeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NOTIFY_SOCKET;
  return env;
}

/** runc says "container does not exist"; crun fails to open its `<root>/<id>/status`. */
function reportsNoSuchContainer(stderr: string): boolean {
  return /container does not exist|\/status`?: No such file or directory/i.test(stderr);
}

const CGROUP2_SUPER_MAGIC = 0x63677270;
let crunBlocked: boolean | undefined;

/**
 * Whether crun refuses this host's cgroup layout: on a v1/v2 hybrid host crun (1.x) insists
 * that the v2 tree at /sys/fs/cgroup/unified has no controller ("cgroups in hybrid mode not
 * supported"). The same check crun makes, done once per process: two statfs and one read.
 */
export function crunBlockedByCgroupLayout(cgroupRoot = '/sys/fs/cgroup'): boolean {
  if (cgroupRoot === '/sys/fs/cgroup' && crunBlocked !== undefined) return crunBlocked;
  let blocked = false;
  try {
    if (statfsSync(cgroupRoot).type !== CGROUP2_SUPER_MAGIC && statfsSync(join(cgroupRoot, 'unified')).type === CGROUP2_SUPER_MAGIC) {
      blocked = readFileSync(join(cgroupRoot, 'unified', 'cgroup.controllers')).length > 0;
    }
  } catch {
    blocked = false;
  }
  if (cgroupRoot === '/sys/fs/cgroup') crunBlocked = blocked;
  return blocked;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable among the configured paths for `name`, else `name` looked up in $PATH. */
function locate(name: string, configured: Record<string, readonly string[]>): string | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? name : undefined;
  for (const p of configured[name] ?? []) if (isExecutableFile(p)) return p;
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Picks the OCI runtime. `preferred` (`--runtime` or containers.conf's engine.runtime, a
 * name or a path) is used as is, a MissingProgramError when it is not installed. Otherwise
 * crun when it works on this host, else runc; RuntimeNotFoundError when neither can run
 * containers. `runtimes` is containers.conf's [engine.runtimes] (name → candidate paths);
 * `root` the state directory handed to the runtime (`--root`).
 */
export function findRuntime(preferred?: string, runtimes: Record<string, readonly string[]> = {}, root?: string): OciRuntime {
  if (preferred) {
    const path = locate(preferred, runtimes);
    const name = basename(preferred);
    if (!path) throw new MissingProgramError(name, debianPackages[name] ?? name);
    return new OciRuntime({ name, path, root });
  }
  const crun = locate('crun', runtimes);
  if (crun && !crunBlockedByCgroupLayout()) return new OciRuntime({ name: 'crun', path: crun, root });
  const runc = locate('runc', runtimes);
  if (runc) return new OciRuntime({ name: 'runc', path: runc, root });
  if (crun) {
    throw new RuntimeNotFoundError(
      'crun cannot run containers on this host (cgroup v1/v2 hybrid with controllers on v2) and runc is not installed: install the Debian package "runc"',
    );
  }
  throw new RuntimeNotFoundError('no OCI runtime found (crun or runc): install the Debian package "crun" or "runc"');
}
