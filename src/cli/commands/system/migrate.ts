import { stopUserNamespace } from '../../../engine/user-namespace.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'migrate [options]',
  short: 'Migrate containers',
  long: 'Stops the pause process that keeps a rootless user namespace alive, so the next command creates the namespace again with the current /etc/subuid and /etc/subgid.',
  maxArgs: 0,
  async run() {
    await stopUserNamespace();
  },
};
