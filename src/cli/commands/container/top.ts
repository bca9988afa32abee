import { InvalidArgumentError } from '../../../define/errors.ts';
import { topContainer } from '../../../engine/container-ops/top.ts';
import type { CommandSpec } from '../../command.ts';
import { tabwrite } from '../../format/table.ts';

export const command: CommandSpec = {
  use: 'top [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]',
  short: 'Display the running processes of a container',
  long: 'Display the running processes of the container.\n\nThe format descriptors are ps (1) compatible AIX format descriptors but extended to print additional information, such as the seccomp mode or the effective capabilities of a given process. The descriptors can either be passed as separated arguments or as a single comma-separated argument. Note that options and or flags of ps(1) can also be specified; in this case, skiff will fallback to executing ps with the specified arguments and flags in the container.',
  examples: ['skiff top ctrID', 'skiff top ctrID pid seccomp args %C', 'skiff top ctrID -eo user,pid,comm'],
  flags: [{ name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' }],
  stopAtFirstPositional: true,
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const ce = engine.containers;
    let target: string | undefined;
    let descriptors = args;
    if (flags.bool('latest')) target = ce.latest()?.config.id;
    else [target, ...descriptors] = args;
    if (target === undefined) throw new InvalidArgumentError('you must provide the name or id of a running container');
    if (descriptors[0] === '--') descriptors = descriptors.slice(1);
    const report = await topContainer(ce, target, descriptors);
    if ('psOutput' in report) {
      ctx.out(report.psOutput);
      return;
    }
    ctx.out(tabwrite(report.table.map((row) => `${row.join('\t')}\n`).join('')));
  },
};
