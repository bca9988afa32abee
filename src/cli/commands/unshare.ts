import { runInUserNamespace } from '../../engine/user-namespace.ts';
import type { CommandSpec } from '../command.ts';

export const command: CommandSpec = {
  use: 'unshare [options] [COMMAND [ARG...]]',
  short: 'Run a command in a modified user namespace',
  long: 'Runs a command (default: $SHELL) in the rootless user and mount namespace skiff keeps for the user: the user is uid 0 there and its /etc/subuid ranges are mapped. Sets CONTAINERS_GRAPHROOT and CONTAINERS_RUNROOT.',
  examples: ['skiff unshare id', 'skiff unshare cat /proc/self/uid_map /proc/self/gid_map'],
  stopAtFirstPositional: true,
  async run(ctx, _flags, args) {
    return runInUserNamespace({ command: args, engine: ctx.global });
  },
};
