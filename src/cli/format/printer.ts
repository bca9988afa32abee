/**
 * The one printer behind every list and inspect command, following Podman 4.3's
 * containers/common report.Formatter:
 * - `--format json` (or `{{json .}}`) prints the whole list as indented JSON;
 * - a format starting with "table " runs once per item behind a header row and is
 *   aligned by the tabwriter (minwidth 12, padding 2);
 * - any other user format runs once per item (unless it ranges over `.` itself), with no
 *   header and no alignment; a newline ends each item's output when the format lacks one;
 * - without --format, the command's own format is a table.
 */
import { marshalJSON, type JsonStyle } from './go-json.ts';
import { tabwrite } from './table.ts';
import {
  GoTemplate, enforceRange, hasTable, isJSONFormat, normalizeFormat, type FuncMap, type TemplateOptions,
} from './template.ts';

export interface FormatReportsOptions {
  /** The user's --format; undefined or '' means the command's default. */
  format?: string;
  /** The command's own format, e.g. "table {{.Repository}}\t{{.Tag}}\t{{.ID}}" (or a bare row). */
  defaultFormat: string;
  /** Header text by field name where upper-cased, camel-case-split names won't do (ID → "IMAGE ID"). */
  headers?: Record<string, string>;
  /** --noheading. */
  noHeading?: boolean;
  /** What `--format json` prints when it differs from the items (Podman's images does). */
  jsonValue?: unknown;
  /** How `--format json` is written; default json.MarshalIndent(items, "", "    "). */
  json?: JsonStyle;
  /** The template's name in error messages: Podman uses the command's name. */
  name?: string;
  /** Extra template functions. */
  funcs?: FuncMap;
}

export interface FormatInspectOptions {
  /** The inspected kind: "image" also maps .Config.Healthcheck to .HealthCheck. */
  type?: string;
  name?: string;
  funcs?: FuncMap;
  /** How the default JSON is written; default Podman's inspect encoder (5 spaces, no HTML escaping). */
  json?: JsonStyle;
}

/** Podman's report.Formatter.Parse: the template to run and whether it is a table. */
function parseReportFormat(text: string, isUser: boolean, opts: TemplateOptions): { template: GoTemplate; table: boolean } {
  const table = hasTable(text);
  const normalized = table ? `{{range .}}${normalizeFormat(text)}{{end -}}` : enforceRange(normalizeFormat(text));
  const asTyped = table ? `{{range .}}${text}{{end -}}` : enforceRange(text);
  try {
    return { template: new GoTemplate(normalized, opts), table: table || !isUser };
  } catch {
    // Replacing a typed \n breaks '{{printf "\n"}}': Podman then parses the text as typed.
    return { template: new GoTemplate(asTyped, opts), table: table || !isUser };
  }
}

/** camelcase.Split as containers/common does it: "ImageID" → ["Image", "ID"]. */
export function splitCamelCase(name: string): string[] {
  const classOf = (ch: string): number =>
    /\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4;
  const runs: string[][] = [];
  let last = 0;
  for (const ch of name) {
    const c = classOf(ch);
    if (c === last) runs.at(-1)!.push(ch);
    else runs.push([ch]);
    last = c;
  }
  // An upper-case run followed by a lower-case one gives its last letter to the word after.
  for (let i = 0; i < runs.length - 1; i++) {
    if (classOf(runs[i]![0]!) === 2 && classOf(runs[i + 1]![0]!) === 1) runs[i + 1]!.unshift(runs[i]!.pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

function foldName(name: string): string {
  return name.replaceAll('_', '').toLowerCase();
}

/**
 * The header row: Podman runs the same template against one map of field name → header.
 * Go takes the names from the report struct; here they come from the fields the template
 * reads, so headers also show for an empty list.
 */
function headerRow(template: GoTemplate, overrides: Record<string, string>): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [field, header] of Object.entries(overrides)) row[field] = header.toUpperCase();
  for (const name of template.fieldNames()) {
    const override = Object.keys(overrides).find((k) => foldName(k) === foldName(name));
    row[name] = override === undefined ? splitCamelCase(name).join(' ').toUpperCase() : overrides[override]!.toUpperCase();
  }
  return row;
}

export function formatReports(items: object[], opts: FormatReportsOptions): string {
  const isUser = opts.format !== undefined && opts.format !== '';
  const text = isUser ? opts.format! : opts.defaultFormat;
  if (isUser && isJSONFormat(text)) return `${marshalJSON(opts.jsonValue ?? items, { indent: '    ', ...opts.json })}\n`;
  const { template, table } = parseReportFormat(text, isUser, { name: opts.name, funcs: opts.funcs });
  let out = '';
  if (table && !opts.noHeading) out += template.execute([headerRow(template, opts.headers ?? {})]);
  out += template.execute(items);
  return table ? tabwrite(out) : out;
}

/** Podman's inspectNormalize: Docker's field names in an inspect --format. */
export function normalizeInspectFormat(format: string, type?: string): string {
  const replacements: Record<string, string> = {
    '.Src': '.Source', '.Dst': '.Destination', '.ImageID': '.Image',
    ...(type === 'image' ? { '.Config.Healthcheck': '.HealthCheck' } : {}),
  };
  const pattern = new RegExp(Object.keys(replacements).map((k) => k.replaceAll('.', '\\.')).join('|'), 'g');
  return format.replace(/\{\{\s*\.Id\s*\}\}/g, '{{.ID}}').replace(pattern, (m) => replacements[m]!);
}

/**
 * Inspect output: without a format (or with `json`) the items as Podman's inspect
 * writes them; with a format, the template once per item.
 */
export function formatInspect(items: object[], format?: string, opts: FormatInspectOptions = {}): string {
  if (format === undefined || format === '' || isJSONFormat(format)) {
    return `${marshalJSON(items, { indent: '     ', escapeHTML: false, ...opts.json })}\n`;
  }
  const text = normalizeInspectFormat(format, opts.type);
  const { template, table } = parseReportFormat(text, true, { name: opts.name ?? 'inspect', funcs: opts.funcs });
  const out = template.execute(items);
  return table ? tabwrite(out) : out;
}
