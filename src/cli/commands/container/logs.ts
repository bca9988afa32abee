import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseTimeFilter } from '../../../domain/containers/container-filters.ts';
import { formatLogTime } from '../../../domain/containers/k8s-log.ts';
import type { LogLine } from '../../../engine/container-reports.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'logs [options] CONTAINER [CONTAINER...]',
  short: 'Fetch the logs of one or more containers',
  long: 'Retrieves logs for one or more containers.\n\n  This does not guarantee execution order when combined with skiff run (i.e., your run may not have generated any logs at the time you execute skiff logs).',
  examples: ['skiff logs ctrID', 'skiff logs --names ctrID1 ctrID2', 'skiff logs --tail 2 mywebserver', 'skiff logs --follow=true --since 10m ctrID'],
  flags: [
    { name: 'follow', short: 'f', type: 'bool', description: 'Follow log output.  The default is false' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'names', short: 'n', type: 'bool', description: 'Output the container name in the log' },
    { name: 'since', type: 'string', description: 'Show logs since TIMESTAMP' },
    { name: 'tail', type: 'int', default: -1, description: 'Output the specified number of LINES at the end of the logs.  Defaults to -1, which prints all lines' },
    { name: 'timestamps', short: 't', type: 'bool', description: 'Output the timestamps in the log' },
    { name: 'until', type: 'string', description: 'Show logs until TIMESTAMP' },
  ],
  async run(ctx, flags, args) {
    const latest = flags.bool('latest');
    if (!latest && args.length === 0) throw new InvalidArgumentError('specify at least one container name or ID to log');
    if (latest && args.length > 0) throw new InvalidArgumentError('--latest and containers cannot be used together');
    const since = flags.changed('since') ? parseTimeFilter(flags.string('since')!) : undefined;
    const until = flags.changed('until') ? parseTimeFilter(flags.string('until')!) : undefined;
    const names = flags.bool('names');
    const multi = names || args.length > 1;
    const timestamps = flags.bool('timestamps');
    const engine = await ctx.engine();
    const write = (line: LogLine) => {
      let prefix = '';
      if (multi) prefix = names ? `${line.name} ` : `${line.id.slice(0, 12)} `;
      if (timestamps) prefix += `${formatLogTime(line.time)} `;
      const text = `${prefix}${line.text}${line.full ? '\n' : ''}`;
      if (line.stream === 'stderr') ctx.err(text);
      else ctx.out(text);
    };
    await engine.containers.logs(args, { follow: flags.bool('follow'), since, until, tail: flags.int('tail') ?? -1, latest }, write);
  },
};
