/**
 * conmon's side channels: the sync pipe, on which it sends one JSON line per event
 * (`{"data": <pid or exit code>, "message": "…"}`, negative data for a failure), and the
 * mapping of a runtime's failure text to Podman's error kinds and exit codes.
 */
import type { Readable } from 'node:stream';
import { CannotInvokeError, CommandNotFoundError, OciRuntimeError, type SkiffError } from '../../define/errors.ts';

export interface SyncMessage {
  data: number;
  message?: string;
}

/** Reads JSON lines from one of conmon's pipes; the pipe stays open after the first one. */
export class SyncPipe {
  private buffered = '';
  private ended = false;
  private waiting: (() => void) | undefined;
  private readonly stream: Readable;

  constructor(stream: Readable) {
    this.stream = stream;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buffered += chunk;
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  /** The next message, or undefined once conmon closed the pipe without sending one. */
  async next(): Promise<SyncMessage | undefined> {
    for (;;) {
      const nl = this.buffered.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        if (line.trim() !== '') return parseSyncLine(line);
        continue;
      }
      if (this.ended) {
        const rest = this.buffered.trim();
        this.buffered = '';
        return rest === '' ? undefined : parseSyncLine(rest);
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Stops reading; conmon's later writes then fail harmlessly (it ignores SIGPIPE). */
  close(): void {
    this.stream.destroy();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}

/**
 * conmon writes the message with printf's %s, so a runtime error containing quotes or
 * newlines is not valid JSON; fall back to pulling the fields out by hand.
 */
export function parseSyncLine(line: string): SyncMessage {
  try {
    const parsed = JSON.parse(line) as SyncMessage;
    if (typeof parsed.data === 'number') return parsed;
  } catch {
    // handled below
  }
  const data = /"data"\s*:\s*(-?\d+)/.exec(line);
  const message = /"message"\s*:\s*"([\s\S]*)"\s*}\s*$/.exec(line);
  return { data: data ? Number(data[1]) : -1, message: message ? message[1] : line };
}

/**
 * Podman's getOCIRuntimeError: a failure naming a permission problem means the command
 * cannot be invoked (126), one naming a missing file means it was not found (127); anything
 * else is a runtime error. The message keeps the line that matched, as Podman does.
 */
export function runtimeError(runtimeName: string, text: string): SkiffError {
  const message = runtimeMessage(text);
  const denied = /^.*(?:permission denied|operation not permitted).*$/im.exec(message);
  if (denied) return new CannotInvokeError(`${runtimeName}: ${denied[0].trim()}: OCI permission denied`);
  const missing = /^.*(?:executable file not found in|no such file or directory|open executable).*$/im.exec(message);
  if (missing) {
    return new CommandNotFoundError(`${runtimeName}: ${missing[0].trim()}: OCI runtime attempted to invoke a command that was not found`);
  }
  return new OciRuntimeError(`${runtimeName}: ${message}: OCI runtime error`);
}

/**
 * The human part of what a runtime printed: runc and crun log as JSON lines (`{"msg": …}`)
 * or logrus text (`level=error msg="…"`) depending on flags; keep only the messages.
 */
export function runtimeMessage(text: string): string {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('{')) {
      try {
        const parsed = JSON.parse(line) as { msg?: string; level?: string };
        if (typeof parsed.msg === 'string') {
          if (parsed.level === undefined || parsed.level === 'error' || parsed.level === 'fatal') lines.push(parsed.msg);
          continue;
        }
      } catch {
        // not JSON after all
      }
    }
    const logrus = /level=(\w+)\s+msg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (logrus) {
      if (logrus[1] === 'error' || logrus[1] === 'fatal') lines.push(logrus[2]!.replace(/\\(.)/g, '$1'));
      continue;
    }
    lines.push(line);
  }
  return lines.join('\n').trim() || text.trim();
}
