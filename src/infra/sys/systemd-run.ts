/**
 * Health check timers through systemd (Podman's createTimer/removeTimer): `systemd-run`
 * makes a transient `<id>.timer` that runs `skiff healthcheck run <id>` each time the
 * `<id>.service` it starts has been inactive for the interval. Without systemd as PID 1
 * there is no one to run timers, and these do nothing.
 */
import { readFileSync } from 'node:fs';
import { findProgram } from '../rootless/program-path.ts';
import { runProgram } from './process.ts';

export interface HealthTimerOptions {
  /** the container ID: names the units */
  unit: string;
  /** Go duration string, as systemd accepts it ("30s", "1m30s") */
  interval: string;
  /** the argv the timer runs */
  command: string[];
  /** manage the user's systemd instance (rootless) */
  user: boolean;
}

/** systemd-run's path when systemd is PID 1 and the program is installed. */
export function systemdRunPath(): string | undefined {
  try {
    if (readFileSync('/proc/1/comm', 'utf8').trim() !== 'systemd') return undefined;
  } catch {
    return undefined;
  }
  return findProgram('systemd-run');
}

/** Creates and starts the timer; false when there is no systemd to run it. */
export async function createHealthTimer(opts: HealthTimerOptions): Promise<boolean> {
  const systemdRun = systemdRunPath();
  if (!systemdRun) return false;
  const args = [
    ...(opts.user ? ['--user'] : []),
    ...(process.env['PATH'] ? [`--setenv=PATH=${process.env['PATH']}`] : []),
    '--unit', opts.unit, `--on-unit-inactive=${opts.interval}`, '--timer-property=AccuracySec=1s',
    ...opts.command,
  ];
  await runProgram(systemdRun, args, { debianPackage: 'systemd' });
  return true;
}

/** Stops the timer and its service; units that are already gone are fine. */
export async function removeHealthTimer(unit: string, user: boolean): Promise<void> {
  if (!systemdRunPath()) return;
  const systemctl = findProgram('systemctl');
  if (!systemctl) return;
  await runProgram(systemctl, [...(user ? ['--user'] : []), 'stop', `${unit}.timer`, `${unit}.service`], { debianPackage: 'systemd' }).catch(() => undefined);
}
