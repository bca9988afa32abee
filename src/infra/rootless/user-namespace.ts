/**
 * Entering the rootless user namespace: the step every storage-touching command of an
 * unprivileged user takes first. The caller (src/cli/main.ts) loads this module only when
 * the effective uid is not 0, so root pays nothing for it.
 */
import { userInfo } from 'node:os';
import { execInNamespaces } from './nsenter-program.ts';
import { ensurePauseProcess } from './pause-process.ts';
import { readSubids } from './subids.ts';
import { ROOTLESS_UID_ENV, USERNS_CONFIGURED_ENV } from '../config/paths.ts';

export interface UserNamespace {
  pid: number;
  /** Set when the namespace was just created with only the user's own id mapped. */
  singleIdWarning?: string;
}

/** Whether this process already runs inside skiff's user namespace. */
export function inUserNamespace(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[USERNS_CONFIGURED_ENV]);
}

/** The pause process holding the user's namespace, started if needed. */
export async function joinableUserNamespace(env: NodeJS.ProcessEnv = process.env): Promise<UserNamespace> {
  const uid = process.getuid!();
  const name = userInfo().username;
  const mapped = readSubids('/etc/subuid', { name, uid }).length > 0 && readSubids('/etc/subgid', { name, uid }).length > 0;
  const pause = await ensurePauseProcess(env, uid, mapped);
  if (!pause.created || mapped) return { pid: pause.pid };
  return {
    pid: pause.pid,
    singleIdWarning:
      `no subuid/subgid ranges for user "${name}" in /etc/subuid and /etc/subgid: only uid ${uid} is mapped, so images with files owned by other users cannot be used. ` +
      `Add a range (as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${name}), then run "skiff system migrate"`,
  };
}

/** Re-executes this skiff command inside the namespace (never returns). */
export function reexecInUserNamespace(ns: UserNamespace, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): never {
  const command = [process.execPath, ...process.execArgv, process.argv[1]!, ...argv];
  return execInNamespaces(
    { target: ns.pid, command },
    { ...env, [USERNS_CONFIGURED_ENV]: '1', [ROOTLESS_UID_ENV]: String(process.getuid!()) },
  );
}
