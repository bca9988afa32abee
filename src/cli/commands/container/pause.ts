import type { CommandSpec } from '../../command.ts';
import { pauseLikeRun } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'pause [options] CONTAINER [CONTAINER...]',
  short: 'Pause all the processes in one or more containers',
  long: 'Pauses one or more running containers.  The container name or ID can be used.',
  examples: ['skiff pause mywebserver', 'skiff pause 860a4b23', 'skiff pause --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Pause all running containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  run: pauseLikeRun('pause'),
};
