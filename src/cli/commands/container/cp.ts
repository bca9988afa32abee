import { copyContainerFiles } from '../../../engine/container-ops/copy.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  long: 'Copy the contents of SRC_PATH to the DEST_PATH.\n\n  You can copy from the container\'s file system to the local machine or the reverse, from the local filesystem to the container. If "-" is specified for either the SRC_PATH or DEST_PATH, you can also stream a tar archive from STDIN or to STDOUT. The CONTAINER can be a running or stopped container. The SRC_PATH or DEST_PATH can be a file or a directory.',
  examples: ['skiff cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH'],
  flags: [
    { name: 'archive', short: 'a', type: 'bool', default: true, description: 'Chown copied files to the primary uid/gid of the destination container.' },
    { name: 'overwrite', type: 'bool', description: 'Allow to overwrite directories with non-directories and vice versa' },
    { name: 'extract', type: 'bool', hidden: true, description: 'Deprecated...' },
    { name: 'pause', type: 'bool', default: true, hidden: true, description: 'Deprecated' },
  ],
  minArgs: 2,
  maxArgs: 2,
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    await copyContainerFiles(engine.containers, {
      source: args[0]!,
      destination: args[1]!,
      archive: flags.bool('archive'),
      overwrite: flags.bool('overwrite'),
      ...(args[0] === '-' ? { stdin: process.stdin } : {}),
      ...(args[1] === '-' ? { stdout: process.stdout } : {}),
    });
    if (args[0] === '-') process.stdin.destroy();
  },
};
