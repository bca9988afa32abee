import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'load [options]',
  short: 'Load image(s) from a tar archive',
  long: 'Loads an image from a locally stored archive (tar file) into container storage.',
  maxArgs: 0,
  flags: [
    { name: 'input', short: 'i', type: 'string', description: 'Read from specified archive file (default: stdin)' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the output' },
    { name: 'signature-policy', type: 'string', description: 'Pathname of signature policy file', hidden: true },
  ],
  async run(ctx, flags) {
    const input = flags.string('input');
    if (!input && process.stdin.isTTY) {
      throw new InvalidArgumentError('cannot read from terminal, use command-line redirection or the --input flag');
    }
    const engine = await ctx.engine();
    const report = await engine.images.load({ input, stdin: process.stdin });
    ctx.out(`Loaded image: ${report.Names.join('\nLoaded image: ')}\n`);
  },
};
