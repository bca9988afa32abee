/**
 * `events` (and `system events`): the events log, filtered, as Podman 4.3 prints it: its
 * human-readable lines, `--format json` (one object per line) or a Go template. With
 * `--stream` (the default) it then follows the log until `--until` or an interrupt.
 */
import { eventFilter, goTime, humanReadable, type SkiffEvent } from '../../../domain/events/event.ts';
import { parseTimeFilter } from '../../../domain/containers/container-filters.ts';
import { SkiffError } from '../../../define/errors.ts';
import { readEventLines } from '../../../infra/events/event-log.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { isJSONFormat, normalizeFormat, GoTemplate } from '../../format/template.ts';

/** The event as a template sees libpod's struct: every field, Time a time.Time. */
function templateView(e: SkiffEvent): Record<string, unknown> {
  return { ContainerExitCode: e.ContainerExitCode ?? 0, ID: e.ID ?? '', Image: e.Image ?? '', Name: e.Name ?? '', Network: e.Network ?? '', Status: e.Status, Time: goTime(e.Time), Type: e.Type, Attributes: e.Attributes ?? {} };
}

export const command: CommandSpec = {
  use: 'events [options]',
  short: 'Show podman events',
  long: 'Monitor podman events',
  examples: ['skiff events', 'skiff events --filter event=create', 'skiff events --format {{.Image}}', 'skiff events --since 1h30s'],
  maxArgs: 0,
  flags: [
    { name: 'filter', short: 'f', type: 'stringArray', description: 'filter output' },
    { name: 'format', type: 'string', description: 'format the output using a Go template' },
    { name: 'no-trunc', type: 'bool', default: true, description: 'do not truncate the output' },
    { name: 'since', type: 'string', description: 'show all events created since timestamp' },
    { name: 'stream', type: 'bool', default: true, description: 'stream new events; for testing only' },
    { name: 'until', type: 'string', description: 'show all events until timestamp' },
  ],
  async run(ctx, flags) {
    const keep = eventFilter(flags.array('filter'));
    const since = flags.string('since');
    const until = flags.string('until');
    const sinceMs = since ? parseTimeFilter(since) : undefined;
    const untilMs = until ? parseTimeFilter(until) : undefined;
    const format = flags.string('format');
    const noTrunc = flags.bool('no-trunc');
    let render: (e: SkiffEvent) => string;
    if (format !== undefined && format !== '' && isJSONFormat(format)) render = (e) => `${marshalJSON(e)}\n`;
    else if (format !== undefined && format !== '') {
      const template = new GoTemplate(normalizeFormat(format), { name: 'events' });
      render = (e) => template.execute(templateView(e));
    } else render = (e) => `${humanReadable(e, noTrunc)}\n`;

    const engine = await ctx.engine();
    const file = await engine.events.file();
    if (file === null) throw new SkiffError('cannot read events with the "none" backend');
    const print = (lines: string[]): void => {
      let out = '';
      for (const line of lines) {
        let e: SkiffEvent;
        try {
          e = JSON.parse(line) as SkiffEvent;
        } catch {
          continue;
        }
        const t = Date.parse(e.Time);
        if ((sinceMs !== undefined && t < sinceMs) || (untilMs !== undefined && t > untilMs) || !keep(e)) continue;
        out += render(e);
      }
      if (out) ctx.out(out);
    };
    let { lines, next } = readEventLines(file);
    print(lines);
    if (!flags.bool('stream') || (untilMs !== undefined && untilMs <= Date.now())) return;
    // follow the log: a poll is enough for a human watching, and needs no inotify
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        ({ lines, next } = readEventLines(file, next));
        print(lines);
        if (untilMs !== undefined && Date.now() >= untilMs) {
          clearInterval(timer);
          resolve();
        }
      }, 200);
    });
  },
};
