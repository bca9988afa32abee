/**
 * stop, kill, restart, pause and unpause. Stopping sends the stop signal holding the lock,
 * then waits for conmon's exit file WITHOUT the lock (the exit command needs it), sends
 * SIGKILL after the timeout, and finishes with cleanup under the lock again.
 */
import { InvalidArgumentError, NoSuchContainerError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { checkTransition, liveStates } from '../domain/containers/model.ts';
import { parseSignal } from '../domain/containers/spec/process-config.ts';
import { waitForExitCode } from '../infra/oci/exit-file.ts';
import { forEachContainer } from './container-batch.ts';
import type { ContainerEngine } from './container-engine.ts';
import { cleanupLocked, isConmonOf, startLocked, syncLocked, teardownRuntime } from './container-lifecycle.ts';
import type { BatchReport, ContainerStopOptions } from './container-reports.ts';

async function signalQuietly(ce: ContainerEngine, rec: ContainerRecord, signal: string | number): Promise<void> {
  // The process may be gone already: the exit file will say so.
  await ce.runtimeFor(rec.config).kill(rec.config.id, signal).catch(() => {});
}

/** Waits for the exit file; false when `ms` passed first. */
async function exited(ce: ContainerEngine, rec: ContainerRecord, ms: number | undefined): Promise<boolean> {
  try {
    await waitForExitCode({
      exitDir: ce.exitDir,
      containerId: rec.config.id,
      ...(isConmonOf(rec.state.conmonPid, rec.config.id) ? { conmonPid: rec.state.conmonPid } : {}),
      ...(ms !== undefined ? { timeoutMs: ms } : {}),
    });
    return true;
  } catch (err) {
    if (/timed out/.test((err as Error).message)) return false;
    // The monitor died without an exit file; sync below settles the state.
    return true;
  }
}

/**
 * Stops one container: a no-op unless it is live. `timeout` seconds (default its own stop
 * timeout) between the stop signal and SIGKILL; 0 kills at once.
 */
export async function stopOne(ce: ContainerEngine, id: string, timeout?: number): Promise<void> {
  const rec = await ce.withLock(id, async () => {
    const cur = await syncLocked(ce, id);
    if (!liveStates.includes(cur.state.status)) return undefined;
    if (cur.state.status === 'created') {
      // Created in the runtime but never started: nothing runs, just drop it.
      await teardownRuntime(ce, { ...cur, state: { ...cur.state, status: 'exited' } });
      await cleanupLocked(ce, ce.repo.updateState(id, (s) => ({ ...s, stoppedByUser: true })), { code: 0 });
      return undefined;
    }
    const next = ce.repo.updateState(id, (s) => ({ ...s, status: 'stopping', stoppedByUser: true }));
    const wait = timeout ?? cur.config.stopTimeout;
    await signalQuietly(ce, next, wait === 0 ? 'KILL' : parseSignal(cur.config.stopSignal));
    // A paused process cannot act on the signal: thaw it.
    if (cur.state.status === 'paused') await ce.runtimeFor(cur.config).resume(id).catch(() => {});
    return next;
  });
  if (!rec) return;
  const wait = timeout ?? rec.config.stopTimeout;
  if (!(await exited(ce, rec, wait === 0 ? undefined : wait * 1000))) {
    await ce.withLock(id, () => signalQuietly(ce, rec, 'KILL'));
    await exited(ce, rec, undefined);
  }
  await ce.withLock(id, async () => {
    await syncLocked(ce, id).catch((err: unknown) => {
      if (!(err instanceof NoSuchContainerError)) throw err;
    });
  });
  await ce.engine.events.container(rec.config, 'stop');
}

export function stopContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerStopOptions): Promise<BatchReport[]> {
  return forEachContainer(ce, namesOrIds, opts, (rec) => stopOne(ce, rec.config.id, opts.timeout));
}

export function killContainers(ce: ContainerEngine, namesOrIds: string[], opts: { signal?: string; all?: boolean; latest?: boolean }): Promise<BatchReport[]> {
  const signal = parseSignal(opts.signal ?? 'KILL');
  const pick = opts.all ? ce.list().filter((r) => r.state.status === 'running' || r.state.status === 'paused').map((r) => r.config.id) : namesOrIds;
  return forEachContainer(ce, pick, { latest: opts.latest }, (rec) =>
    ce.withLock(rec.config.id, async () => {
      const cur = await syncLocked(ce, rec.config.id);
      checkTransition('kill', cur.config.id, cur.state.status);
      ce.repo.updateState(cur.config.id, (s) => ({ ...s, stoppedByUser: true }));
      await ce.runtimeFor(cur.config).kill(cur.config.id, signal);
      await ce.engine.events.container(cur.config, 'kill');
    }),
  );
}

export function restartContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerStopOptions & { running?: boolean }): Promise<BatchReport[]> {
  if (opts.running && !opts.all) throw new InvalidArgumentError('--running must be used with --all');
  return forEachContainer(ce, namesOrIds, opts, async (rec) => {
    if (opts.running && rec.state.status !== 'running') return;
    await stopOne(ce, rec.config.id, opts.timeout);
    await ce.withLock(rec.config.id, async () => {
      await startLocked(ce, rec.config.id);
    });
    await ce.engine.events.container(rec.config, 'restart');
  });
}

export function pauseContainers(ce: ContainerEngine, namesOrIds: string[], opts: { all?: boolean; latest?: boolean }, pause: boolean): Promise<BatchReport[]> {
  const want = pause ? 'running' : 'paused';
  const pick = opts.all ? ce.list().filter((r) => r.state.status === want).map((r) => r.config.id) : namesOrIds;
  return forEachContainer(ce, pick, { latest: opts.latest }, (rec) =>
    ce.withLock(rec.config.id, async () => {
      const cur = await syncLocked(ce, rec.config.id);
      checkTransition(pause ? 'pause' : 'unpause', cur.config.id, cur.state.status);
      const runtime = ce.runtimeFor(cur.config);
      if (pause) await runtime.pause(cur.config.id);
      else await runtime.resume(cur.config.id);
      ce.repo.updateState(cur.config.id, (s) => ({ ...s, status: pause ? 'paused' : 'running' }));
      await ce.engine.events.container(cur.config, pause ? 'pause' : 'unpause');
    }),
  );
}
