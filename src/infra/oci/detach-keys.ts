/**
 * The detach key sequence of `attach`, `run -it` and `exec -it` (default ctrl-p,ctrl-q), in
 * Docker's notation: comma-separated keys, each one character or `ctrl-<x>` with x in
 * a-z, @, [, \, ], ^ or _.
 */
import { InvalidArgumentError } from '../../define/errors.ts';

export const defaultDetachKeys = 'ctrl-p,ctrl-q';

const ctrlNames = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/** The bytes a key sequence sends; an empty string means "no detach keys". */
export function parseDetachKeys(keys: string): Buffer {
  if (keys === '') return Buffer.alloc(0);
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const lower = key.toLowerCase();
    const code = lower.startsWith('ctrl-') && lower.length === 6 ? ctrlNames.indexOf(lower[5]!) : -1;
    if (code < 0) throw new InvalidArgumentError(`invalid detach keys: Unknown character: '${key}'`);
    codes.push(code);
  }
  return Buffer.from(codes);
}

/**
 * Watches input for the detach sequence across chunk boundaries. Bytes that might start the
 * sequence are held back until it is clear they do not; everything else passes through.
 */
export class DetachMatcher {
  private readonly keys: Buffer;
  /** Input bytes that are a prefix of the sequence, held until it is clear either way. */
  private held: number[] = [];

  constructor(keys: Buffer) {
    this.keys = keys;
  }

  /** What to forward from this chunk, and whether the sequence completed (input after it is dropped). */
  feed(chunk: Buffer): { forward: Buffer; detached: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detached: false };
    const out: number[] = [];
    for (const byte of chunk) {
      this.held.push(byte);
      while (this.held.length > 0 && !this.heldIsPrefix()) out.push(this.held.shift()!);
      if (this.held.length === this.keys.length) {
        this.held = [];
        return { forward: Buffer.from(out), detached: true };
      }
    }
    return { forward: Buffer.from(out), detached: false };
  }

  /** Releases held bytes at end of input. */
  flush(): Buffer {
    const rest = Buffer.from(this.held);
    this.held = [];
    return rest;
  }

  private heldIsPrefix(): boolean {
    return this.held.every((b, i) => b === this.keys[i]);
  }
}
