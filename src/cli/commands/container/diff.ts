import { InvalidArgumentError } from '../../../define/errors.ts';
import { changesJson } from '../../../domain/containers/changes/change.ts';
import { diffChanges, type DiffKind } from '../../../engine/container-ops/diff.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';

/** `diff` takes containers and images; `container diff` and `image diff` only their own kind. */
function kindOf(commandPath: readonly string[]): DiffKind {
  if (commandPath.length < 2) return 'any';
  return commandPath[0] === 'image' ? 'image' : 'container';
}

export const command: CommandSpec = {
  use: 'diff [options] {CONTAINER|IMAGE} [{CONTAINER|IMAGE}]',
  short: "Display the changes to the object's file system",
  long: 'Displays changes on a container or image\'s filesystem.  The container or image will be compared to its parent layer or the second argument when given.',
  examples: ['skiff diff imageID', 'skiff diff ctrID', 'skiff diff --format json ctrID imageID'],
  flags: [
    { name: 'format', type: 'string', description: "Change the output format (json)" },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
  ],
  maxArgs: 2,
  async run(ctx, flags, args) {
    const format = flags.string('format');
    if (format !== undefined && format !== '' && format !== 'json') throw new InvalidArgumentError("only supported value for '--format' is 'json'");
    const engine = await ctx.engine();
    const kind = kindOf(ctx.commandPath);
    let names = args;
    if (flags.bool('latest') && kind !== 'image') {
      const latest = engine.containers.latest();
      if (!latest) throw new InvalidArgumentError('no containers to diff: no such container');
      names = [latest.config.id, ...args];
    }
    if (names.length === 0) throw new InvalidArgumentError(`"${ctx.commandLine}" requires a name, id, or the "--latest" flag`);
    if (names.length > 2) throw new InvalidArgumentError(`"${ctx.commandLine}" accepts at most two arguments`);
    const changes = await diffChanges(engine.containers, names[0]!, { other: names[1], kind });
    if (format === 'json') {
      ctx.out(`${marshalJSON(changesJson(changes), { indent: '     ', escapeHTML: false })}\n`);
      return;
    }
    ctx.out(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
  },
};
