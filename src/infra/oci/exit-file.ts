/**
 * conmon's exit files: when a container (or exec session) ends, conmon writes its exit
 * status as decimal text to `<exitDir>/<containerId>`, atomically (temp file + rename), and
 * only then runs the exit command. A status above 128 means killed by signal status-128.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { ProgramFailedError } from '../../define/errors.ts';
import { processAlive } from '../sys/process.ts';

export function exitFilePath(exitDir: string, containerId: string): string {
  return join(exitDir, containerId);
}

/** The recorded exit status, or undefined while there is none. */
export function readExitCode(exitDir: string, containerId: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(exitFilePath(exitDir, containerId), 'utf8').trim();
  } catch {
    return undefined;
  }
  const code = Number(text);
  return text !== '' && Number.isInteger(code) ? code : undefined;
}

export interface WaitForExitOptions {
  exitDir: string;
  containerId: string;
  /** when given, a monitor that died without writing the file is an error, not a hang */
  conmonPid?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits for the exit file (inotify on the directory, plus a slow poll that also notices a
 * dead monitor) and returns the status.
 */
export function waitForExitCode(opts: WaitForExitOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let poll: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (err: Error | undefined, code?: number) => {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(code!);
    };
    const check = (): boolean => {
      const code = readExitCode(opts.exitDir, opts.containerId);
      if (code !== undefined) finish(undefined, code);
      return code !== undefined;
    };
    const onAbort = () => finish(opts.signal!.reason instanceof Error ? opts.signal!.reason : new Error('aborted'));
    try {
      watcher = watch(opts.exitDir, (_event, name) => {
        if (name === null || name === opts.containerId) check();
      });
    } catch {
      // no inotify: the poll below still works
    }
    if (check()) return;
    opts.signal?.addEventListener('abort', onAbort);
    poll = setInterval(() => {
      if (check() || opts.conmonPid === undefined || processAlive(opts.conmonPid)) return;
      // The monitor may have written the file just before exiting.
      if (!check()) finish(new ProgramFailedError('conmon', null, `monitor of container ${opts.containerId} exited without writing an exit code`));
    }, 250);
    if (opts.timeoutMs !== undefined) {
      deadline = setTimeout(() => finish(new ProgramFailedError('conmon', null, `timed out waiting for container ${opts.containerId} to exit`)), opts.timeoutMs);
    }
  });
}
