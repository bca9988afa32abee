import fs from 'node:fs';
import { InvalidArgumentError, SkiffError } from '../../../define/errors.ts';
import { exportContainer } from '../../../engine/container-ops/commit.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'export [options] CONTAINER',
  short: "Export container's filesystem contents as a tar archive",
  long: 'Exports container\'s filesystem contents as a tar archive and saves it on the local machine.',
  examples: ['skiff export ctrID > myCtr.tar', 'skiff export --output="myCtr.tar" ctrID'],
  flags: [{ name: 'output', short: 'o', type: 'string', description: 'Write to a specified file (default: stdout, which must be redirected)' }],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, flags, args) {
    const output = flags.string('output');
    if (output === undefined && process.stdout.isTTY) throw new InvalidArgumentError('refusing to export to terminal. Use -o flag or redirect');
    if (output?.includes(':')) throw new InvalidArgumentError(`invalid filename (should not contain ':') "${output}"`);
    const engine = await ctx.engine();
    const ce = engine.containers;
    const id = ce.lookup(args[0]!).config.id;
    if (output === undefined) {
      await exportContainer(ce, id, process.stdout);
      return;
    }
    let fd: number;
    try {
      fd = fs.openSync(output, 'w', 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SkiffError(`creating file "${output}": open ${output}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    const out = fs.createWriteStream('', { fd });
    try {
      await exportContainer(ce, id, out);
    } finally {
      await new Promise<void>((resolve) => out.end(resolve));
    }
  },
};
