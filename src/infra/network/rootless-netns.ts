/**
 * The rootless-netns, as Podman 4.3 builds it: one network namespace per rootless user
 * (bind-mounted at `<dir>/netns`, made inside the user namespace every rootless command
 * runs in) that slirp4netns connects to the outside on 10.0.2.0/24 (tap0 10.0.2.100).
 * netavark runs inside it, so the bridges, firewall rules and aardvark-dns of user-defined
 * networks live there and each container's veth crosses from it into the container.
 *
 * slirp4netns runs detached, with no exit pipe: it must outlive the command that started
 * it and serve every container. Its pid is recorded in `<dir>/slirp4netns.pid` and checked
 * before reuse; stopRootlessNetns() ends it when the last container leaves. Callers hold
 * `<dir>/lock` (rootlessNetnsLock()) around start, stop and the count of users.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NetworkError } from '../../define/errors.ts';
import { MNT_DETACH, umount2 } from '../sys/mount.ts';
import { runProgram } from '../sys/process.ts';
import { apiRequest, isSlirp4netnsOf, waitReady } from './slirp4netns.ts';

/** tap0's address inside the rootless-netns: slirp4netns forwards host ports there. */
const rootlessNetnsGuest = '10.0.2.100';

export interface RootlessNetns {
  /** the namespace file */
  netns: string;
  /** slirp4netns's API socket (port forwards) */
  apiSocket: string;
}

export interface HostPortForward {
  proto: 'tcp' | 'udp';
  hostAddr: string;
  hostPort: number;
}

function files(dir: string) {
  return {
    netns: path.join(dir, 'netns'),
    apiSocket: path.join(dir, 'slirp4netns.sock'),
    pidFile: path.join(dir, 'slirp4netns.pid'),
    logFile: path.join(dir, 'slirp4netns.log'),
  };
}

export function rootlessNetnsLock(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, 'lock');
}

/** The recorded slirp4netns, if it still serves this namespace. */
function livePid(dir: string): number | undefined {
  const f = files(dir);
  try {
    const pid = Number.parseInt(fs.readFileSync(f.pidFile, 'utf8'), 10);
    return pid > 0 && isSlirp4netnsOf(pid, f.netns) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `argv` prefix that runs a program inside the namespace (netavark, and so aardvark-dns). */
export function rootlessNetnsEnter(ns: RootlessNetns): string[] {
  return ['nsenter', `--net=${ns.netns}`, '--'];
}

/**
 * Environment for netavark in the namespace. iptables takes /run/xtables.lock, which in the
 * user namespace belongs to an unmapped root: legacy iptables then fails ("can't open lock
 * file"). Podman gives netavark a private /run for this; pointing iptables' lock at the
 * user's own directory does the same for what netavark runs, without a mount namespace.
 */
export function rootlessNetnsEnv(ns: RootlessNetns): Record<string, string> {
  return { XTABLES_LOCKFILE: path.join(path.dirname(ns.netns), 'xtables.lock') };
}

/** The running rootless-netns, else a new one (a stale one is cleared first). Hold the lock. */
export async function ensureRootlessNetns(dir: string, slirp4netns: string): Promise<RootlessNetns> {
  const f = files(dir);
  if (livePid(dir)) return { netns: f.netns, apiSocket: f.apiSocket };
  stopRootlessNetns(dir);
  fs.writeFileSync(f.netns, '', { mode: 0o644 });
  await runProgram('unshare', [`--net=${f.netns}`, 'true'], { debianPackage: 'util-linux' });
  const args = ['--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp', '--ready-fd=3', `--api-socket=${f.apiSocket}`, '--netns-type=path', f.netns, 'tap0'];
  const log = fs.openSync(f.logFile, 'w', 0o600);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(slirp4netns, args, { stdio: ['ignore', log, log, 'pipe'], detached: true });
  } finally {
    fs.closeSync(log);
  }
  const ready = child.stdio[3] as Readable;
  try {
    await waitReady(child, ready, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    stopRootlessNetns(dir);
    let output = '';
    try {
      output = fs.readFileSync(f.logFile, 'utf8').trim();
    } catch {
      // no log
    }
    throw new NetworkError(`slirp4netns for the rootless-netns failed: ${(err as Error).message}${output ? `: ${output}` : ''}`, { cause: err });
  } finally {
    ready.destroy();
    child.unref();
  }
  fs.writeFileSync(f.pidFile, String(child.pid));
  return { netns: f.netns, apiSocket: f.apiSocket };
}

/** Stops slirp4netns and removes the namespace (idempotent). Hold the lock. */
export function stopRootlessNetns(dir: string): void {
  const f = files(dir);
  const pid = livePid(dir);
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  try {
    umount2(f.netns, MNT_DETACH);
  } catch {
    // not mounted
  }
  for (const file of [f.netns, f.apiSocket, f.pidFile]) fs.rmSync(file, { force: true });
}

/** Host port H → 10.0.2.100:H, where netavark's DNAT takes it on to the container. */
export async function addRootlessForward(ns: RootlessNetns, fwd: HostPortForward): Promise<void> {
  const reply = await apiRequest(ns.apiSocket, {
    execute: 'add_hostfwd',
    arguments: { proto: fwd.proto, host_addr: fwd.hostAddr, host_port: fwd.hostPort, guest_addr: rootlessNetnsGuest, guest_port: fwd.hostPort },
  });
  if ('error' in reply) throw new NetworkError(`failed to expose ports via slirp4netns: ${JSON.stringify(reply.error)}`);
}

/** Drops the forwards of these host ports (missing ones are fine). */
export async function removeRootlessForwards(ns: RootlessNetns, fwds: readonly HostPortForward[]): Promise<void> {
  const reply = await apiRequest(ns.apiSocket, { execute: 'list_hostfwd' });
  // the one reply slirp4netns does not wrap in "return"
  const entries = (reply.entries as { id: number; proto: string; host_port: number; host_addr: string }[] | undefined) ?? [];
  for (const e of entries) {
    if (!fwds.some((f) => f.proto === e.proto && f.hostPort === e.host_port && f.hostAddr === e.host_addr)) continue;
    await apiRequest(ns.apiSocket, { execute: 'remove_hostfwd', arguments: { id: e.id } });
  }
}
