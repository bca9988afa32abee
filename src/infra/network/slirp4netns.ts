/**
 * slirp4netns, the user-mode network stack of rootless containers (as Podman 4.3 runs it):
 * started against a network namespace file, it creates and configures `tap0` there and
 * relays its traffic through ordinary sockets on the host. It is told to exit when its exit
 * pipe closes: the caller hands the pipe's other end to conmon, so slirp4netns lives exactly
 * as long as the container's monitor, with no daemon. Ports are forwarded through its API
 * socket. Call order: startSlirp4netns() → addHostForward()… → (conmon) → stopSlirp4netns().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { MissingProgramError, NetworkError } from '../../define/errors.ts';
import { findProgram } from '../rootless/program-path.ts';
import { libcFunc, lastErrno, SyscallError } from '../sys/libc.ts';

export interface Slirp4netnsStartOptions {
  binary: string;
  /** the namespace file to configure (`--netns-type=path`) */
  netnsPath: string;
  /** option flags (see slirp4netnsArgs()) */
  args: readonly string[];
  /** where the API socket goes; only needed to forward ports */
  apiSocket?: string;
  /** slirp4netns's own output, read back when it fails */
  logFile: string;
  timeoutMs?: number;
}

export interface Slirp4netnsProcess {
  pid: number;
  /**
   * The write end of the exit pipe, open in this process only: give it to conmon, then
   * close it here. slirp4netns exits once every copy is closed.
   */
  exitFd: number;
}

export interface HostForward {
  proto: 'tcp' | 'udp';
  hostAddr: string;
  hostPort: number;
  guestPort: number;
}

const O_CLOEXEC = 0o2000000;

/** The configured binary (containers.conf `network_cmd_path`), else slirp4netns on $PATH. */
export function findSlirp4netns(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  if (configured) {
    if (!fs.existsSync(configured)) throw new NetworkError(`slirp4netns not found at ${configured} (containers.conf network_cmd_path): install the Debian package "slirp4netns" or fix the path`);
    return configured;
  }
  const found = findProgram('slirp4netns', env);
  if (!found) throw new MissingProgramError('slirp4netns', 'slirp4netns');
  return found;
}

/** pipe2(O_CLOEXEC): fds that reach only the children they are explicitly handed to. */
function cloexecPipe(): [number, number] {
  const fds = Buffer.alloc(8);
  if (libcFunc('int pipe2(_Out_ int *fds, int flags)')(fds, O_CLOEXEC) !== 0) throw new SyscallError('pipe2', lastErrno());
  return [fds.readInt32LE(0), fds.readInt32LE(4)];
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Resolves once slirp4netns writes "1" on its ready pipe; rejects if it exits first. */
export function waitReady(child: ChildProcess, ready: Readable, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`not ready after ${timeoutMs / 1000}s`)), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      ready.removeAllListeners('data');
      if (err) reject(err);
      else resolve();
    };
    ready.on('data', (b: Buffer) => {
      if (b.includes('1')) finish();
    });
    child.once('exit', (code, signal) => finish(new Error(signal ? `killed by ${signal}` : `exited with status ${code}`)));
    child.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ENOENT' ? new MissingProgramError('slirp4netns', 'slirp4netns') : err));
  });
}

/** Starts slirp4netns (in its own session, detached from this process) and waits until tap0 is up. */
export async function startSlirp4netns(opts: Slirp4netnsStartOptions): Promise<Slirp4netnsProcess> {
  const [exitRead, exitWrite] = cloexecPipe();
  const args = [...opts.args, '--configure', '--exit-fd=3', '--ready-fd=4'];
  if (opts.apiSocket) args.push(`--api-socket=${opts.apiSocket}`);
  args.push('--netns-type=path', opts.netnsPath, 'tap0');
  let child: ChildProcess;
  const log = fs.openSync(opts.logFile, 'w', 0o600);
  try {
    child = spawn(opts.binary, args, { stdio: ['ignore', log, log, exitRead, 'pipe'], detached: true });
  } catch (err) {
    fs.closeSync(exitWrite);
    throw err;
  } finally {
    fs.closeSync(exitRead);
    fs.closeSync(log);
  }
  const ready = child.stdio[4] as Readable;
  try {
    await waitReady(child, ready, opts.timeoutMs ?? 10_000);
  } catch (err) {
    if (err instanceof MissingProgramError) throw err;
    child.kill('SIGKILL');
    fs.closeSync(exitWrite);
    const output = readLog(opts.logFile);
    throw new NetworkError(`slirp4netns failed: ${(err as Error).message}${output ? `: ${output}` : ''}`, { cause: err });
  } finally {
    ready.destroy();
    child.unref();
  }
  return { pid: child.pid!, exitFd: exitWrite };
}

/** One request on the API socket (one connection each, the write side shut to end it). */
export function apiRequest(socket: string, request: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket);
    const chunks: Buffer[] = [];
    conn.on('connect', () => conn.end(JSON.stringify(request)));
    conn.on('data', (b: Buffer) => chunks.push(b));
    conn.on('error', reject);
    conn.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Forwards a host port to the container's address (slirp4netns's add_hostfwd; IPv4 only). */
export async function addHostForward(apiSocket: string, fwd: HostForward): Promise<void> {
  const reply = await apiRequest(apiSocket, {
    execute: 'add_hostfwd',
    arguments: { proto: fwd.proto, host_addr: fwd.hostAddr, host_port: fwd.hostPort, guest_port: fwd.guestPort },
  });
  if ('error' in reply) {
    throw new NetworkError(`failed to expose ports via slirp4netns: from slirp4netns while setting up port redirection: ${JSON.stringify(reply.error)}`);
  }
}

/** Whether `pid` is still the slirp4netns of this namespace (pids are reused; never signal a stranger). */
export function isSlirp4netnsOf(pid: number, netnsPath: string): boolean {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[0]!.endsWith('slirp4netns') && argv.includes(netnsPath);
  } catch {
    return false;
  }
}

/** Stops it if it still runs (conmon's exit usually stopped it already). */
export function stopSlirp4netns(pid: number, netnsPath: string): void {
  if (!pid || !isSlirp4netnsOf(pid, netnsPath)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
