import { ExitStatusError, InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { joinErrors } from '../join-errors.ts';

export const command: CommandSpec = {
  use: 'rmi [options] IMAGE [IMAGE...]',
  short: 'Removes one or more images from local storage',
  long: 'Removes one or more previously pulled or locally created images.',
  examples: ['skiff rmi imageID', 'skiff rmi --force alpine', 'skiff rmi c4dfb1609ee2 93fd78260bd1 c0ed59d05ff7'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all images' },
    { name: 'force', short: 'f', type: 'bool', description: 'Force Removal of the image' },
    { name: 'ignore', short: 'i', type: 'bool', description: 'Ignore errors if a specified image does not exist' },
    { name: 'no-prune', type: 'bool', description: 'Do not remove dangling images' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (!args.length && !all) throw new InvalidArgumentError('image name or ID must be specified');
    if (args.length && all) throw new InvalidArgumentError('when using the --all switch, you may not pass any images names or IDs');
    const engine = await ctx.engine();
    const report = await engine.images.remove(args, { all, force: flags.bool('force'), ignore: flags.bool('ignore'), noPrune: flags.bool('no-prune') });
    let out = '';
    for (const name of report.Untagged) out += `Untagged: ${name}\n`;
    for (const id of report.Deleted) out += `Deleted: ${id}\n`;
    ctx.out(out);
    if (report.Errors.length) throw new ExitStatusError(joinErrors(report.Errors), report.ExitCode || 125);
    return report.ExitCode;
  },
};
