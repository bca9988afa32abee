import { InvalidArgumentError } from '../../../define/errors.ts';
import { mountContainer, mountedContainers } from '../../../engine/container-ops/mount.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';

export const command: CommandSpec = {
  use: 'mount [options] [CONTAINER...]',
  short: "Mount a working container's root filesystem",
  long: 'Mount a working container\'s root filesystem and print where. Without arguments, list the mounted containers.',
  examples: ['skiff mount', 'skiff mount ctrID', 'skiff mount ctrID1 ctrID2 ctrID3', 'skiff mount --all'],
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Mount all containers' },
    { name: 'format', type: 'string', description: 'Print the mounted containers in specified format (json)' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Act on the latest container skiff is aware of' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate output' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const ce = engine.containers;
    const all = flags.bool('all');
    const latest = flags.bool('latest');
    if ((all || latest) && args.length) throw new InvalidArgumentError('--all, --latest and containers cannot be used together');
    let targets = args;
    if (all) targets = ce.list().map((r) => r.config.id);
    else if (latest) targets = ce.latest() ? [ce.latest()!.config.id] : [];
    if (!all && !latest && targets.length === 0) {
      const mounted = mountedContainers(ce);
      const format = flags.string('format');
      if (format === 'json') {
        ctx.out(`${marshalJSON(mounted.map((m) => ({ id: m.id, Names: m.names, mountpoint: m.path })), { indent: ' ' })}\n`);
        return;
      }
      if (format !== undefined && format !== '') throw new InvalidArgumentError(`unknown --format argument: ${format}`);
      ctx.out(mounted.map((m) => `${flags.bool('no-trunc') ? m.id : m.id.slice(0, 12)}  ${m.path}\n`).join(''));
      return;
    }
    let out = '';
    let failed: Error | undefined;
    for (const t of targets) {
      try {
        out += `${await mountContainer(ce, t)}\n`;
      } catch (err) {
        if (failed) ctx.error(failed.message);
        failed = err as Error;
      }
    }
    ctx.out(out);
    if (failed) throw failed;
  },
};
