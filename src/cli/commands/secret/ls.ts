import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { humanDuration } from '../../format/units.ts';
import { groupFilters } from '../../../domain/filter-values.ts';
import { InvalidArgumentError } from '../../../define/errors.ts';

export const command: CommandSpec = {
  use: 'ls [options]',
  short: 'List secrets',
  long: 'List all secrets',
  examples: ['skiff secret ls'],
  maxArgs: 0,
  flags: [
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter secret output' },
    { name: 'format', type: 'string', description: 'Format volume output using Go template' },
    { name: 'noheading', type: 'bool', description: 'Do not print headers' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Print secret IDs only' },
  ],
  async run(ctx, flags) {
    const tests: ((s: { ID: string; Name: string }) => boolean)[] = [];
    for (const [key, values] of groupFilters(flags.array('filter'))) {
      if (key === 'name') tests.push((s) => values.some((v) => s.Name.includes(v)));
      else if (key === 'id') tests.push((s) => values.some((v) => s.ID.startsWith(v)));
      else throw new InvalidArgumentError(`invalid filter ${JSON.stringify(key)}`);
    }
    const engine = await ctx.engine();
    const now = Date.now();
    const rows = engine.secrets
      .list()
      .map((s) => ({ ID: s.id, Name: s.name, Driver: 'file', CreatedAt: `${humanDuration(now - Date.parse(s.created))} ago`, UpdatedAt: `${humanDuration(now - Date.parse(s.created))} ago` }))
      .filter((s) => tests.every((t) => t(s)));
    if (flags.bool('quiet')) {
      ctx.out(rows.map((r) => `${r.ID}\n`).join(''));
      return;
    }
    const format = flags.string('format');
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(formatReports(rows, { format, defaultFormat: '', json: { indent: '    ' } }));
      return;
    }
    ctx.out(
      formatReports(rows, {
        format,
        defaultFormat: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}\n',
        headers: { CreatedAt: 'CREATED', UpdatedAt: 'UPDATED' },
        noHeading: flags.bool('noheading'),
        name: 'secret ls',
      }),
    );
  },
};
