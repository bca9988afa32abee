import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { goHumanSize } from '../../format/units.ts';
import { confirm } from '../confirm.ts';

function warning(all: boolean, volumes: boolean): string {
  const volumeLine = volumes ? '\n\t- all volumes not used by at least one container' : '';
  const images = all
    ? '\t- all images without at least one container associated with them\n\t- all build cache'
    : '\t- all dangling images\n\t- all dangling build cache';
  return `WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container${volumeLine}\n${images}\n\nAre you sure you want to continue? [y/N] `;
}

export const command: CommandSpec = {
  use: 'prune [options]',
  short: 'Remove unused data',
  long: 'Remove unused data',
  examples: ['skiff system prune'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused data' },
    { name: 'external', type: 'bool', description: 'Remove container data in storage not controlled by skiff', hidden: true },
    { name: 'filter', type: 'stringArray', description: "Provide filter values (e.g. 'label=<key>=<value>')" },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation.  The default is false' },
    { name: 'volumes', type: 'bool', description: 'Prune volumes' },
  ],
  async run(ctx, flags, args) {
    if (args.length) throw new InvalidArgumentError(`\`${ctx.commandLine}\` takes no arguments`);
    const all = flags.bool('all');
    if (!flags.bool('force') && !confirm(ctx, warning(all, flags.bool('volumes')))) return 0;
    const engine = await ctx.engine();
    const report = await engine.system.prune({ all, volumes: flags.bool('volumes'), filters: flags.array('filter') });
    const section = (title: string, ids: string[]) => (ids.length ? `Deleted ${title}\n${ids.map((id) => `${id}\n`).join('')}` : '');
    const done = (reports: { Id: string; Err?: Error | undefined }[]) => reports.filter((r) => !r.Err).map((r) => r.Id);
    ctx.out(
      section('Containers', done(report.ContainerPruneReports)) +
        section('Volumes', done(report.VolumePruneReports)) +
        section('Networks', report.NetworkPruneReports.filter((r) => !r.error).map((r) => r.name)) +
        section('Images', done(report.ImagePruneReports)),
    );
    const errors = [...report.ContainerPruneReports, ...report.VolumePruneReports, ...report.ImagePruneReports]
      .flatMap((r) => (r.Err ? [r.Err] : []))
      .concat(report.NetworkPruneReports.flatMap((r) => (r.error ? [r.error] : [])));
    for (const err of errors.slice(0, -1)) ctx.error(err.message);
    if (errors.length) throw errors.at(-1)!;
    ctx.out(`Total reclaimed space: ${goHumanSize(report.ReclaimedSpace)}\n`);
    return 0;
  },
};
