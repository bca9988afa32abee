import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { inspectObjects } from '../inspect.ts';

export const command: CommandSpec = {
  use: 'inspect [options] IMAGE [IMAGE...]',
  short: 'Display the configuration of an image',
  long: 'Displays the low-level information of an image identified by name or ID.',
  examples: ['skiff image inspect alpine', 'skiff image inspect --format "imageId: {{.Id}} size: {{.Size}}" alpine'],
  flags: [{ name: 'format', short: 'f', type: 'string', default: 'json', description: 'Format the output to a Go template or json' }],
  async run(ctx, flags, args) {
    if (!args.length) throw new InvalidArgumentError('no names or ids specified');
    await inspectObjects(ctx, args, { type: 'image', format: flags.string('format') });
  },
};
