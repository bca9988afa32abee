/**
 * Go text/template for `--format`, as Podman 4.3 runs it: Go's syntax and builtins plus
 * containers/common's report functions (join, json, lower, pad, split, title, truncate,
 * upper), executed against JS values (see go-value.ts for how they stand in for Go's).
 * Parse and execution errors are InvalidArgumentErrors with Go's messages.
 *
 * Also Podman's helpers that rewrite a --format before parsing (pkg/report/template.go).
 */
import { fieldNames, type ListNode } from './template-ast.ts';
import { execute } from './template-exec.ts';
import { builtinFuncs, podmanFuncs, type FuncMap } from './template-funcs.ts';
import { parse } from './template-parse.ts';

export type { FuncMap, ParamType, TemplateFunc } from './template-funcs.ts';

export interface TemplateOptions {
  /** The template's name in messages; Podman names it after the command ("images"). */
  name?: string;
  /** Functions added to Podman's, replacing any of the same name. */
  funcs?: FuncMap;
}

export class GoTemplate {
  readonly name: string;
  readonly text: string;
  readonly #root: ListNode;
  readonly #funcs: FuncMap;

  /** Parses once; throws InvalidArgumentError("template: NAME:LINE: …"). */
  constructor(text: string, opts: TemplateOptions = {}) {
    this.name = opts.name ?? 'format';
    this.text = text;
    this.#funcs = { ...podmanFuncs, ...opts.funcs };
    this.#root = parse(this.name, text, (fn) => Object.hasOwn(this.#funcs, fn) || Object.hasOwn(builtinFuncs, fn));
  }

  /** Runs the template with `data` as dot; throws InvalidArgumentError on Go's exec errors. */
  execute(data: unknown): string {
    return execute(this.#root, data, { name: this.name, text: this.text, funcs: this.#funcs, builtins: builtinFuncs });
  }

  /** The field names read from dot (`{{.ID}}`, `{{.Labels.x}}` → ID, Labels), in order. */
  fieldNames(): string[] {
    return fieldNames(this.#root);
  }
}

const tableReplacements: Record<string, string> = { 'table ': '', '\\t': '\t', ' ': '\t', '\\n': '\n' };

/** Whether the format asks for a table with headers ("table {{.ID}} {{.Name}}"). */
export function hasTable(format: string): boolean {
  return format.startsWith('table ');
}

/**
 * Podman's NormalizeFormat: typed `\t` and `\n` become a tab and a newline; a table
 * format also loses every "table " and turns every space into a tab (even inside
 * actions and quoted strings); the result ends with a newline.
 */
export function normalizeFormat(format: string): string {
  const f = hasTable(format)
    ? format.replace(/table |\\t| |\\n/g, (m) => tableReplacements[m]!)
    : format.replace(/\\t|\\n/g, (m) => tableReplacements[m]!);
  return f.endsWith('\n') ? f : `${f}\n`;
}

/** Podman's EnforceRange: run the format once per item unless it ranges over `.` itself. */
export function enforceRange(format: string): string {
  return /\{\{[\t\n\f\r ]*range[\t\n\f\r ]*\.[\t\n\f\r ]*\}\}.*\{\{[\t\n\f\r ]*end[\t\n\f\r ]*-?[\t\n\f\r ]*\}\}/s.test(format)
    ? format
    : `{{range .}}${format}{{end -}}`;
}

/** Podman's IsJSON: `json`, `{{json .}}` and `{{ json }}` all mean "print JSON". */
export function isJSONFormat(format: string): boolean {
  return /^[\t\n\f\r ]*(json|\{\{[\t\n\f\r ]*json[\t\n\f\r ]*(\.)?[\t\n\f\r ]*\}\})[\t\n\f\r ]*$/.test(format);
}
