import type { ImageHistoryLayer } from '../../../engine/image-reports.ts';
import type { CommandSpec } from '../../command.ts';
import { marshalJSON } from '../../format/go-json.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { goTimeString, humanSize, parseRFC3339, rfc3339Nano, timeAgo } from '../../format/units.ts';

/** Go's zero time, for history entries without a date. */
const zeroTime = '0001-01-01T00:00:00Z';

function createdDate(layer: ImageHistoryLayer): [Date, string | undefined] {
  return parseRFC3339(layer.created ?? zeroTime);
}

/** RFC 3339 without fractions, as Go's time.RFC3339 layout writes a UTC time. */
function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** `--format json`: Podman's ImageHistoryLayer plus a second-precision "Created". */
function jsonLayer(layer: ImageHistoryLayer): Record<string, unknown> {
  const [date, nanos] = createdDate(layer);
  return {
    id: layer.id,
    created: rfc3339Nano(date, nanos),
    CreatedBy: layer.createdBy || undefined,
    tags: layer.tags?.length ? layer.tags : undefined,
    size: layer.size,
    comment: layer.comment || undefined,
    Created: rfc3339(date),
  };
}

export const command: CommandSpec = {
  use: 'history [options] IMAGE',
  short: 'Show history of a specified image',
  long: 'Displays the history of an image.\n\nThe information can be printed out in an easy to read, or user specified format, and can be truncated.',
  examples: ['skiff history quay.io/fedora/fedora'],
  minArgs: 1,
  maxArgs: 1,
  flags: [
    { name: 'format', type: 'string', description: 'Change the output to JSON or a Go template' },
    { name: 'human', short: 'H', type: 'bool', default: true, description: 'Display sizes and dates in human readable format' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate the output' },
    { name: 'notruncate', type: 'bool', description: 'Do not truncate the output', hidden: true },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Display the numeric IDs only' },
  ],
  async run(ctx, flags, args) {
    const engine = await ctx.engine();
    const layers = engine.images.history(args[0]!);
    const format = flags.string('format');
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(layers.length ? `${marshalJSON(layers.map(jsonLayer))}\n` : '[]\n');
      return;
    }
    const noTrunc = flags.bool('no-trunc') || flags.bool('notruncate');
    const human = flags.bool('human');
    const now = new Date();
    const rows = layers.map((l) => {
      const [date] = createdDate(l);
      const created = human ? timeAgo(date, now) : rfc3339(date);
      return {
        ID: !noTrunc && l.id.length >= 12 ? l.id.slice(0, 12) : l.id,
        Created: created,
        CreatedSince: created,
        CreatedAt: goTimeString(new Date(Math.floor(date.getTime() / 1000) * 1000)),
        CreatedBy: !noTrunc && l.createdBy.length > 45 ? `${l.createdBy.slice(0, 42)}...` : l.createdBy,
        Size: humanSize(l.size),
        Comment: l.comment,
        Tags: l.tags ?? [],
      };
    });
    if (flags.bool('quiet')) {
      ctx.out(rows.map((r) => `${r.ID}\n`).join(''));
      return;
    }
    ctx.out(
      formatReports(rows, {
        format,
        defaultFormat: '{{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}\n',
        headers: { CreatedBy: 'CREATED BY' },
        name: 'history',
      }),
    );
  },
};
