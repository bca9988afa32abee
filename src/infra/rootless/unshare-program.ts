/**
 * util-linux `unshare`, used for one thing: starting the pause process that holds the
 * rootless user + mount namespace. `--map-auto` has unshare run newuidmap/newgidmap for the
 * user's first /etc/subuid and /etc/subgid blocks (mapped from id 1); `--map-root-user`
 * maps the user itself to 0. The held program is coreutils' `sleep infinity`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ProgramFailedError } from '../../define/errors.ts';
import { requireProgram } from './program-path.ts';

export interface PauseProcessOptions {
  /** Map the subordinate ranges too (needs newuidmap/newgidmap); else only the user as 0. */
  mapSubordinateIds: boolean;
}

const pauseProgram = ['sleep', 'infinity'];

/** The argv after `unshare` for {@link startPauseProcess}. */
export function unshareArgs(opts: PauseProcessOptions): string[] {
  return ['--user', ...(opts.mapSubordinateIds ? ['--map-auto'] : []), '--map-root-user', '--mount', '--', ...pauseProgram];
}

/**
 * Starts the pause process in its own session, detached from this one, and resolves with
 * its pid once it runs inside the mapped namespace (unshare has exec'ed `sleep`).
 */
export function startPauseProcess(opts: PauseProcessOptions): Promise<number> {
  const unshare = requireProgram('unshare', 'util-linux');
  if (opts.mapSubordinateIds) {
    requireProgram('newuidmap', 'uidmap');
    requireProgram('newgidmap', 'uidmap');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(unshare, unshareArgs(opts), { stdio: ['ignore', 'ignore', 'pipe'], detached: true, cwd: '/' });
    const stderr: Buffer[] = [];
    let settled = false;
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', (err) => {
      settled = true;
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      const text = Buffer.concat(stderr).toString('utf8') || (signal ? `killed by ${signal}` : '');
      reject(new ProgramFailedError('unshare', code, text));
    });
    // unshare execs the pause program only after newuidmap/newgidmap succeeded.
    const timer = setInterval(() => {
      if (settled || !child.pid || commOf(child.pid) !== pauseProgram[0]) return;
      settled = true;
      clearInterval(timer);
      child.stderr!.destroy();
      child.unref();
      resolve(child.pid);
    }, 2);
  });
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
