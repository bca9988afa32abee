/**
 * Foreground containers: `run`, `start -a` and `attach`. Podman's order, so no output is
 * lost: init under the lock (conmon is up, the process waits in `runtime create`), connect to
 * conmon's attach socket, start the process, pump the streams until the container closes
 * them (or the user types the detach keys), then read the exit code from conmon's exit file
 * and clean up (which also honours --rm and the restart policy). No lock is held while the
 * container runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CannotInvokeError, ExitCode, InvalidStateError, NetworkError, NoSuchContainerError, SkiffError } from '../define/errors.ts';
import { checkTransition, type ContainerConfig } from '../domain/containers/model.ts';
import { attach } from '../infra/oci/attach.ts';
import { waitForExitCode } from '../infra/oci/exit-file.ts';
import type { ContainerEngine } from './container-engine.ts';
import { initLocked, isConmonOf, startCreatedLocked, startLocked, syncLocked } from './container-lifecycle.ts';
import type { ContainerRunOptions, ContainerRunReport } from './container-reports.ts';

type AttachOpts = Omit<ContainerRunOptions, 'create' | 'detach'>;

/** Errors after the container ran (its exit could not be recorded): they keep their own code. */
const afterStart = new WeakSet<object>();

/** Podman's run: a container that cannot be started is "cannot invoke" (126) unless not found (127). */
function runError(err: unknown): unknown {
  if (err instanceof NetworkError || (typeof err === 'object' && err !== null && afterStart.has(err))) return err;
  if (err instanceof SkiffError && err.exitCode === ExitCode.engine) return new CannotInvokeError(err.message, { cause: err });
  return err;
}

function attachedStreams(config: ContainerConfig): ('stdin' | 'stdout' | 'stderr')[] {
  const wanted = config.attach && config.attach.length > 0 ? [...config.attach] : (['stdout', 'stderr'] as ('stdin' | 'stdout' | 'stderr')[]);
  if (config.interactive && (!config.attach || config.attach.length === 0)) wanted.push('stdin');
  return wanted;
}

async function exitCodeAndCleanup(ce: ContainerEngine, id: string, conmonPid: number): Promise<number> {
  let code: number;
  try {
    code = await waitForExitCode({ exitDir: ce.exitDir, containerId: id, ...(isConmonOf(conmonPid, id) ? { conmonPid } : {}) });
  } catch (err) {
    // conmon ended without an exit code (it could not write one: a full disk): the record
    // still learns that the container stopped, when the store can take the write
    await ce.withLock(id, () => syncLocked(ce, id)).catch(() => undefined);
    if (typeof err === 'object' && err !== null) afterStart.add(err);
    throw err;
  }
  await ce.withLock(id, () => syncLocked(ce, id)).catch((err: unknown) => {
    if (!(err instanceof NoSuchContainerError)) throw err;
  });
  return code;
}

/**
 * Attaches to a container (starting it when `start`), until it exits or the user detaches.
 * `start` also initialises a container that is not `created` yet.
 */
async function attachAndWait(ce: ContainerEngine, id: string, opts: AttachOpts, start: boolean): Promise<ContainerRunReport> {
  let rec = ce.byId(id);
  if (!rec) throw new NoSuchContainerError(id);
  const config = rec.config;
  let undo: (() => void) | void = undefined;
  // This skiff cleans up when the container exits, so conmon's exit command need not: the
  // claim says so until the cleanup is done (or this skiff is gone, done or not).
  const claim = await ce.claimCleanup(id);
  let cleaned = false;
  const waitAndCleanup = async (conmonPid: number) => {
    const code = await exitCodeAndCleanup(ce, id, conmonPid);
    cleaned = true;
    return code;
  };
  try {
    if (config.logDriver === 'passthrough') {
      // conmon hands the container skiff's own stdio: nothing to attach to.
      rec = await ce.withLock(id, () => startLocked(ce, id));
      undo = opts.onStarted?.(id);
      return { Id: id, ExitCode: await waitAndCleanup(rec.state.conmonPid) };
    }
    if (start) {
      rec = await ce.withLock(id, async () => {
        const cur = await syncLocked(ce, id);
        checkTransition('start', id, cur.state.status);
        return cur.state.status === 'created' ? cur : initLocked(ce, cur);
      });
    }
    const streams = opts.streams ?? {};
    const want = attachedStreams(config);
    const userdata = ce.userdataDir(id);
    const outcome = await attach({
      socketPath: path.join(userdata, 'attach'),
      ctlPath: path.join(userdata, 'ctl'),
      ...(want.includes('stdin') && config.stdin && streams.stdin ? { stdin: streams.stdin } : {}),
      ...(want.includes('stdout') && streams.stdout ? { stdout: streams.stdout } : {}),
      ...(want.includes('stderr') && streams.stderr ? { stderr: streams.stderr } : {}),
      tty: config.tty,
      detachKeys: opts.detachKeys ?? config.detachKeys,
      onConnected: async () => {
        if (start) {
          rec = await ce.withLock(id, async () => {
            const cur = ce.byId(id);
            if (!cur) throw new NoSuchContainerError(id);
            return cur.state.status === 'created' ? startCreatedLocked(ce, cur) : startLocked(ce, id);
          });
        }
        undo = opts.onStarted?.(id);
        await ce.engine.events.container(config, 'attach');
      },
    });
    if (outcome === 'detached') return { Id: id, Detached: true };
    return { Id: id, ExitCode: await waitAndCleanup(rec.state.conmonPid) };
  } finally {
    if (typeof undo === 'function') undo();
    if (claim) {
      if (cleaned) fs.rmSync(ce.cleanupClaimFile(id), { force: true });
      claim.release();
    }
  }
}

export async function runContainer(ce: ContainerEngine, opts: ContainerRunOptions): Promise<ContainerRunReport> {
  const id = await ce.create(opts.create, opts.pull);
  ce.repo.updateState(id, (s) => ({ ...s, runnerPid: process.pid }));
  try {
    if (opts.detach) {
      await ce.withLock(id, () => startLocked(ce, id));
      return { Id: id };
    }
    return await attachAndWait(ce, id, opts, true);
  } catch (err) {
    if (opts.create.autoRemove) await ce.remove([id], { force: true, ignore: true, timeout: 0 }).catch(() => undefined);
    throw runError(err);
  }
}

/** `start --attach`. */
export async function startAttached(ce: ContainerEngine, nameOrId: string, opts: AttachOpts): Promise<ContainerRunReport> {
  const rec = ce.lookup(nameOrId);
  if (rec.state.status === 'running') return attachAndWait(ce, rec.config.id, opts, false);
  return attachAndWait(ce, rec.config.id, opts, true);
}

/** `attach`: to a running container, until it exits (its exit code) or the user detaches. */
export async function attachContainer(ce: ContainerEngine, nameOrId: string, opts: AttachOpts): Promise<ContainerRunReport> {
  const rec = await ce.withLock(ce.lookup(nameOrId).config.id, async () => syncLocked(ce, ce.lookup(nameOrId).config.id));
  if (rec.state.status !== 'running' && rec.state.status !== 'created') {
    throw new InvalidStateError('you can only attach to running containers');
  }
  return attachAndWait(ce, rec.config.id, opts, false);
}
