/**
 * `exec` sessions through conmon (Podman's ExecContainer): conmon runs `runtime exec
 * --detach` as its child, so the session's process is monitored like a container's. The
 * handshake, over three pipes:
 *   1. skiff writes the start pipe (conmon may set itself up);
 *   2. conmon creates the session's attach socket and says so on the attach pipe;
 *   3. skiff connects to the socket, then writes the start pipe again;
 *   4. conmon runs `runtime exec` and sends the process's pid on the sync pipe (or an error),
 *      and later its exit code, which it also writes to `<exitDir>/<containerId>`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ProgramFailedError } from '../../define/errors.ts';
import { attach } from './attach.ts';
import { runtimeError, type SyncMessage, type SyncPipe } from './conmon-pipe.ts';
import { commonConmonArgs, signalStart, spawnConmon, withTimeout, type ConmonCommonOptions } from './conmon.ts';
import type { Process } from './runtime-spec.ts';

export interface ExecContainerOptions extends ConmonCommonOptions {
  /** the session's ID (conmon's `-u`) */
  sessionId: string;
  /** the session's directory: process spec, attach socket, ctl FIFO and pid file go here */
  sessionDir: string;
  /** the process to run, as in config.json (args, env, cwd, user, capabilities, terminal…) */
  process: Process;
  /** keep a pipe to the process's stdin (`-i`) */
  interactive?: boolean;
  /** start the process and return at once, without attaching (`exec -d`) */
  detach?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  detachKeys?: string;
}

export interface ExecResult {
  /** host pid of the session's process */
  pid: number;
  /** its exit status; null when the caller detached or did not wait (`detach`) */
  exitCode: number | null;
}

/**
 * Runs a process in a running container and, unless `detach`, forwards its streams until it
 * exits. A command that is missing or cannot be run rejects with CommandNotFoundError (127)
 * or CannotInvokeError (126).
 */
export async function execContainer(opts: ExecContainerOptions): Promise<ExecResult> {
  mkdirSync(opts.sessionDir, { recursive: true });
  mkdirSync(opts.exitDir, { recursive: true });
  const specFile = join(opts.sessionDir, `exec-process-${randomBytes(6).toString('hex')}`);
  writeFileSync(specFile, JSON.stringify(opts.process));
  const args = commonConmonArgs(opts, opts.sessionId, opts.sessionDir, join(opts.sessionDir, 'exec_pid'), { driver: 'none' });
  args.push('--full-attach');
  if (opts.process.terminal) args.push('-t');
  if (opts.interactive) args.push('-i');
  args.push('-e', '--exec-attach', '--exec-process-spec', specFile);
  const conmon = spawnConmon(opts, args, { attachPipe: true, passthrough: false, cwd: opts.sessionDir });
  const timeoutMs = opts.timeoutMs ?? 240_000;
  try {
    await signalStart(conmon.start);
    const ready = await withTimeout(conmon.attach!.next(), timeoutMs, 'exec session setup');
    if (ready === undefined) throw await launcherFailure(conmon.launcherExit);
    if (ready.data < 0) throw runtimeError(opts.runtime.name, ready.message ?? '');
    if (opts.detach) {
      await signalStart(conmon.start);
      return { pid: await sessionPid(conmon.sync, opts, conmon.launcherExit, timeoutMs), exitCode: null };
    }
    let pid = 0;
    const outcome = await attach({
      socketPath: join(opts.sessionDir, 'attach'),
      ctlPath: join(opts.sessionDir, 'ctl'),
      stdin: opts.interactive ? opts.stdin : undefined,
      stdout: opts.stdout,
      stderr: opts.stderr,
      tty: opts.process.terminal === true,
      detachKeys: opts.detachKeys,
      onConnected: async () => {
        await signalStart(conmon.start);
        pid = await sessionPid(conmon.sync, opts, conmon.launcherExit, timeoutMs);
      },
    });
    if (outcome === 'detached') return { pid, exitCode: null };
    const exit = await withTimeout(conmon.sync.next(), timeoutMs, 'exec session exit');
    if (exit === undefined) throw new ProgramFailedError('conmon', null, 'exec session ended without reporting an exit code');
    return { pid, exitCode: exit.data };
  } finally {
    conmon.sync.close();
    conmon.attach!.close();
    conmon.start.destroy();
    rmSync(specFile, { force: true });
  }
}

async function sessionPid(sync: SyncPipe, opts: ExecContainerOptions, launcherExit: Promise<{ code: number | null; stderr: string }>, timeoutMs: number): Promise<number> {
  const message: SyncMessage | undefined = await withTimeout(sync.next(), timeoutMs, 'exec session start');
  if (message === undefined) throw await launcherFailure(launcherExit);
  if (message.data < 0) throw runtimeError(opts.runtime.name, message.message ?? '');
  return message.data;
}

async function launcherFailure(launcherExit: Promise<{ code: number | null; stderr: string }>): Promise<ProgramFailedError> {
  const { code, stderr } = await launcherExit;
  return new ProgramFailedError('conmon', code, stderr.trim() || 'exited without reporting');
}
