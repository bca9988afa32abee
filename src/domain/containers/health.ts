/**
 * Health checks as Podman 4.3 keeps them (libpod/healthcheck.go): the command to run, and
 * how one result moves the container's health (Status, FailingStreak, the last 5 log
 * entries). Pure: the engine runs the command and stores what these functions return.
 */
import type { ContainerConfig, ContainerState } from './model.ts';
import { parseGoDuration } from '../go-duration.ts';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One run, in Podman's JSON shape (times in RFC 3339 with nanoseconds). */
export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** What the container state stores; `since` is the `startedAt` of the run it belongs to. */
export interface ContainerHealth {
  status: HealthStatus;
  failingStreak: number;
  log: HealthLogEntry[];
  since: string;
}

/** `inspect`'s State.Health. */
export interface HealthReport {
  Status: string;
  FailingStreak: number;
  Log: HealthLogEntry[] | null;
}

/** Podman's MaxHealthCheckNumberLogs and MaxHealthCheckLogLength. */
export const maxHealthLogs = 5;
export const maxHealthOutput = 500;

type Healthcheck = NonNullable<ContainerConfig['healthcheck']>;

/**
 * The argv to exec for a HEALTHCHECK test: `CMD a b` → [a, b], `CMD-SHELL x` → /bin/sh -c x,
 * anything else as is. Undefined for `NONE` or an empty test (no healthcheck).
 */
export function healthCommand(test: readonly string[]): string[] | undefined {
  const [kind, ...rest] = test;
  switch (kind) {
    case undefined:
    case '':
    case 'NONE':
      return undefined;
    case 'CMD':
      return rest;
    case 'CMD-SHELL':
      return ['/bin/sh', '-c', rest.join(' ')];
    default:
      return [...test];
  }
}

/** Go's time.ParseDuration, in ms; undefined when it does not parse. */
export function parseHealthDuration(text: string): number | undefined {
  if (text === '0') return 0;
  return text.length === 0 ? undefined : parseGoDuration(text);
}

/** The health a container shows now: a run without results yet is `starting`; undefined without a check. */
export function currentHealth(config: Pick<ContainerConfig, 'healthcheck'>, state: Pick<ContainerState, 'startedAt' | 'health'>): ContainerHealth | undefined {
  if (!config.healthcheck || healthCommand(config.healthcheck.test) === undefined) return undefined;
  const h = state.health;
  // Podman has no health file before the first start: an empty status.
  if (!h && state.startedAt.startsWith('0001-01-01')) return undefined;
  if (!h) return { status: 'starting', failingStreak: 0, log: [], since: state.startedAt };
  if (h.since !== state.startedAt) return { status: 'starting', failingStreak: 0, log: h.log, since: state.startedAt };
  return h;
}

/** Podman's HealthCheckResults for `inspect`; the empty one for a container without a check. */
export function healthReport(health: ContainerHealth | undefined): HealthReport {
  if (!health) return { Status: '', FailingStreak: 0, Log: null };
  return { Status: health.status, FailingStreak: health.failingStreak, Log: health.log.length > 0 ? health.log : null };
}

/** The status word `ps` shows in parentheses and `--filter health=` matches; '' without a check. */
export function healthStatusWord(config: Pick<ContainerConfig, 'healthcheck'>, state: Pick<ContainerState, 'startedAt' | 'health'>): string {
  return currentHealth(config, state)?.status ?? '';
}

/** Whether a check that started at `startMs` falls in the start period of a run begun at `startedAt`. */
export function inStartPeriod(check: Healthcheck, startedAt: string, startMs: number): boolean {
  const period = parseHealthDuration(check.startPeriod) ?? 0;
  return period > 0 && startMs < Date.parse(startedAt) + period;
}

/**
 * Podman's updateHealthCheckLog: success makes it healthy and resets the streak; a failure
 * outside the start period counts, and `retries` in a row make it unhealthy.
 */
export function applyHealthResult(prev: ContainerHealth, entry: HealthLogEntry, retries: number, startPeriod: boolean): ContainerHealth {
  const next: ContainerHealth = { ...prev, log: [...prev.log, entry].slice(-maxHealthLogs) };
  if (entry.ExitCode === 0) return { ...next, status: 'healthy', failingStreak: 0 };
  if (startPeriod) return next;
  const failingStreak = prev.failingStreak + 1;
  return { ...next, failingStreak, status: failingStreak >= retries ? 'unhealthy' : prev.status };
}

/** Output as Podman logs it: at most 500 characters. */
export function healthOutput(text: string): string {
  return text.length > maxHealthOutput ? text.slice(0, maxHealthOutput) : text;
}
