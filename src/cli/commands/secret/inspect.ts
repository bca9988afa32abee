import { ExitStatusError } from '../../../define/errors.ts';
import type { SecretInspect } from '../../../domain/secrets/secret.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { formatInspect } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';

export const command: CommandSpec = {
  use: 'inspect [options] SECRET [SECRET...]',
  short: 'Inspect a secret',
  long: 'Display detail information on one or more secrets',
  examples: ['skiff secret inspect MYSECRET'],
  minArgs: 1,
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Format inspect output using Go template' }],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const found: SecretInspect[] = [];
    const errors: Error[] = [];
    for (const name of args) {
      try {
        found.push(engine.secrets.inspect(name));
      } catch (err) {
        errors.push(err as Error);
      }
    }
    const format = flags.string('format');
    // Podman prints secrets with four spaces of indentation (its other inspects use five)
    if (format === undefined || format === '' || isJSONFormat(format)) ctx.out(`${marshalJSON(found, { indent: '    ', escapeHTML: false })}\n`);
    else ctx.out(formatInspect(found, format, { name: 'secret inspect' }));
    if (errors.length > 0) {
      for (const e of errors.slice(0, -1)) ctx.error(`inspecting secret: ${e.message}`);
      throw new ExitStatusError(`inspecting secret: ${errors.at(-1)!.message}`, 125);
    }
  },
};
