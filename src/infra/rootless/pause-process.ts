/**
 * The pause process that holds a rootless user's user + mount namespace, so every skiff
 * command of that user sees the same id mapping and the same mounts. Its pid is recorded in
 * `$XDG_RUNTIME_DIR/skiff/pause.pid` (else `/tmp/skiff-run-$UID/pause.pid`).
 */
import { linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../define/errors.ts';
import { startPauseProcess } from './unshare-program.ts';

export function pauseDir(env: NodeJS.ProcessEnv, uid: number): string {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return runtimeDir ? join(runtimeDir, 'skiff') : `/tmp/skiff-run-${uid}`;
}

export function pausePidFile(env: NodeJS.ProcessEnv, uid: number): string {
  return join(pauseDir(env, uid), 'pause.pid');
}

/**
 * The recorded pause process, if it is still the one that holds our namespace. `inside`:
 * this process already runs in that namespace (else it must be another one).
 */
export function livePausePid(pidFile: string, uid: number, inside = false): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return isPauseProcess(pid, uid, inside) ? pid : undefined;
}

/** Guards against a recycled pid: the user's, still `sleep`, and in the expected user namespace. */
function isPauseProcess(pid: number, uid: number, inside: boolean): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sleep') return false;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Seen from inside the namespace, the user is uid 0.
    const realUid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    if (realUid !== String(inside ? 0 : uid)) return false;
    return (readlinkSync(`/proc/${pid}/ns/user`) === readlinkSync('/proc/self/ns/user')) === inside;
  } catch {
    return false;
  }
}

export interface PauseProcess {
  pid: number;
  /** Started by this call (so a one-time warning may be due). */
  created: boolean;
}

/**
 * The live pause process, starting one if there is none. Two commands racing to start one
 * both may; the pid file is created with link(2), so only one wins and the other kills its own.
 */
export async function ensurePauseProcess(env: NodeJS.ProcessEnv, uid: number, mapSubordinateIds: boolean): Promise<PauseProcess> {
  const pidFile = pausePidFile(env, uid);
  const existing = livePausePid(pidFile, uid);
  if (existing) return { pid: existing, created: false };
  prepareDir(pauseDir(env, uid), uid);
  const pid = await startPauseProcess({ mapSubordinateIds });
  const tmp = `${pidFile}.${process.pid}`;
  writeFileSync(tmp, String(pid));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, pidFile);
        return { pid, created: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw err;
      }
      const winner = livePausePid(pidFile, uid);
      if (winner) {
        process.kill(pid, 'SIGKILL');
        return { pid: winner, created: false };
      }
      unlinkIfExists(pidFile);
    }
  } finally {
    unlinkIfExists(tmp);
  }
}

/** Kills the pause process (`system migrate`): the next command starts a fresh namespace. */
export function stopPauseProcess(env: NodeJS.ProcessEnv, uid: number, inside: boolean): boolean {
  const pidFile = pausePidFile(env, uid);
  const pid = livePausePid(pidFile, uid, inside);
  if (pid) process.kill(pid, 'SIGKILL');
  unlinkIfExists(pidFile);
  return pid !== undefined;
}

/** The directory must be the user's own and not writable by others (it may sit in /tmp). */
function prepareDir(dir: string, uid: number): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new ConfigError(`${dir} must be a directory owned by uid ${uid} and writable only by it`);
  }
}

function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
