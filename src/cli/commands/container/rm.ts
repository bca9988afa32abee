import { ExitStatusError, InvalidArgumentError, NoSuchContainerError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { checkTargets, printBatch, readCidFiles, rmExitCode } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'rm [options] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  long: 'Removes one or more containers from the host. The container name or ID can be used.\n\n  Command does not remove images. Running or unusable containers will not be removed without the -f option.',
  examples: ['skiff rm imageID', 'skiff rm mywebserver myflaskserver 860a4b23', 'skiff rm --force --all', 'skiff rm -f c684f0d469f2'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'depend', type: 'bool', description: 'Remove container and all containers that depend on the selected container' },
    { name: 'filter', type: 'stringArray', description: 'Filter output based on conditions given' },
    { name: 'force', short: 'f', type: 'bool', description: 'Force removal of a running or unusable container' },
    { name: 'ignore', short: 'i', type: 'bool', description: 'Ignore errors when a specified container is missing' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'time', short: 't', type: 'int', default: 10, description: 'Seconds to wait for stop before killing the container' },
    { name: 'volumes', short: 'v', type: 'bool', description: 'Remove anonymous volumes associated with the container' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    const cidfiles = flags.array('cidfile');
    const filters = flags.array('filter');
    checkTargets(args, { all, latest: flags.bool('latest'), cidfiles: cidfiles.length, filters: filters.length });
    if (flags.changed('time') && !flags.bool('force')) throw new InvalidArgumentError('--force option must be specified to use the --time option');
    const time = flags.changed('time') ? flags.int('time')! : undefined;
    if (time !== undefined && time < 0) throw new InvalidArgumentError(`invalid argument "${time}" for "-t, --time" flag: strconv.ParseUint: parsing "${time}": invalid syntax`);
    const ignore = flags.bool('ignore');
    const engine = await ctx.engine();
    const names = [...args, ...readCidFiles(cidfiles, ignore)];
    // A name that does not exist fails before anything is removed, with status 1.
    for (const n of names) if (!ignore && !engine.containers.exists(n)) throw new ExitStatusError(new NoSuchContainerError(n).message, 1);
    const reports = await engine.containers.remove(names, {
      all,
      force: flags.bool('force'),
      ignore,
      latest: flags.bool('latest'),
      volumes: flags.bool('volumes'),
      timeout: time,
      depend: flags.bool('depend'),
      ...(filters.length ? { filters } : {}),
    });
    printBatch(ctx, reports, rmExitCode);
  },
};
