import type { CommandSpec } from '../../command.ts';
import { pauseLikeRun } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'unpause [options] CONTAINER [CONTAINER...]',
  short: 'Unpause the processes in one or more containers',
  long: 'Unpauses one or more previously paused containers.  The container name or ID can be used.',
  examples: ['skiff unpause mywebserver', 'skiff unpause 860a4b23', 'skiff unpause --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Unpause all paused containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  run: pauseLikeRun('unpause'),
};
