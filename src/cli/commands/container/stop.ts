import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { checkTargets, printBatch, readCidFiles } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'stop [options] CONTAINER [CONTAINER...]',
  short: 'Stop one or more containers',
  long: 'Stops one or more running containers. The container name or ID can be used.\n\n  A timeout to forcibly stop the container can also be set but defaults to 10 seconds otherwise.',
  examples: ['skiff stop ctrID', 'skiff stop --latest', 'skiff stop --time 2 mywebserver 6e534f14da9d'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Stop all running containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions given' },
    { name: 'ignore', short: 'i', type: 'bool', description: 'Ignore errors when a specified container is missing' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'time', short: 't', type: 'int', default: 10, description: 'Seconds to wait for stop before killing the container' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('no arguments are needed with --all');
    const cidfiles = flags.array('cidfile');
    checkTargets(args, { all, latest: flags.bool('latest'), cidfiles: cidfiles.length, filters: flags.array('filter').length });
    const time = flags.changed('time') ? flags.int('time')! : undefined;
    if (time !== undefined && time < 0) throw new InvalidArgumentError(`invalid argument "${time}" for "-t, --time" flag: strconv.ParseUint: parsing "${time}": invalid syntax`);
    const engine = await ctx.engine();
    const names = [...args, ...readCidFiles(cidfiles, flags.bool('ignore'))];
    const reports = await engine.containers.stop(names, {
      all: all ? true : undefined,
      ignore: flags.bool('ignore'),
      latest: flags.bool('latest'),
      timeout: time,
      ...(flags.array('filter').length ? { filters: flags.array('filter') } : {}),
    });
    printBatch(ctx, reports);
  },
};
