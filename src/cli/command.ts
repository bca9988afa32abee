/**
 * What a command file exports. A command declares its usage and flags, turns them into an
 * engine `XxxOptions`, calls the engine and hands the reports to the shared printers in
 * `src/cli/output/`. Only code under src/cli writes to stdout/stderr or decides exit codes.
 */
import type { ParsedFlags } from './flags.ts';
import type { CliContext } from './context.ts';

export type FlagType = 'bool' | 'string' | 'int' | 'stringArray';

export interface FlagSpec {
  /** long name, without the leading dashes */
  name: string;
  /** one-letter shorthand */
  short?: string;
  type: FlagType;
  default?: string | number | boolean | string[];
  description: string;
  /** left out of --help, still accepted (Podman's hidden/deprecated flags) */
  hidden?: boolean;
  /** for `string` flags: the value `--flag` alone means (like cobra's NoOptDefVal) */
  noOptDefault?: string;
}

export interface CommandSpec {
  /** e.g. "rmi [options] IMAGE [IMAGE...]": the first word is the command's own name */
  use: string;
  short: string;
  long?: string;
  examples?: string[];
  flags?: FlagSpec[];
  minArgs?: number;
  maxArgs?: number;
  /** flags end at the first positional argument (run, create, exec: the rest is a command line) */
  stopAtFirstPositional?: boolean;
  run(ctx: CliContext, flags: ParsedFlags, args: string[]): Promise<number | void>;
}
