import { migrateUserNamespace } from '../../../engine/user-namespace.ts';
import type { CommandSpec } from '../../command.ts';
import { printBatch } from '../container/batch-output.ts';

export const command: CommandSpec = {
  use: 'migrate [options]',
  short: 'Migrate containers',
  long: 'For a rootless user: stops the running containers and the pause process that keeps the user namespace alive, so the next command creates the namespace again with the current /etc/subuid and /etc/subgid.',
  maxArgs: 0,
  async run(ctx) {
    const reports = await migrateUserNamespace(() => ctx.engine());
    printBatch(ctx, reports.filter((r) => r.Err !== undefined));
  },
};
