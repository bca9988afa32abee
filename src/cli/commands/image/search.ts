import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { credsFlag, registryAccess, tlsFlags } from './registry-flags.ts';

export const command: CommandSpec = {
  use: 'search [options] TERM',
  short: 'Search registry for image',
  long: 'Search a registry or a list of registries for a matching image.',
  examples: ['skiff search --filter=is-official --limit 3 alpine', 'skiff search registry.fedoraproject.org/  # only works with v2 registries', 'skiff search --list-tags registry.fedoraproject.org/fedora'],
  minArgs: 1,
  maxArgs: 1,
  flags: [
    credsFlag,
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions provided (default [])' },
    { name: 'format', type: 'string', description: 'Change the output format to JSON or a Go template' },
    { name: 'limit', type: 'int', default: 0, description: 'Limit the number of results' },
    { name: 'list-tags', type: 'bool', description: 'List the tags of the input registry' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate the output' },
    ...tlsFlags,
  ],
  async run(ctx, flags, args) {
    const listTags = flags.bool('list-tags');
    const filters = flags.array('filter');
    if (listTags && filters.length) throw new InvalidArgumentError('filters are not applicable to list tags result');
    let excludeAll = false;
    for (const f of filters) {
      const [key, value = ''] = f.split('=');
      if (key !== 'stars' && key !== 'is-official' && key !== 'is-automated') throw new InvalidArgumentError(`invalid filter type "${key}"`);
      // Catalog entries have no stars, and are neither official nor automated.
      if (key === 'stars' ? Number(value) > 0 : value === '' || value === 'true') excludeAll = true;
    }
    const access = await registryAccess(flags);
    const { searchImages } = await import('../../../engine/image-search.ts');
    const results = await searchImages(args[0]!, { ...access, limit: flags.int('limit'), listTags });
    const noTrunc = flags.bool('no-trunc');
    const rows = (excludeAll ? [] : results).map((r) => ({ ...r, Description: !noTrunc && r.Description.length > 44 ? `${r.Description.slice(0, 44)}...` : r.Description }));
    ctx.out(
      formatReports(rows, {
        format: flags.string('format'),
        defaultFormat: listTags ? 'table {{.Name}}\t{{.Tag}}\n' : 'table {{.Name}}\t{{.Description}}\n',
        name: 'search',
      }),
    );
  },
};
