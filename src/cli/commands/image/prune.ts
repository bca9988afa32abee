import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { confirm } from '../confirm.ts';

const question = 'Are you sure you want to continue? [y/N] ';

export const command: CommandSpec = {
  use: 'prune [options]',
  short: 'Remove unused images',
  long: 'Removes dangling or unused images from local storage.',
  examples: ['skiff image prune'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all images not in use by containers, not just dangling ones' },
    { name: 'external', type: 'bool', description: 'Remove images even when they are used by external containers (e.g., by build containers)' },
    { name: 'filter', type: 'stringArray', description: "Provide filter values (e.g. 'label=<key>=<value>')" },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  async run(ctx, flags, args) {
    if (args.length) throw new InvalidArgumentError(`\`${ctx.commandLine}\` takes no arguments`);
    const all = flags.bool('all');
    if (!flags.bool('force')) {
      const warning = all
        ? 'WARNING! This command removes all images without at least one container associated with them.\n'
        : 'WARNING! This command removes all dangling images.\n';
      if (!confirm(ctx, warning + question)) return 0;
    }
    const engine = await ctx.engine();
    const reports = await engine.images.prune({ all, filters: flags.array('filter') });
    ctx.out(reports.filter((r) => !r.Err).map((r) => `${r.Id}\n`).join(''));
    const errors = reports.flatMap((r) => (r.Err ? [r.Err] : []));
    for (const err of errors.slice(0, -1)) ctx.error(err.message);
    if (errors.length) throw errors.at(-1)!;
    return 0;
  },
};
