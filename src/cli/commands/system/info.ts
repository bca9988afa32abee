import { InvalidArgumentError } from '../../../define/errors.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { versionInfo } from './version.ts';
import { toYaml } from '../../format/yaml.ts';

export const command: CommandSpec = {
  use: 'info [options]',
  short: 'Display skiff system information',
  long: 'Display information pertaining to the host, current storage stats, and build of skiff.\n\nUseful for the user and when reporting issues.',
  examples: ['skiff info'],
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Change the output format to JSON or a Go template' }],
  async run(ctx, flags, args) {
    if (args.length) throw new InvalidArgumentError(`\`${ctx.commandLine}\` takes no arguments`);
    const engine = await ctx.engine();
    const info = { ...(await engine.system.info()), version: versionInfo() };
    const format = flags.string('format');
    if (format === undefined || format === '') {
      ctx.out(toYaml(info));
    } else if (isJSONFormat(format)) {
      ctx.out(`${marshalJSON(info, { indent: '  ', jsoniter: true })}\n`);
    } else {
      ctx.out(formatReports([info], { format, defaultFormat: '', name: 'info' }));
    }
  },
};
