import type { CommandSpec } from '../command.ts';
import { globalFlags } from '../global-flags.ts';
import { commandHelp, groupHelp } from '../help.ts';
import { commands, findChild, type CommandEntry } from '../registry.ts';

const rootShort = 'Manage pods, containers and images';

export const command: CommandSpec = {
  use: 'help [command]',
  short: 'Help about any command',
  long: 'Help provides help for any command in the application.\nSimply type skiff help [path to command] for full details.',
  async run(ctx, _flags, args) {
    // As cobra's Find: follow the words as far as they name commands; ignore the rest.
    const path: string[] = [];
    let entries: readonly CommandEntry[] = commands;
    let entry: CommandEntry | undefined;
    for (const word of args) {
      const found = findChild(entries, word);
      if (!found) break;
      entry = found;
      path.push(found.name);
      if (!found.children) break;
      entries = found.children;
    }
    if (!entry && args.length) {
      const usage = groupHelp(rootShort, [], commands, globalFlags).split('\n').slice(2).join('\n');
      ctx.err(`Unknown help topic [\`${args.join(' ')}\`]\n${usage}`);
      return 0;
    }
    if (!entry) {
      ctx.out(groupHelp(rootShort, [], commands, globalFlags));
    } else if (entry.children) {
      ctx.out(groupHelp(entry.short, path, entry.children, globalFlags));
    } else {
      const { command: spec } = await entry.load!();
      ctx.out(commandHelp(spec, path, entry.aliases));
    }
    return 0;
  },
};
