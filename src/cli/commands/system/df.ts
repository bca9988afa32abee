import { InvalidArgumentError } from '../../../define/errors.ts';
import type { SystemDfReport } from '../../../engine/system-engine.ts';
import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { goHumanSize, humanDuration } from '../../format/units.ts';

/** One row of the summary (Podman's dfSummary, with its JSON form for `--format json`). */
function summaryRow(type: string, total: number, active: number, size: number, reclaimable: number) {
  const percent = size > 0 ? Math.round((reclaimable / size) * 100) : 0;
  const row = {
    Type: type,
    Total: total,
    Active: active,
    RawSize: size,
    RawReclaimable: reclaimable,
    Size: goHumanSize(size),
    Reclaimable: `${goHumanSize(reclaimable)} (${percent}%)`,
  };
  return { ...row, toJSON: () => ({ Type: type, Total: total, Active: active, RawSize: size, RawReclaimable: reclaimable, TotalCount: total, Size: row.Size, Reclaimable: row.Reclaimable }) };
}

function summary(report: SystemDfReport) {
  const activeImages = new Map<string, number>();
  for (const i of report.Images) if (i.Containers > 0) activeImages.set(i.ImageID, i.UniqueSize);
  const used = [...activeImages.values()].reduce((a, b) => a + b, 0);
  const running = report.Containers.filter((c) => c.Status === 'running');
  const conSize = report.Containers.reduce((a, c) => a + c.RWSize, 0);
  const conReclaimable = report.Containers.filter((c) => c.Status !== 'running').reduce((a, c) => a + c.RWSize, 0);
  return [
    summaryRow('Images', report.Images.length, activeImages.size, report.ImagesSize, report.ImagesSize - used),
    summaryRow('Containers', report.Containers.length, running.length, conSize, conReclaimable),
    summaryRow(
      'Local Volumes',
      report.Volumes.length,
      report.Volumes.reduce((a, v) => a + v.Links, 0),
      report.Volumes.reduce((a, v) => a + v.Size, 0),
      report.Volumes.reduce((a, v) => a + v.ReclaimableSize, 0),
    ),
  ];
}

function verbose(report: SystemDfReport): string {
  const now = Date.now();
  const images = report.Images.map((i) => ({
    Repository: i.Repository,
    Tag: i.Tag,
    ImageID: i.ImageID.slice(0, 12),
    Created: humanDuration(now - i.Created),
    Size: goHumanSize(i.Size),
    SharedSize: goHumanSize(i.SharedSize),
    UniqueSize: goHumanSize(i.UniqueSize),
    Containers: i.Containers,
  }));
  const containers = report.Containers.map((c) => ({
    ContainerID: c.ContainerID.slice(0, 12),
    Image: c.Image.slice(0, 12),
    Command: c.Command.join(' '),
    LocalVolumes: c.LocalVolumes,
    RWSize: goHumanSize(c.RWSize),
    Created: humanDuration(now - c.Created),
    Status: c.Status,
    Names: c.Names,
  }));
  const volumes = report.Volumes.map((v) => ({ VolumeName: v.VolumeName, Links: v.Links, Size: goHumanSize(v.Size) }));
  return [
    'Images space usage:\n\n',
    formatReports(images, {
      defaultFormat: '{{.Repository}}\t{{.Tag}}\t{{.ImageID}}\t{{.Created}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}\n',
      headers: { ImageID: 'IMAGE ID', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE' },
    }),
    '\nContainers space usage:\n\n',
    formatReports(containers, {
      defaultFormat: '{{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.RWSize}}\t{{.Created}}\t{{.Status}}\t{{.Names}}\n',
      headers: { ContainerID: 'CONTAINER ID', LocalVolumes: 'LOCAL VOLUMES', RWSize: 'SIZE' },
    }),
    '\nLocal Volumes space usage:\n\n',
    formatReports(volumes, { defaultFormat: '{{.VolumeName}}\t{{.Links}}\t{{.Size}}\n', headers: { VolumeName: 'VOLUME NAME' } }),
  ].join('');
}

export const command: CommandSpec = {
  use: 'df [options]',
  short: 'Show skiff disk usage',
  long: 'Show skiff disk usage',
  flags: [
    { name: 'format', type: 'string', description: 'Pretty-print images using a Go template' },
    { name: 'verbose', short: 'v', type: 'bool', description: 'Show detailed information on disk usage' },
  ],
  async run(ctx, flags, args) {
    if (args.length) throw new InvalidArgumentError(`\`${ctx.commandLine}\` takes no arguments`);
    const engine = await ctx.engine();
    const report = engine.system.df();
    if (flags.bool('verbose')) {
      ctx.out(verbose(report));
      return;
    }
    ctx.out(
      formatReports(summary(report), {
        format: flags.string('format'),
        defaultFormat: '{{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}\n',
        name: 'df',
      }),
    );
  },
};
