/**
 * Health checks (Podman's libpod/healthcheck.go): `healthcheck run` execs the container's
 * check through the `exec` code, records the result in the container state, and applies
 * the on-failure action. Timers (systemd, when it is PID 1) run it every interval; without
 * systemd nothing runs it but `skiff healthcheck run`. Loaded only for containers that have
 * a healthcheck.
 */
import { Writable } from 'node:stream';
import { CannotInvokeError, CommandNotFoundError, InvalidStateError, NoSuchContainerError, OciRuntimeError, SkiffError } from '../define/errors.ts';
import {
  applyHealthResult, currentHealth, healthCommand, healthOutput, inStartPeriod, parseHealthDuration, type HealthLogEntry, type HealthStatus,
} from '../domain/containers/health.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { nowRfc3339 } from '../domain/containers/timestamps.ts';
import { goDuration } from '../domain/containers/top/go-duration.ts';
import { isRootless } from '../infra/config/paths.ts';
import { createHealthTimer, removeHealthTimer } from '../infra/sys/systemd-run.ts';
import { ContainerEngine } from './container-engine.ts';
import { execInContainer } from './container-ops/exec.ts';

export interface HealthCheckReport {
  /** this run's verdict (Podman's HealthCheckResults.Status): healthy or unhealthy */
  Status: 'healthy' | 'unhealthy';
  /** the container's health after it */
  health: HealthStatus;
}

class OutputCapture extends Writable {
  readonly #chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.#chunks.push(chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/**
 * Runs the container's healthcheck once. Throws (exit 125) for a container that is not
 * running or has no healthcheck, and, after recording the run, for a check that outlived
 * its timeout or could not be run at all.
 */
export async function runHealthcheck(ce: ContainerEngine, nameOrId: string): Promise<HealthCheckReport> {
  const id = lookupForCheck(ce, nameOrId);
  const cur = await ce.withLock(id, () => ce.sync(id));
  if (cur.state.status !== 'running') throw new InvalidStateError(`container ${id} is not running`);
  const check = cur.config.healthcheck;
  const command = check ? healthCommand(check.test) : undefined;
  if (!check || !command) throw new SkiffError(`container ${id} has no defined healthcheck`);
  if (command.length === 0 || command[0] === '') throw new SkiffError(`container ${id} has bad healthcheck command`);

  const output = new OutputCapture();
  const startMs = Date.now();
  const start = nowRfc3339();
  let exitCode = 0;
  let failure: Error | undefined;
  try {
    const result = await execInContainer(ce, id, { command, streams: { stdout: output, stderr: output } });
    if (result.exitCode !== 0) exitCode = 1;
  } catch (err) {
    // A check that cannot be found or run is a failed check, as in Podman; anything else is an error.
    if (err instanceof CommandNotFoundError || err instanceof CannotInvokeError || err instanceof OciRuntimeError) {
      exitCode = 1;
      output.write(`${(err as Error).message}\n`);
    } else {
      exitCode = 125;
      failure = err as Error;
    }
  }
  const endMs = Date.now();
  const timeoutMs = parseHealthDuration(check.timeout) ?? 30_000;
  if (timeoutMs > 0 && endMs - startMs > timeoutMs) {
    exitCode = -1;
    failure = new SkiffError(`healthcheck command exceeded timeout of ${goDuration(timeoutMs * 1e6)}`);
  }
  const entry: HealthLogEntry = { Start: start, End: nowRfc3339(), ExitCode: exitCode, Output: healthOutput(output.text()) };
  const next = ce.repo.updateState(id, (s, config) => {
    const prev = currentHealth(config, s);
    if (!prev) return s;
    return { ...s, health: applyHealthResult(prev, entry, check.retries, inStartPeriod(check, s.startedAt, startMs)) };
  });
  const health = next.state.health?.status ?? 'starting';
  if (health === 'unhealthy') await onFailure(ce, next);
  if (failure) throw failure;
  return { Status: exitCode === 0 ? 'healthy' : 'unhealthy', health };
}

/** The container's ID; Podman words a missing one "unable to look up X to perform a health check: …". */
function lookupForCheck(ce: ContainerEngine, nameOrId: string): string {
  try {
    return ce.lookup(nameOrId).config.id;
  } catch (err) {
    if (err instanceof NoSuchContainerError) err.message = `unable to look up ${nameOrId} to perform a health check: ${err.message}`;
    throw err;
  }
}

/** Podman's --health-on-failure for a container that just became unhealthy. */
async function onFailure(ce: ContainerEngine, rec: ContainerRecord): Promise<void> {
  const id = rec.config.id;
  switch (rec.config.healthcheck?.onFailure) {
    case 'kill':
      await ce.kill([id], { signal: 'KILL' });
      break;
    case 'stop':
      await ce.stop([id]);
      break;
    case 'restart':
      await ce.restart([id]);
      break;
    default:
      break;
  }
}

/** Creates the container's systemd timer after it starts (Podman's createTimer); a no-op without systemd. */
export async function startHealthTimer(ce: ContainerEngine, rec: ContainerRecord): Promise<void> {
  const check = rec.config.healthcheck;
  if (!check || !healthCommand(check.test)) return;
  const intervalMs = parseHealthDuration(check.interval);
  if (!intervalMs) return;
  const id = rec.config.id;
  const command = [process.execPath, '--', ContainerEngine.cliEntry, ...rec.config.engineArgs, 'healthcheck', 'run', id];
  try {
    await createHealthTimer({ unit: id, interval: goDuration(intervalMs * 1e6), command, user: isRootless() });
  } catch (err) {
    ce.engine.options.warn?.(`unable to create healthcheck timer for ${id}: ${(err as Error).message}`);
  }
}

/** Removes the timer when the container stops or goes away (Podman's removeTimer). */
export async function stopHealthTimer(rec: ContainerRecord): Promise<void> {
  if (!rec.config.healthcheck) return;
  await removeHealthTimer(rec.config.id, isRootless());
}
