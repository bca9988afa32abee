/**
 * Waiting, after netavark setup, until aardvark-dns serves the container's networks.
 *
 * netavark starts aardvark-dns, or sends it SIGHUP to reload its configuration, and returns
 * at once. aardvark-dns before 1.11 answers SIGHUP by closing every listening socket and
 * binding them again, so a container that starts in that gap gets "connection refused" from
 * its name server; on a loaded machine the signal is handled late enough for that to happen.
 * The sockets are listed in /proc/<aardvark pid>/net/udp and udp6, which show aardvark's own
 * namespace (the rootless-netns's too): a reload is over when every gateway has a socket on
 * port 53 that was not there before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runProgram } from '../sys/process.ts';

/** The inodes of the sockets bound to each `HEXADDR:HEXPORT`, as /proc/net/udp spells it. */
export type UdpListeners = Map<string, Set<string>>;

/** The kernel's hex form of an address and port: each 32-bit word in host (little-endian) order. */
export function kernelSocketAddress(ip: string, port: number): string {
  const bytes = ip.includes(':') ? ipv6Bytes(ip) : ip.split('.').map(Number);
  let hex = '';
  for (let i = 0; i < bytes.length; i += 4) {
    for (let j = 3; j >= 0; j--) hex += bytes[i + j]!.toString(16).padStart(2, '0');
  }
  return `${hex.toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

function ipv6Bytes(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string?];
  const words = (s: string | undefined): number[] => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const front = words(head);
  const back = words(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

/** Local address → socket inodes, from the text of /proc/…/net/udp or udp6. */
export function parseProcNetUdp(text: string, into: UdpListeners = new Map()): UdpListeners {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1]!;
    const inode = f[9]!;
    const set = into.get(local) ?? new Set<string>();
    set.add(inode);
    into.set(local, set);
  }
  return into;
}

function aardvarkPid(configDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(configDir, 'aardvark-dns', 'aardvark.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the pid file names a process that has ended (a zombie counts as ended). */
function aardvarkGone(configDir: string): boolean {
  const pid = aardvarkPid(configDir);
  if (pid === undefined) return false;
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** The UDP sockets of aardvark-dns's namespace; empty when it is not running. */
export function aardvarkListeners(configDir: string): UdpListeners {
  const pid = aardvarkPid(configDir);
  const found: UdpListeners = new Map();
  if (pid === undefined) return found;
  for (const file of ['udp', 'udp6']) {
    try {
      parseProcNetUdp(fs.readFileSync(`/proc/${pid}/net/${file}`, 'utf8'), found);
    } catch {
      // gone, or no IPv6 in that namespace
    }
  }
  return found;
}

/** Whether this aardvark-dns rebinds every socket on SIGHUP (all versions before 1.11). */
export async function aardvarkRebindsOnReload(binary: string): Promise<boolean> {
  try {
    const { stdout } = await runProgram(binary, ['--version'], { debianPackage: 'aardvark-dns' });
    const m = /(\d+)\.(\d+)/.exec(stdout);
    return !m || Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 11);
  } catch {
    return true;
  }
}

/**
 * The addresses aardvark-dns binds once it has read its configuration: the first line of
 * each network's file holds that network's gateways (`10.89.0.1,fd00::1`).
 */
export function configuredListenAddresses(configDir: string, port: number): string[] {
  const dir = path.join(configDir, 'aardvark-dns');
  const out: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'aardvark.pid') continue;
    let first: string;
    try {
      first = fs.readFileSync(path.join(dir, name), 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)[0] ?? '';
    } catch {
      continue;
    }
    for (const ip of first.split(',')) if (ip) out.push(kernelSocketAddress(ip, port));
  }
  return out;
}

/**
 * Waits until aardvark-dns serves what netavark just configured: every gateway in its
 * configuration has a socket, and, when it `rebinds`, one that is not in `before` (the
 * sockets seen just before netavark ran, under its lock). Gives up after `timeoutMs`: DNS that
 * comes late is still better than a container that never starts.
 */
export async function settleAardvark(configDir: string, port: number, before: UdpListeners, rebinds: boolean, timeoutMs = 1000): Promise<boolean> {
  const wanted = configuredListenAddresses(configDir, port);
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    const now = aardvarkListeners(configDir);
    const ready = wanted.every((addr) => {
      const inodes = now.get(addr);
      if (!inodes || inodes.size === 0) return false;
      const old = before.get(addr);
      return !rebinds || !old || [...inodes].some((i) => !old.has(i));
    });
    if (ready) return true;
    // an aardvark-dns that died (it could not bind, say) will not bind anything: no waiting for it
    if (Date.now() >= deadline || aardvarkGone(configDir)) return false;
    await new Promise((r) => setTimeout(r, delay));
  }
}
