import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { checkTargets, printBatch, readCidFiles } from './batch-output.ts';

export const command: CommandSpec = {
  use: 'kill [options] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers with a specific signal',
  long: 'The main process inside each container specified will be sent SIGKILL, or any signal specified with option --signal.',
  examples: ['skiff kill mywebserver', 'skiff kill 860a4b23', 'skiff kill --signal TERM ctrID'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Signal all running containers' },
    { name: 'cidfile', type: 'stringArray', description: 'Read the container ID from the file' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'signal', short: 's', type: 'string', default: 'KILL', description: 'Signal to send to the container' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('no arguments are needed with --all');
    const cidfiles = flags.array('cidfile');
    checkTargets(args, { all, latest: flags.bool('latest'), cidfiles: cidfiles.length });
    const engine = await ctx.engine();
    const reports = await engine.containers.kill([...args, ...readCidFiles(cidfiles)], { signal: flags.string('signal'), all, latest: flags.bool('latest') });
    printBatch(ctx, reports);
  },
};
