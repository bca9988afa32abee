import type { CommandSpec } from '../../command.ts';
import { inspectObjects, inspectTargets } from '../inspect.ts';

export const command: CommandSpec = {
  use: 'inspect [options] CONTAINER [CONTAINER...]',
  short: 'Display the configuration of a container',
  long: 'Displays the low-level information on a container identified by name or ID.',
  examples: ['skiff container inspect myCtr', 'skiff container inspect -l', 'skiff container inspect --format "{{.ID}} {{.Config.Labels}}" myCtr'],
  flags: [
    { name: 'format', short: 'f', type: 'string', default: 'json', description: 'Format the output to a Go template or json' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'size', short: 's', type: 'bool', description: 'Display total file size' },
  ],
  async run(ctx, flags, args) {
    args = await inspectTargets(ctx, args, flags.bool('latest'));
    await inspectObjects(ctx, args, { type: 'container', format: flags.string('format') });
  },
};
