/**
 * The rootless user namespace as the CLI sees it: join (or create) it before a command
 * touches storage, leave it alone for commands that do not. Loaded only for non-root users.
 */
import { InvalidArgumentError } from '../define/errors.ts';
import { inUserNamespace } from '../infra/rootless/user-namespace.ts';
import type { BatchReport } from './container-reports.ts';
import type { Engine, EngineOptions } from './engine.ts';

export { inUserNamespace, joinableUserNamespace, reexecInUserNamespace } from '../infra/rootless/user-namespace.ts';
export type { UserNamespace } from '../infra/rootless/user-namespace.ts';

/**
 * `system migrate` for a rootless user (runs inside the namespace): stops the user's running
 * containers, then the pause process, so the next command starts a namespace with the
 * current /etc/subuid and /etc/subgid. Nothing to do for root.
 */
export async function migrateUserNamespace(openEngine: () => Promise<Engine>, env: NodeJS.ProcessEnv = process.env): Promise<BatchReport[]> {
  const { ROOTLESS_UID_ENV, isRootless } = await import('../infra/config/paths.ts');
  if (!isRootless(env)) return [];
  const reports = await (await openEngine()).containers.stop([], { all: true });
  const { stopPauseProcess } = await import('../infra/rootless/pause-process.ts');
  const inside = inUserNamespace(env);
  stopPauseProcess(env, inside ? Number(env[ROOTLESS_UID_ENV]) : process.getuid!(), inside);
  return reports;
}

export interface UnshareOptions {
  /** Program and arguments; empty means $SHELL (else /bin/sh). */
  command: string[];
  engine: EngineOptions;
}

/**
 * `skiff unshare`: runs a command in the rootless namespace (this process is already in it)
 * with CONTAINERS_GRAPHROOT and CONTAINERS_RUNROOT set, and returns its exit status.
 */
export async function runInUserNamespace(opts: UnshareOptions): Promise<number> {
  const { isRootless } = await import('../infra/config/paths.ts');
  if (!isRootless()) throw new InvalidArgumentError('please use unshare with rootless');
  const { resolveStoreLocation } = await import('./store-location.ts');
  const location = await resolveStoreLocation(opts.engine);
  const [program, ...args] = opts.command.length ? opts.command : [process.env.SHELL || '/bin/sh'];
  const { runForeground } = await import('../infra/sys/process.ts');
  return runForeground(program!, args, { ...process.env, CONTAINERS_GRAPHROOT: location.graphRoot, CONTAINERS_RUNROOT: location.runRoot });
}
