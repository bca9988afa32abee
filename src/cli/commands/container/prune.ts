import { ExitStatusError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { confirm } from '../confirm.ts';

export const command: CommandSpec = {
  use: 'prune [options]',
  short: 'Remove all non running containers',
  long: 'Removes all non running containers',
  examples: ['skiff container prune'],
  maxArgs: 0,
  flags: [
    { name: 'filter', type: 'stringArray', description: 'Provide filter values (e.g. \'label=<key>=<value>\')' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation.  The default is false' },
  ],
  async run(ctx, flags) {
    if (!flags.bool('force') && !confirm(ctx, 'WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] ')) return 0;
    const engine = await ctx.engine();
    const reports = await engine.containers.prune(flags.array('filter'));
    let out = '';
    const errors: Error[] = [];
    for (const r of reports) {
      if (r.Err) errors.push(r.Err);
      else out += `${r.Id}\n`;
    }
    ctx.out(out);
    if (errors.length) {
      for (const e of errors.slice(0, -1)) ctx.error(e.message);
      throw new ExitStatusError(errors.at(-1)!.message, 125);
    }
    return 0;
  },
};
