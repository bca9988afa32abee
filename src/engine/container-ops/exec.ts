/**
 * `exec`: a process in a running container through its own conmon (Podman's ExecContainer).
 * The session lives in `<userdata>/<session ID>`, its exit file in that directory's `exit/`,
 * so it never touches the container's own. Exit codes as Podman's: the process's own; 126
 * and 127 when it cannot be run or found; 255 for any other failure of the session (a
 * stopped container, an unknown user, no command), 125 for skiff's own errors before it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CannotInvokeError, CommandNotFoundError, ExitStatusError, InvalidArgumentError, SkiffError } from '../../define/errors.ts';
import { checkTransition } from '../../domain/containers/model.ts';
import { readLinesFile } from '../../domain/containers/option-parsers.ts';
import { execProcess } from '../../domain/containers/spec/exec-process.ts';
import { readHostInfo } from '../../domain/containers/spec/host-info.ts';
import { resolveUser } from '../../domain/containers/spec/resolve-user.ts';
import { execContainer } from '../../infra/oci/conmon-exec.ts';
import { findConmon } from '../../infra/oci/conmon.ts';
import { defaultDetachKeys } from '../../infra/oci/detach-keys.ts';
import type { ContainerEngine } from '../container-engine.ts';
import type { AttachStreams } from '../container-reports.ts';
import { readBundleSpec } from './container-fs.ts';

/** Podman's ExecErrorCodeGeneric. */
export const execErrorCode = 255;

export interface ContainerExecOptions {
  command: string[];
  interactive?: boolean;
  tty?: boolean;
  /** start it and return the session ID (`-d`) */
  detach?: boolean;
  env?: string[];
  envFiles?: string[];
  workdir?: string;
  user?: string;
  privileged?: boolean;
  detachKeys?: string;
  streams?: AttachStreams;
}

export interface ContainerExecReport {
  sessionId: string;
  /** the process's exit code; undefined when detached */
  exitCode: number | undefined;
  /** the user typed the detach keys */
  detached: boolean;
}

function sessionError(err: unknown): Error {
  if (err instanceof CannotInvokeError || err instanceof CommandNotFoundError || err instanceof ExitStatusError) return err;
  return new ExitStatusError(err instanceof Error ? err.message : String(err), execErrorCode, err instanceof SkiffError ? err : undefined);
}

function envFileEntries(files: readonly string[]): string[] {
  return files.flatMap((f) => {
    try {
      return readLinesFile(f, 'env');
    } catch (err) {
      throw new InvalidArgumentError(`parsing env file "${f}": ${(err as Error).message}`);
    }
  });
}

export async function execInContainer(ce: ContainerEngine, nameOrId: string, opts: ContainerExecOptions): Promise<ContainerExecReport> {
  const env = [...envFileEntries(opts.envFiles ?? []), ...(opts.env ?? [])];
  const rec = ce.lookup(nameOrId);
  const id = rec.config.id;
  const prepared = await ce.withLock(id, async () => {
    try {
      if (opts.command.length === 0) throw new InvalidArgumentError('must provide a non-empty command to start an exec session: invalid argument');
      const cur = await ce.sync(id);
      checkTransition('exec', id, cur.state.status);
      const spec = readBundleSpec(ce, id);
      if (!spec?.process) throw new SkiffError(`container ${id} has no OCI spec to exec in`);
      const root = `/proc/${cur.state.pid}/root`;
      const proc = execProcess({
        base: spec.process,
        args: opts.command,
        terminal: opts.tty ?? false,
        env,
        hostEnv: process.env,
        ...(opts.workdir ? { workdir: opts.workdir } : {}),
        ...(opts.user ? { user: resolveUser(root, opts.user) } : {}),
        ...(opts.privileged ? { privilegedCaps: readHostInfo().boundingCaps } : {}),
      });
      return { cur, proc };
    } catch (err) {
      throw sessionError(err);
    }
  });
  const conf = await ce.conf();
  const sessionId = randomBytes(32).toString('hex');
  const sessionDir = path.join(ce.userdataDir(id), sessionId);
  await ce.engine.events.container(prepared.cur.config, 'exec');
  try {
    const result = await execContainer({
      conmonPath: ce.engine.options.conmon || findConmon(conf.engine.conmonPath),
      runtime: ce.runtimeFor(prepared.cur.config),
      containerId: id,
      name: prepared.cur.config.name,
      exitDir: path.join(sessionDir, 'exit'),
      sessionId,
      sessionDir,
      process: prepared.proc,
      interactive: opts.interactive ?? false,
      detach: opts.detach ?? false,
      ...(opts.streams?.stdin ? { stdin: opts.streams.stdin } : {}),
      ...(opts.streams?.stdout ? { stdout: opts.streams.stdout } : {}),
      ...(opts.streams?.stderr ? { stderr: opts.streams.stderr } : {}),
      detachKeys: opts.detachKeys ?? (conf.engine.detachKeys || defaultDetachKeys),
    });
    if (result.exitCode !== null && result.exitCode !== undefined) await ce.engine.events.container(prepared.cur.config, 'exec_died');
    return { sessionId, exitCode: result.exitCode ?? undefined, detached: !opts.detach && result.exitCode === null };
  } catch (err) {
    throw sessionError(err);
  } finally {
    if (!opts.detach) fs.rmSync(sessionDir, { recursive: true, force: true });
  }
}
