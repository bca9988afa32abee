/**
 * pasta (package passt), the other user-mode network stack, run as Podman 4.4 runs it:
 * `pasta --config-net [-t/-u PORTS] [user options] -T none -U none --no-map-gw --netns PATH`.
 * pasta copies the host's addresses and routes into the namespace, forks into the background
 * once ready, and quits by itself when the namespace file is deleted.
 */
import fs from 'node:fs';
import { InvalidArgumentError, MissingProgramError, NetworkError, ProgramFailedError } from '../../define/errors.ts';
import { findProgram } from '../rootless/program-path.ts';
import { runProgram } from '../sys/process.ts';

export interface PastaPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  range: number;
}

export interface PastaOptions {
  ports: readonly PastaPort[];
  /** `--network pasta:OPTS`, split at commas: pasta's own command-line arguments */
  options: readonly string[];
  netnsPath: string;
  pidFile: string;
}

/** Options skiff sets itself: a user's copy would detach pasta from the container's namespace or lifetime. */
const reserved = ['--netns', '--netns-only', '--no-netns-quit', '-P', '--pid', '-f', '--foreground', '--userns'];

export function findPasta(env: NodeJS.ProcessEnv = process.env): string {
  const found = findProgram('pasta', env);
  if (!found) throw new MissingProgramError('pasta', 'passt');
  return found;
}

/** The user's options, checked: a reserved one is an error naming it. */
export function checkPastaOptions(options: readonly string[]): void {
  for (const opt of options) {
    const name = opt.split('=')[0]!;
    if (reserved.includes(name)) throw new InvalidArgumentError(`pasta option ${name} cannot be used: skiff sets it`);
  }
}

/** Podman's argument list; `--map-gw` (not a pasta option) only drops `--no-map-gw`. */
export function pastaArgs(o: PastaOptions): string[] {
  checkPastaOptions(o.options);
  const args = ['--config-net'];
  for (const p of o.ports) {
    if (p.protocol === 'sctp') throw new InvalidArgumentError(`pasta cannot forward ${p.protocol} port ${p.hostPort}`);
    const range = Math.max(1, p.range);
    const addr = p.hostIp ? `${p.hostIp}/` : '';
    args.push(p.protocol === 'tcp' ? '-t' : '-u', `${addr}${p.hostPort}-${p.hostPort + range - 1}:${p.containerPort}-${p.containerPort + range - 1}`);
  }
  const user = o.options.filter((a) => a !== '--map-gw');
  args.push(...user);
  const has = (...names: string[]) => args.some((a) => names.includes(a) || names.some((n) => a.startsWith(`${n}=`)));
  if (!has('-t', '--tcp-ports')) args.push('-t', 'none');
  if (!has('-u', '--udp-ports')) args.push('-u', 'none');
  if (!has('-T', '--tcp-ns')) args.push('-T', 'none');
  if (!has('-U', '--udp-ns')) args.push('-U', 'none');
  if (!o.options.includes('--map-gw')) args.push('--no-map-gw');
  args.push('-P', o.pidFile, '--netns', o.netnsPath);
  return args;
}

/** Without a syslog socket, pasta repeats every message as a complaint about syslog. */
function pastaMessages(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Failed to send \d+ bytes to syslog/.test(l))
    .join('; ');
}

/** Runs pasta until it has configured the namespace and forked; returns the background pid. */
export async function startPasta(binary: string, opts: PastaOptions): Promise<number> {
  try {
    await runProgram(binary, pastaArgs(opts), { debianPackage: 'passt', displayName: 'pasta' });
  } catch (err) {
    if (err instanceof ProgramFailedError) throw new NetworkError(`pasta failed${err.status === null ? '' : ` with exit code ${err.status}`}: ${pastaMessages(err.stderr)}`, { cause: err });
    throw err;
  }
  const pid = Number(fs.readFileSync(opts.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new NetworkError(`pasta wrote no pid to ${opts.pidFile}`);
  return pid;
}

/** Stops pasta if it is still the one serving `netnsPath` (deleting the file usually stopped it). */
export function stopPasta(pid: number, netnsPath: string): void {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (!argv.includes(netnsPath)) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
