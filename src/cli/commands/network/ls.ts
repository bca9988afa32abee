import { groupFilters, labelMatches } from '../../../domain/filter-values.ts';
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { Network } from '../../../domain/networks/network-definition.ts';
import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { networkRow } from './network-rows.ts';

type Predicate = (n: Network, used: (name: string) => boolean) => boolean;

/** Podman's network filters: values of one key are OR'ed, keys are AND'ed. */
function compileFilters(filters: readonly string[]): Predicate {
  const byKey = groupFilters(filters);
  const tests: Predicate[] = [];
  for (const [key, values] of byKey) {
    switch (key) {
      case 'name':
        tests.push((n) => values.some((v) => new RegExp(v).test(n.name)));
        break;
      case 'id':
        tests.push((n) => values.some((v) => n.id.startsWith(v)));
        break;
      case 'driver':
        tests.push((n) => values.includes(n.driver));
        break;
      case 'label':
        tests.push((n) => values.every((v) => labelMatches(n.labels, v)));
        break;
      case 'label!':
        tests.push((n) => values.every((v) => !labelMatches(n.labels, v)));
        break;
      case 'dangling':
        tests.push((n, used) => values.some((v) => (v === 'true') === !used(n.name)));
        break;
      case 'until':
        tests.push((n) => values.every((v) => Date.parse(n.created ?? '') < (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v))));
        break;
      default:
        throw new InvalidArgumentError(`invalid filter ${JSON.stringify(key)}`);
    }
  }
  return (n, used) => tests.every((t) => t(n, used));
}

export const command: CommandSpec = {
  use: 'ls [options]',
  short: 'List networks',
  long: 'List networks',
  examples: ['skiff network ls'],
  maxArgs: 0,
  flags: [
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Provide filter values (e.g. \'name=podman\')' },
    { name: 'format', type: 'string', description: 'Pretty-print networks to JSON or using a Go template' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate the network ID' },
    { name: 'noheading', type: 'bool', description: 'Do not print headers' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'display only names' },
  ],
  async run(ctx, flags) {
    const predicate = compileFilters(flags.array('filter'));
    const engine = await ctx.engine();
    const nets = (await engine.networks.list()).filter((n) => predicate(n, (name) => engine.networks.users(name).length > 0));
    const format = flags.string('format');
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(formatReports(nets, { format, defaultFormat: '' }));
      return;
    }
    if (flags.bool('quiet')) {
      ctx.out(nets.map((n) => `${n.name}\n`).join(''));
      return;
    }
    const noTrunc = flags.bool('no-trunc');
    const rows = nets.map((n) => ({ ...networkRow(n), ID: noTrunc ? n.id : n.id.slice(0, 12) }));
    ctx.out(
      formatReports(rows, {
        format,
        defaultFormat: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\n',
        headers: { ID: 'NETWORK ID' },
        noHeading: flags.bool('noheading'),
        name: 'network ls',
      }),
    );
  },
};
