import { ExitStatusError, InvalidArgumentError } from '../../../define/errors.ts';
import { parseGoDuration } from '../../../domain/go-duration.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'wait [options] CONTAINER [CONTAINER...]',
  short: 'Block on one or more containers',
  long: 'Block until one or more containers stop and then print their exit codes.',
  examples: ['skiff wait --interval 5s ctrID', 'skiff wait ctrID1 ctrID2'],
  flags: [
    { name: 'condition', type: 'stringArray', default: ['stopped'], description: 'Condition to wait on' },
    { name: 'ignore', type: 'bool', description: 'Ignore if a container does not exist' },
    { name: 'interval', short: 'i', type: 'string', default: '250ms', description: 'Time Interval to wait before polling for completion' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  async run(ctx, flags, args) {
    const latest = flags.bool('latest');
    if (!latest && args.length === 0) throw new InvalidArgumentError('"skiff wait" requires a name, id, or the "--latest" flag');
    if (latest && args.length > 0) throw new InvalidArgumentError('--latest and containers cannot be used together');
    const text = flags.string('interval') ?? '250ms';
    const interval = /^\d+$/.test(text) ? Number(text) : parseGoDuration(text);
    if (interval === undefined || interval <= 0) throw new InvalidArgumentError(`time: invalid duration ${JSON.stringify(text)}`);
    const engine = await ctx.engine();
    const reports = await engine.containers.wait(args, { conditions: flags.array('condition'), interval, latest, ignore: flags.bool('ignore') });
    let out = '';
    const errors: Error[] = [];
    for (const r of reports) {
      if (r.Err) errors.push(r.Err);
      else out += `${r.ExitCode}\n`;
    }
    ctx.out(out);
    if (errors.length) {
      for (const e of errors.slice(0, -1)) ctx.error(e.message);
      throw new ExitStatusError(errors.at(-1)!.message, 125);
    }
  },
};
