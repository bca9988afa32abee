import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { checkTargets, printBatch, readCidFiles } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'restart [options] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  long: 'Restarts one or more running containers. The container ID or name can be used.\n\n  A timeout before forcibly stopping can be set, but defaults to 10 seconds.',
  examples: ['skiff restart ctrID', 'skiff restart --latest', 'skiff restart ctrID1 ctrID2'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Restart all non-running containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions given' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'running', type: 'bool', description: 'Restart only running containers when --all is used' },
    { name: 'time', short: 't', type: 'int', default: 10, description: 'Seconds to wait for stop before killing the container' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('no arguments are needed with --all');
    const cidfiles = flags.array('cidfile');
    const filters = flags.array('filter');
    checkTargets(args, { all, latest: flags.bool('latest'), cidfiles: cidfiles.length, filters: filters.length });
    const engine = await ctx.engine();
    const reports = await engine.containers.restart([...args, ...readCidFiles(cidfiles)], {
      all,
      latest: flags.bool('latest'),
      running: flags.bool('running'),
      timeout: flags.changed('time') ? flags.int('time')! : undefined,
      ...(filters.length ? { filters } : {}),
    });
    printBatch(ctx, reports);
  },
};
