/**
 * argv parsing with Podman's (cobra/pflag) rules: `-abc` combined shorthands, `-fvalue`,
 * `--flag=value` and `--flag value`, `--bool=false`, repeatable array flags, `--` ends
 * flags, and optionally flags stop at the first positional argument.
 */
import { InvalidArgumentError } from '../define/errors.ts';
import type { FlagSpec } from './command.ts';

type Value = string | number | boolean | string[];

export class ParsedFlags {
  readonly #values = new Map<string, Value>();
  readonly #changed = new Set<string>();
  readonly specs: readonly FlagSpec[];
  constructor(specs: readonly FlagSpec[]) {
    this.specs = specs;
    for (const s of specs) {
      if (s.default !== undefined) this.#values.set(s.name, Array.isArray(s.default) ? [...s.default] : s.default);
    }
  }
  changed(name: string): boolean {
    return this.#changed.has(name);
  }
  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }
  string(name: string): string | undefined {
    const v = this.#values.get(name);
    return typeof v === 'string' ? v : undefined;
  }
  int(name: string): number | undefined {
    const v = this.#values.get(name);
    return typeof v === 'number' ? v : undefined;
  }
  array(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }
  /** @internal used by the parser */
  set(spec: FlagSpec, raw: string | true, display: string): void {
    const name = spec.name;
    switch (spec.type) {
      case 'bool': {
        if (raw === true) this.#values.set(name, true);
        else {
          const b = parseBool(raw);
          if (b === undefined) {
            throw new InvalidArgumentError(`invalid argument "${raw}" for "${display}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
          }
          this.#values.set(name, b);
        }
        break;
      }
      case 'int': {
        const s = String(raw);
        if (!/^[-+]?\d+$/.test(s)) {
          throw new InvalidArgumentError(`invalid argument "${s}" for "${display}" flag: strconv.ParseInt: parsing "${s}": invalid syntax`);
        }
        this.#values.set(name, Number.parseInt(s, 10));
        break;
      }
      case 'string':
        this.#values.set(name, String(raw));
        break;
      case 'stringArray': {
        const prev = this.#changed.has(name) ? (this.#values.get(name) as string[]) : [];
        this.#values.set(name, [...prev, String(raw)]);
        break;
      }
    }
    this.#changed.add(name);
  }
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

export interface ParseOptions {
  stopAtFirstPositional?: boolean;
}

export interface ParseResult {
  flags: ParsedFlags;
  args: string[];
  /** --help/-h was given */
  help: boolean;
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], opts: ParseOptions = {}): ParseResult {
  const flags = new ParsedFlags(specs);
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of specs) {
    byLong.set(s.name, s);
    if (s.short) byShort.set(s.short, s);
  }
  const args: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) {
        if (name === 'help') {
          help = true;
          continue;
        }
        throw new InvalidArgumentError(`unknown flag: --${name}`);
      }
      const display = spec.name;
      if (eq !== -1) flags.set(spec, a.slice(eq + 1), display);
      else if (spec.type === 'bool') flags.set(spec, true, display);
      else if (spec.noOptDefault !== undefined) flags.set(spec, spec.noOptDefault, display);
      else {
        if (i + 1 >= argv.length) throw new InvalidArgumentError(`flag needs an argument: --${name}`);
        flags.set(spec, argv[++i]!, display);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = byShort.get(c);
        if (!spec) {
          if (c === 'h') {
            help = true;
            continue;
          }
          throw new InvalidArgumentError(`unknown shorthand flag: '${c}' in ${a}`);
        }
        const display = `${spec.short}, --${spec.name}`;
        if (spec.type === 'bool') {
          if (a[j + 1] === '=') {
            flags.set(spec, a.slice(j + 2), display);
            break;
          }
          flags.set(spec, true, display);
          continue;
        }
        let rest = a.slice(j + 1);
        if (rest.startsWith('=')) rest = rest.slice(1);
        if (rest !== '') flags.set(spec, rest, display);
        else if (spec.noOptDefault !== undefined) flags.set(spec, spec.noOptDefault, display);
        else {
          if (i + 1 >= argv.length) throw new InvalidArgumentError(`flag needs an argument: '${c}' in ${a}`);
          flags.set(spec, argv[++i]!, display);
        }
        break;
      }
      continue;
    }
    args.push(a);
    if (opts.stopAtFirstPositional) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  return { flags, args, help };
}
