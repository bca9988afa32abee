import { InvalidArgumentError } from '../../../define/errors.ts';
import type { ImageSummary } from '../../../engine/image-reports.ts';
import type { CommandSpec } from '../../command.ts';
import { formatReports } from '../../format/printer.ts';
import { isJSONFormat } from '../../format/template.ts';
import { goTimeString, humanSize, timeAgo } from '../../format/units.ts';
import { splitList } from '../split-list.ts';

const sortFields = ['created', 'id', 'repository', 'size', 'tag'];

/** One row of the listing: an image under one of its names (Podman's imageReporter). */
interface ImageRow {
  summary: ImageSummary;
  Repository: string;
  Tag: string;
  ID: string;
  Digest: string;
  Created: string;
  CreatedSince: string;
  CreatedAt: string;
  CreatedTime: string;
  Size: string;
  History: string;
  ReadOnly: boolean;
  Containers: number;
  Labels: Map<string, string>;
  Names: string[];
  Dangling: boolean;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  SharedSize: number;
  VirtualSize: number;
}

/** Podman's tokenRepoTag: a stored name split into repository and tag. */
function repoAndTag(name: string): [string, string] {
  const at = name.indexOf('@');
  const base = at === -1 ? name : name.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return [base.slice(0, colon), base.slice(colon + 1)];
  return [base, '<none>'];
}

function toRows(summaries: ImageSummary[], noTrunc: boolean): ImageRow[] {
  const now = new Date();
  const rows: ImageRow[] = [];
  for (const s of summaries) {
    const created = new Date(s.Created * 1000);
    const base = {
      summary: s,
      ID: noTrunc ? `sha256:${s.Id}` : s.Id.slice(0, 12),
      Digest: s.Digest,
      Created: timeAgo(created, now),
      CreatedSince: timeAgo(created, now),
      CreatedAt: goTimeString(created),
      CreatedTime: goTimeString(created),
      Size: humanSize(s.Size),
      History: s.History.join(', '),
      ReadOnly: s.ReadOnly,
      Containers: s.Containers,
      Labels: new Map(Object.entries(s.Labels ?? {})),
      Names: s.Names ?? [],
      Dangling: s.Dangling,
      ParentId: s.ParentId,
      RepoTags: s.RepoTags ?? [],
      RepoDigests: s.RepoDigests,
      SharedSize: s.SharedSize,
      VirtualSize: s.VirtualSize,
    };
    const pairs = (s.RepoTags ?? []).map(repoAndTag);
    const tagged = pairs.filter(([, tag]) => tag !== '<none>');
    const chosen = tagged.length ? tagged : pairs.length ? [pairs[0]!] : [['<none>', '<none>'] as [string, string]];
    for (const [Repository, Tag] of chosen) rows.push({ ...base, Repository, Tag });
  }
  return rows;
}

function sortRows(rows: ImageRow[], key: string): ImageRow[] {
  const by: Record<string, (a: ImageRow, b: ImageRow) => number> = {
    id: (a, b) => cmp(a.ID, b.ID),
    repository: (a, b) => cmp(a.Repository, b.Repository),
    size: (a, b) => a.summary.Size - b.summary.Size,
    tag: (a, b) => cmp(a.Tag, b.Tag),
    created: (a, b) => b.summary.Created - a.summary.Created,
  };
  return [...rows].sort(by[key] ?? by['created']);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `--format json`: Podman 4.3 writes one entry per row, RepoTags always null. */
function jsonRow(s: ImageSummary): Record<string, unknown> {
  return {
    Id: s.Id,
    ParentId: s.ParentId,
    RepoTags: null,
    RepoDigests: s.RepoDigests,
    Size: s.Size,
    SharedSize: s.SharedSize,
    VirtualSize: s.VirtualSize,
    Labels: s.Labels ? new Map(Object.entries(s.Labels)) : null,
    Containers: s.Containers,
    ReadOnly: s.ReadOnly || undefined,
    Dangling: s.Dangling || undefined,
    Names: s.Names?.length ? s.Names : undefined,
    Digest: s.Digest || undefined,
    History: s.History.length ? s.History : undefined,
    Created: s.Created,
    CreatedAt: new Date(s.Created * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

function defaultFormat(digests: boolean, history: boolean): string {
  const row = ['{{.Repository}}', '{{.Tag}}'];
  if (digests) row.push('{{.Digest}}');
  row.push('{{.ID}}', '{{.Created}}', '{{.Size}}');
  if (history) row.push('{{if .History}}{{.History}}{{else}}<none>{{end}}');
  return `${row.join('\t')}\n`;
}

export const command: CommandSpec = {
  use: 'images [options] [IMAGE]',
  short: 'List images in local storage',
  long: 'Lists images previously pulled to the system or created on the system.',
  examples: [
    'skiff images --format json',
    'skiff images --sort repository --format "table {{.ID}} {{.Repository}} {{.Tag}}"',
    'skiff images --filter dangling=true',
  ],
  maxArgs: 1,
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all images (default hides intermediate images)' },
    { name: 'digests', type: 'bool', description: 'Show digests' },
    { name: 'filter', short: 'f', type: 'stringArray', description: 'Filter output based on conditions provided (default [])' },
    { name: 'format', type: 'string', description: 'Change the output format to JSON or a Go template' },
    { name: 'history', type: 'bool', description: 'Display the image name history' },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate output' },
    { name: 'noheading', short: 'n', type: 'bool', description: 'Do not print column headings' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Display only image IDs' },
    { name: 'sort', type: 'string', default: 'created', description: 'Sort by tag, created, id, repository, size' },
  ],
  async run(ctx, flags, args) {
    const filters = splitList(flags.array('filter'));
    if (filters.length && args.length) throw new InvalidArgumentError('cannot specify an image and a filter(s)');
    if (args.length) filters.push(`reference=${args[0]}`);
    const sort = flags.string('sort') ?? 'created';
    if (flags.changed('sort') && !sortFields.includes(sort)) {
      throw new InvalidArgumentError(`"${sort}" is not a valid field for sorting. Choose from: id, repository, size, tag, created`);
    }
    const engine = await ctx.engine();
    const summaries = await engine.images.list({ all: flags.bool('all'), filters });
    const rows = sortRows(toRows(summaries, flags.bool('no-trunc')), sort);
    const format = flags.string('format');
    if (format !== undefined && isJSONFormat(format)) {
      ctx.out(formatReports(rows, { format, defaultFormat: '', jsonValue: rows.map((r) => jsonRow(r.summary)), json: { indent: '    ', jsoniter: true } }));
      return;
    }
    if (flags.bool('quiet')) {
      ctx.out([...new Set(rows.map((r) => r.ID))].map((id) => `${id}\n`).join(''));
      return;
    }
    ctx.out(
      formatReports(rows, {
        format,
        defaultFormat: defaultFormat(flags.bool('digests'), flags.bool('history')),
        headers: { ID: 'IMAGE ID', ReadOnly: 'R/O' },
        noHeading: flags.bool('noheading'),
        name: ctx.commandPath.at(-1),
      }),
    );
  },
};
