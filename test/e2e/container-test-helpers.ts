/**
 * What the container e2e tests share: the fixture image loaded into a SkiffEnv, the runtimes
 * to run every key test with, and checks that nothing of a container outlives it (mounts
 * under the env, conmon processes naming the env's store).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dockerArchive } from '../helpers/fixtures.ts';
import type { SkiffEnv } from '../helpers/skiff.ts';

/** The fixture image (busybox-static applets in /bin, user app = 1000, Cmd sh). */
export const IMAGE = 'localhost/busybox:latest';

export const isRoot = process.getuid?.() === 0;

/** Skip reason for container tests on this machine, or false. */
export const containerSkip: string | false = !isRoot
  ? 'running containers needs root'
  : !existsSync('/usr/bin/conmon')
    ? 'needs conmon (bash scripts/setup.sh installs it)'
    : false;

export async function loadBusybox(env: SkiffEnv): Promise<void> {
  await env.runOk(['load', '-q', '-i', await dockerArchive()]);
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/usr/sbin').split(':').some((d) => existsSync(`${d}/${name}`)) || existsSync(`/usr/sbin/${name}`);
}

/**
 * crun refuses a cgroup v1/v2 hybrid with controllers on v2 (TESTING.md); moving hugetlb to
 * v1 fixes that, as CI's setup does. Returns false when crun still cannot work.
 */
export function makeCrunUsable(): boolean {
  const unified = '/sys/fs/cgroup/unified/cgroup.controllers';
  if (!existsSync(unified) || readFileSync(unified, 'utf8').trim() === '') return true;
  try {
    mkdirSync('/sys/fs/cgroup/hugetlb', { recursive: true });
    execFileSync('mount', ['-t', 'cgroup', '-o', 'hugetlb', 'cgroup', '/sys/fs/cgroup/hugetlb']);
  } catch {
    // already mounted by someone else, or not allowed
  }
  return readFileSync(unified, 'utf8').trim() === '';
}

/** The runtimes to test with, each with a skip reason when it is missing. */
export const runtimes: { name: string; skip: string | false }[] = ['runc', 'crun'].map((name) => ({
  name,
  skip: containerSkip || (!onPath(name) ? `${name} is not installed` : name === 'crun' && isRoot && !makeCrunUsable() ? 'crun cannot use this host\'s cgroups' : false),
}));

/** Mount points at or below `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4]!)
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`));
}

/** Live conmon processes whose command line names `dir` (the env's store). */
export function conmonsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('conmon') && argv.some((a) => a.includes(dir))) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Polls until fn returns a truthy value (then returns it) or the time is up (then fails). */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A container's field via `inspect --format` (inspect never changes state). */
export async function inspectField(env: SkiffEnv, name: string, template: string): Promise<string> {
  return (await env.runOk(['inspect', '--format', template, name])).trim();
}
