import { ExitStatusError } from '../../../define/errors.ts';
import type { Network } from '../../../domain/networks/network-definition.ts';
import type { CommandSpec } from '../../command.ts';
import { formatInspect } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { networkRow } from './network-rows.ts';

export const command: CommandSpec = {
  use: 'inspect [options] NETWORK [NETWORK...]',
  short: 'Displays the raw CNI network configuration for one or more networks.',
  long: 'Displays the network configuration for one or more networks.',
  examples: ['skiff network inspect podman'],
  minArgs: 1,
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Pretty-print network to JSON or using a Go template' }],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const found: Network[] = [];
    const errors: Error[] = [];
    for (const a of args) {
      try {
        found.push(await engine.networks.inspect(a));
      } catch (err) {
        errors.push(err as Error);
      }
    }
    const format = flags.string('format');
    const json = format === undefined || format === '' || isJSONFormat(format);
    ctx.out(formatInspect(json ? found : found.map(networkRow), format, { name: 'network inspect' }));
    if (errors.length > 0) {
      for (const e of errors.slice(0, -1)) ctx.error(e.message);
      throw new ExitStatusError(errors.at(-1)!.message, 125);
    }
  },
};
