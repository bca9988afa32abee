/**
 * Attaching to a container (or exec session) through conmon's attach socket. Every packet
 * conmon sends starts with one byte naming the stream (conmon's stdpipe_t: 2 stdout,
 * 3 stderr); what the client writes is the container's stdin, raw. Window-size changes go
 * to the `ctl` FIFO as `1 <height> <width>\n` (conmon relays them to the pty through its
 * internal `winsz` FIFO).
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { errorMessage, SkiffError } from '../../define/errors.ts';
import { connectSeqpacket, type SeqpacketSocket } from '../sys/seqpacket.ts';
import { DetachMatcher, defaultDetachKeys, parseDetachKeys } from './detach-keys.ts';

const STREAM_STDOUT = 2;
const STREAM_STDERR = 3;
const RESIZE_EVENT = 1;

export interface AttachOptions {
  /** conmon's attach socket (attachSocketPath()) */
  socketPath: string;
  /** conmon's `ctl` FIFO, for terminal resizes */
  ctlPath?: string;
  /** forwarded to the container's stdin; its end closes the container's stdin */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** the container has a terminal: raw local tty, resizes forwarded, everything on stdout */
  tty: boolean;
  /** Docker-style detach sequence; default ctrl-p,ctrl-q, '' for none */
  detachKeys?: string;
  /**
   * Runs once the socket is connected, before output is read: start the container here
   * (Podman's order) so none of its output is missed.
   */
  onConnected?: () => Promise<void>;
}

/** Writes a resize request to conmon's control FIFO; a FIFO without reader is ignored. */
export function resizeTerminal(ctlPath: string, height: number, width: number): void {
  let fd: number;
  try {
    fd = openSync(ctlPath, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return;
  }
  try {
    writeSync(fd, `${RESIZE_EVENT} ${height} ${width}\n`);
  } catch {
    // conmon gone or FIFO full: a lost resize is harmless
  } finally {
    closeSync(fd);
  }
}

interface TtyIn extends Readable {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

interface TtyOut extends Writable {
  isTTY?: boolean;
  rows?: number;
  columns?: number;
}

async function writeOut(dst: Writable, data: Buffer): Promise<void> {
  if (!dst.write(data)) await once(dst, 'drain');
}

/**
 * Attaches and pumps the streams until the container closes its side ('exited') or the user
 * types the detach keys ('detached'). The local terminal is restored and the socket closed
 * before this returns, so no thread-pool read is left behind.
 */
export async function attach(opts: AttachOptions): Promise<'exited' | 'detached'> {
  const matcher = new DetachMatcher(parseDetachKeys(opts.detachKeys ?? defaultDetachKeys));
  let socket: SeqpacketSocket;
  try {
    socket = connectSeqpacket(opts.socketPath);
  } catch (err) {
    throw new SkiffError(`failed to connect to container's attach socket: ${opts.socketPath}: ${errorMessage(err)}`, { cause: err });
  }
  const stdin = opts.stdin as TtyIn | undefined;
  const stdout = opts.stdout as TtyOut | undefined;
  const restoreRaw = opts.tty && stdin?.isTTY && stdin.setRawMode && !stdin.isRaw;
  const resize = () => {
    if (opts.ctlPath && stdout?.rows && stdout.columns) resizeTerminal(opts.ctlPath, stdout.rows, stdout.columns);
  };
  let stopInput = () => {};
  try {
    // Size the pty before the process starts, so it never sees the 80x24 default.
    if (opts.tty && stdout?.isTTY) {
      resize();
      stdout.on('resize', resize);
    }
    if (opts.onConnected) await opts.onConnected();
    if (restoreRaw) stdin.setRawMode!(true);
    const detached = new Promise<'detached'>((resolve) => {
      if (stdin) stopInput = pumpInput(stdin, socket, matcher, () => resolve('detached'));
    });
    return await Promise.race([pumpOutput(socket, opts).then(() => 'exited' as const), detached]);
  } finally {
    stopInput();
    stdout?.off('resize', resize);
    if (restoreRaw) stdin.setRawMode!(false);
    await socket.close();
  }
}

async function pumpOutput(socket: SeqpacketSocket, opts: AttachOptions): Promise<void> {
  for await (const packet of socket.packets()) {
    if (packet.length < 2) continue;
    const data = packet.subarray(1);
    if (packet[0] === STREAM_STDOUT && opts.stdout) await writeOut(opts.stdout, data);
    else if (packet[0] === STREAM_STDERR && opts.stderr) await writeOut(opts.stderr, data);
  }
}

/**
 * Copies stdin to the socket in order, one chunk at a time, watching for the detach keys.
 * Returns a function that stops reading (and leaves the stream paused).
 */
function pumpInput(stdin: Readable, socket: SeqpacketSocket, matcher: DetachMatcher, onDetach: () => void): () => void {
  let stopped = false;
  let writing = Promise.resolve();
  const send = (data: Buffer) => {
    if (data.length === 0) return;
    stdin.pause();
    writing = writing
      .then(() => socket.write(data))
      .catch(() => {
        // the container went away; output pumping ends the attach
      })
      .finally(() => {
        if (!stopped) stdin.resume();
      });
  };
  const onData = (chunk: Buffer | string) => {
    const { forward, detached } = matcher.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    send(forward);
    if (detached) {
      stop();
      onDetach();
    }
  };
  const onEnd = () => {
    send(matcher.flush());
    void writing.then(() => {
      if (!stopped) socket.shutdownWrite();
    });
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
  };
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.resume();
  return stop;
}
