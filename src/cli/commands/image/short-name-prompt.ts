/**
 * The list Podman shows on a terminal when a short name could name an image in several
 * registries (containers/image asks through promptui's Select): "? Please select an image:"
 * and the names, at most five at a time; ↑/↓ (or k/j, Ctrl-P/Ctrl-N) move, ←/→ (or h/l)
 * page, Enter picks, after which the list gives way to "✔ NAME". Ctrl-C or Ctrl-D abandon
 * the pull ("^C", "^D", as promptui reports them). Written to stdout, as promptui writes.
 */
import { SkiffError } from '../../../define/errors.ts';
import { isTerminal } from '../../../infra/sys/terminal.ts';

const pageSize = 5;

/** The prompt, when stdin and stdout are both a terminal (else the short name cannot be asked about). */
export function shortNamePrompt(): ((candidates: string[]) => Promise<string>) | undefined {
  if (!isTerminal(0) || !isTerminal(1)) return undefined;
  return (candidates) => selectPrompt('Please select an image', candidates);
}

type Key = 'up' | 'down' | 'page-up' | 'page-down' | 'enter' | 'interrupt' | 'eof';

const sequences: [string, Key][] = [
  ['\x1b[A', 'up'], ['\x1bOA', 'up'], ['\x10', 'up'], ['k', 'up'],
  ['\x1b[B', 'down'], ['\x1bOB', 'down'], ['\x0e', 'down'], ['j', 'down'],
  ['\x1b[D', 'page-up'], ['\x1bOD', 'page-up'], ['h', 'page-up'],
  ['\x1b[C', 'page-down'], ['\x1bOC', 'page-down'], ['l', 'page-down'],
  ['\r', 'enter'], ['\n', 'enter'], ['\x03', 'interrupt'], ['\x04', 'eof'],
];

/** The keys in a chunk of terminal input; anything else is ignored. */
function keysIn(data: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < data.length; ) {
    const hit = sequences.find(([seq]) => data.startsWith(seq, i));
    if (hit) keys.push(hit[1]);
    i += hit ? hit[0].length : 1;
  }
  return keys;
}

export function selectPrompt(label: string, items: string[], input = process.stdin, output = process.stdout): Promise<string> {
  let cursor = 0;
  let top = 0;
  let drawn = 0;
  const draw = (lines: string[]) => {
    output.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K\r${l}\r\n`).join('')}\x1b[J`);
    drawn = lines.length;
  };
  const render = () => {
    top = Math.min(Math.max(top, cursor - pageSize + 1), cursor);
    const end = Math.min(items.length, top + pageSize);
    const lines = [`\x1b[34m?\x1b[0m ${label}: `];
    for (let i = top; i < end; i++) {
      const page = i === top && top > 0 ? '↑' : i === end - 1 && end < items.length ? '↓' : ' ';
      lines.push(`${page} ${i === cursor ? `\x1b[1m▸\x1b[0m \x1b[4m${items[i]}\x1b[0m` : `  ${items[i]}`}`);
    }
    draw(lines);
  };
  return new Promise((resolve, reject) => {
    const finish = (err: Error | undefined) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode(false);
      input.pause();
      output.write(`${drawn ? `\x1b[${drawn}A` : ''}\x1b[J`);
      if (!err) output.write(`\x1b[32m✔\x1b[0m \x1b[2m${items[cursor]}\x1b[0m\n`);
      output.write('\x1b[?25h');
      if (err) reject(err);
      else resolve(items[cursor]!);
    };
    const onEnd = () => finish(new SkiffError('^D'));
    const onData = (data: Buffer) => {
      for (const key of keysIn(data.toString('utf8'))) {
        if (key === 'enter') return finish(undefined);
        if (key === 'interrupt') return finish(new SkiffError('^C'));
        if (key === 'eof') return finish(new SkiffError('^D'));
        if (key === 'up') cursor = Math.max(0, cursor - 1);
        else if (key === 'down') cursor = Math.min(items.length - 1, cursor + 1);
        else if (key === 'page-up') {
          cursor = Math.max(0, cursor - pageSize);
          top = Math.max(0, top - pageSize);
        } else {
          cursor = Math.min(items.length - 1, cursor + pageSize);
          top = Math.min(Math.max(0, items.length - pageSize), top + pageSize);
        }
      }
      render();
    };
    // Raw before the first drawing, so no key pressed at the sight of the list is echoed or line-buffered.
    input.setRawMode(true);
    output.write('\x1b[?25l');
    render();
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
