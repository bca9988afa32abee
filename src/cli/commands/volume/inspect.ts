import { ExitStatusError, InvalidArgumentError } from '../../../define/errors.ts';
import { volumeTemplateView, type VolumeInspect } from '../../../domain/volumes/volume.ts';
import type { CommandSpec } from '../../command.ts';
import { formatInspect } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { goTimeString } from '../../format/units.ts';

export const command: CommandSpec = {
  use: 'inspect [options] VOLUME [VOLUME...]',
  short: 'Display detailed information on one or more volumes',
  long: 'Display detailed information on one or more volumes.\n\n  Use a Go template to change the format from JSON.',
  examples: ['skiff volume inspect myvol', 'skiff volume inspect --all', 'skiff volume inspect --format "{{.Driver}} {{.Scope}}" myvol'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Inspect all volumes' },
    { name: 'format', short: 'f', type: 'string', default: 'json', description: 'Format volume output using Go template' },
  ],
  async run(ctx, flags, args) {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('when using the --all switch, you may not pass any volume names or IDs');
    if (!all && args.length === 0) throw new InvalidArgumentError('provide one or more volume names or use --all');
    const engine = await ctx.engine();
    const names = all ? engine.volumes.list().map((v) => v.config.Name) : args;
    const found: VolumeInspect[] = [];
    const missing: string[] = [];
    for (const name of names) {
      try {
        found.push(engine.volumes.inspect(name));
      } catch {
        missing.push(name);
      }
    }
    const format = flags.string('format');
    const json = format === undefined || format === '' || isJSONFormat(format);
    ctx.out(formatInspect(json ? found : found.map((v) => volumeTemplateView(v, (iso) => goTimeString(new Date(iso)))), format, { name: 'volume inspect' }));
    if (missing.length > 0) {
      for (const name of missing.slice(0, -1)) ctx.error(`inspecting object: no such volume ${name}`);
      throw new ExitStatusError(`inspecting object: no such volume ${missing.at(-1)!}`, 125);
    }
  },
};
