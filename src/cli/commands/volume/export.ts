import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { isTerminal } from '../../../infra/sys/terminal.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'export [options] VOLUME',
  short: 'Export volumes',
  long: 'Exports contents of a volume as a tarball',
  examples: ['skiff volume export myvol --output myvol.tar'],
  minArgs: 1,
  maxArgs: 1,
  flags: [{ name: 'output', short: 'o', type: 'string', description: 'Write to a specified file (default: stdout, which must be redirected)' }],
  async run(ctx, flags, args) {
    const output = flags.string('output');
    if (output === undefined && isTerminal(1)) throw new InvalidArgumentError('expected --output flag or redir of stdout');
    const engine = await ctx.engine();
    const { exportVolume } = await import('../../../engine/volume-engine.ts');
    const tar = await exportVolume(engine, args[0]!);
    await pipeline(tar, output === undefined ? process.stdout : fs.createWriteStream(output, { mode: 0o644 }));
  },
};
