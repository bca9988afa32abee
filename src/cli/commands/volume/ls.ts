import { volumeTemplateView } from '../../../domain/volumes/volume.ts';
import type { CommandSpec } from '../../command.ts';
import { goTimeString } from '../../format/units.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';

export const command: CommandSpec = {
  use: 'ls [options]',
  short: 'List volumes',
  long: 'List all available volumes. The output of the volumes can be filtered\n  and the output format can be changed to JSON or a user specified Go template.',
  examples: ['skiff volume ls', 'skiff volume ls --format json', 'skiff volume ls --filter name=foo'],
  maxArgs: 0,
  flags: [
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter volume output' },
    { name: 'format', type: 'string', description: 'Format volume output using Go template' },
    { name: 'noheading', type: 'bool', description: 'Do not print headers' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Print volume output in quiet mode' },
  ],
  async run(ctx, flags) {
    const engine = await ctx.engine();
    const volumes = engine.volumes.filtered(flags.array('filter')).map((v) => engine.volumes.inspect(v.config.Name));
    const format = flags.string('format');
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(formatReports(volumes, { format, defaultFormat: '', json: { indent: '  ', jsoniter: true } }));
      return;
    }
    if (flags.bool('quiet')) {
      ctx.out(volumes.map((v) => `${v.Name}\n`).join(''));
      return;
    }
    const rows = volumes.map((v) => volumeTemplateView(v, (iso) => goTimeString(new Date(iso))));
    ctx.out(
      formatReports(rows, {
        format,
        defaultFormat: 'table {{.Driver}}\t{{.Name}}\n',
        headers: { Name: 'VOLUME NAME' },
        noHeading: flags.bool('noheading'),
        name: 'volume ls',
      }),
    );
  },
};
