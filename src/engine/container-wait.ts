/**
 * `wait`: until each container reaches a condition (default "stopped": not running any
 * more), then its exit code. Waiting for the exit uses conmon's exit file (inotify), with no
 * lock held; other conditions are polled.
 */
import { InvalidArgumentError, NoSuchContainerError } from '../define/errors.ts';
import { liveStates, type ContainerStatus } from '../domain/containers/model.ts';
import { readExitCode, waitForExitCode } from '../infra/oci/exit-file.ts';
import type { ContainerEngine } from './container-engine.ts';
import { isConmonOf, syncLocked } from './container-lifecycle.ts';
import type { ContainerWaitOptions, WaitReport } from './container-reports.ts';

const conditions: Record<string, ContainerStatus[]> = {
  configured: ['configured'],
  created: ['configured', 'created'],
  initialized: ['created'],
  running: ['running'],
  paused: ['paused'],
  stopping: ['stopping'],
  removing: ['removing'],
  stopped: ['configured', 'stopped', 'exited'],
  exited: ['configured', 'stopped', 'exited'],
};

function checkConditions(names: readonly string[]): ContainerStatus[] {
  const out: ContainerStatus[] = [];
  for (const n of names) {
    const states = conditions[n];
    if (!states) throw new InvalidArgumentError(`unknown container state: ${n}: invalid argument`);
    out.push(...states);
  }
  return out;
}

async function waitOne(ce: ContainerEngine, id: string, wanted: ContainerStatus[], intervalMs: number): Promise<number> {
  const waitsForExit = wanted.includes('exited');
  for (;;) {
    const rec = ce.byId(id);
    if (!rec) {
      // Removed while we waited (--rm): its exit file outlives it for a while.
      const code = readExitCode(ce.exitDir, id);
      if (code !== undefined) return code;
      throw new NoSuchContainerError(id);
    }
    if (wanted.includes(rec.state.status)) return rec.state.exitCode;
    if (waitsForExit && liveStates.includes(rec.state.status) && rec.state.status !== 'created') {
      let code: number | undefined;
      try {
        code = await waitForExitCode({ exitDir: ce.exitDir, containerId: id, ...(isConmonOf(rec.state.conmonPid, id) ? { conmonPid: rec.state.conmonPid } : {}) });
      } catch {
        // the monitor is gone; sync settles the state
      }
      try {
        const after = await ce.withLock(id, () => syncLocked(ce, id));
        if (!liveStates.includes(after.state.status)) return after.state.exitCode;
      } catch (err) {
        if (err instanceof NoSuchContainerError && code !== undefined) return code;
        throw err;
      }
      if (code !== undefined) return code;
      continue;
    }
    await ce.withLock(id, () => syncLocked(ce, id)).catch(() => undefined);
    const now = ce.byId(id);
    if (now && wanted.includes(now.state.status)) return now.state.exitCode;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitContainers(ce: ContainerEngine, namesOrIds: string[], opts: ContainerWaitOptions): Promise<WaitReport[]> {
  const wanted = checkConditions(opts.conditions && opts.conditions.length > 0 ? opts.conditions : ['stopped']);
  const targets: { id: string; input: string }[] = [];
  const reports: WaitReport[] = [];
  if (opts.latest) {
    const latest = ce.latest();
    if (!latest) throw new NoSuchContainerError('latest');
    targets.push({ id: latest.config.id, input: latest.config.id });
  }
  for (const input of namesOrIds) {
    const rec = ce.repo.find(input);
    if (rec) targets.push({ id: rec.config.id, input });
    else if (opts.ignore) reports.push({ Id: input, RawInput: input, ExitCode: -1 });
    else throw new NoSuchContainerError(input);
  }
  for (const t of targets) {
    try {
      reports.push({ Id: t.id, RawInput: t.input, ExitCode: await waitOne(ce, t.id, wanted, opts.interval ?? 250) });
    } catch (err) {
      reports.push({ Id: t.id, RawInput: t.input, ExitCode: -1, Err: err as Error });
    }
  }
  return reports;
}
