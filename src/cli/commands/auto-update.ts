import { autoUpdate } from '../../engine/auto-update.ts';
import type { CommandSpec } from '../command.ts';
import { formatReports } from '../format/printer.ts';
import { registryAccess, tlsFlags } from './image/registry-flags.ts';

export const command: CommandSpec = {
  use: 'auto-update [options]',
  short: 'Auto update containers according to their auto-update policy',
  long: 'Auto update containers according to their auto-update policy.\n\n  Auto-update policies are specified with the "io.containers.autoupdate" label.\n  Containers are expected to run in systemd units created with "skiff generate systemd --new",\n  or similar units that create new containers in order to run the updated images.',
  examples: ['skiff auto-update', 'skiff auto-update --authfile ~/.docker/config.json', 'skiff auto-update --dry-run --format "{{.Image}} {{.Updated}}"'],
  flags: [
    ...tlsFlags.filter((f) => f.name === 'authfile'),
    { name: 'dry-run', type: 'bool', description: 'Check for pending updates' },
    { name: 'format', type: 'string', description: 'Change the output format to JSON or a Go template' },
    { name: 'rollback', type: 'bool', default: true, description: 'Rollback to previous image if update fails' },
  ],
  maxArgs: 0,
  async run(ctx, flags) {
    const engine = await ctx.engine();
    const { reports, errors } = await autoUpdate(engine, { ...(await registryAccess(flags)), dryRun: flags.bool('dry-run'), rollback: flags.bool('rollback') });
    if (reports.length > 0 || flags.changed('format')) {
      ctx.out(formatReports(reports, { format: flags.string('format'), defaultFormat: 'table {{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}', name: 'auto-update' }));
    }
    for (const err of errors.slice(0, -1)) ctx.error(err.message);
    if (errors.length > 0) throw errors.at(-1)!;
  },
};
