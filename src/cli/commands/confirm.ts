/**
 * Podman's prune prompts: print the question, read one line from stdin (bufio's
 * ReadString('\n')); anything but an answer starting with y/Y declines. End of input before
 * a newline is an error ("EOF"), as it is for Podman.
 */
import fs from 'node:fs';
import { SkiffError } from '../../define/errors.ts';
import type { CliContext } from '../context.ts';

function readLine(): string {
  const buf = Buffer.alloc(1);
  let line = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, 1, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') n = 0;
      else throw err;
    }
    if (n === 0) throw new SkiffError('EOF');
    const ch = buf.toString('latin1');
    line += ch;
    if (ch === '\n') return line;
  }
}

/** Asks on stdout; true when the user answered yes. */
export function confirm(ctx: CliContext, question: string): boolean {
  ctx.out(question);
  const answer = readLine();
  return answer[0]?.toLowerCase() === 'y';
}
