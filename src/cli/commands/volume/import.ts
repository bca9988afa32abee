import fs from 'node:fs';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'import VOLUME [SOURCE]',
  short: 'Import a tarball contents into a podman volume',
  long: 'Imports contents into a podman volume from specified tarball (.tar, .tar.gz, .tgz, .bzip, .tar.xz, .txz).',
  examples: ['skiff volume import my_vol /home/user/import.tar', 'cat ctr.tar | skiff volume import my_vol -'],
  minArgs: 2,
  maxArgs: 2,
  async run(ctx, _flags, args) {
    const [name, source] = args as [string, string];
    let input: NodeJS.ReadableStream;
    if (source === '-') input = process.stdin;
    else {
      if (!fs.existsSync(source)) throw new InvalidArgumentError(`unable to read from ${source}: stat ${source}: no such file or directory`);
      input = fs.createReadStream(source);
    }
    const engine = await ctx.engine();
    const { importVolume } = await import('../../../engine/volume-engine.ts');
    await importVolume(engine, name, input);
  },
};
