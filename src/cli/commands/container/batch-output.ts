/**
 * What batch verbs (stop, kill, rm, …) print, as Podman does: each container done, as the
 * user named it; every failure but the last as an `Error:` line; the last one fails the
 * command with the exit status `exitCode` picks.
 */
import fs from 'node:fs';
import { ExitStatusError, InvalidArgumentError, NoSuchContainerError } from '../../../define/errors.ts';
import type { BatchReport } from '../../../engine/container-reports.ts';
import type { CommandSpec } from '../../command.ts';
import type { CliContext } from '../../context.ts';

export function printBatch(ctx: CliContext, reports: readonly BatchReport[], exitCode: (errors: Error[]) => number = () => 125, print: (r: BatchReport) => string = (r) => r.RawInput): void {
  let out = '';
  const errors: Error[] = [];
  for (const r of reports) {
    if (r.Err) errors.push(r.Err);
    else out += `${print(r)}\n`;
  }
  ctx.out(out);
  if (errors.length === 0) return;
  for (const e of errors.slice(0, -1)) ctx.error(e.message);
  throw new ExitStatusError(errors.at(-1)!.message, exitCode(errors));
}

/** `rm`'s statuses: 1 when all that failed did not exist, 2 when one was running, else 125. */
export function rmExitCode(errors: Error[]): number {
  if (errors.some((e) => /cannot remove container .* as it is running/.test(e.message))) return 2;
  if (errors.every((e) => e instanceof NoSuchContainerError)) return 1;
  return 125;
}

/** Container IDs from `--cidfile` files (a missing file is skipped with `ignore`). */
export function readCidFiles(files: readonly string[], ignore = false): string[] {
  const ids: string[] = [];
  for (const f of files) {
    try {
      ids.push(fs.readFileSync(f, 'utf8').trim());
    } catch (err) {
      if (ignore && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new InvalidArgumentError(`reading CIDFile: open ${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
  }
  return ids;
}

/** Podman's checks for the ways of naming containers: names, --all, --latest, --cidfile. */
export function checkTargets(args: readonly string[], opts: { all?: boolean; latest?: boolean; cidfiles?: number; filters?: number }): void {
  const ways = [args.length > 0 || (opts.cidfiles ?? 0) > 0, opts.all === true, opts.latest === true].filter(Boolean).length;
  if ((opts.filters ?? 0) > 0 && args.length > 0) throw new InvalidArgumentError('--filter takes no arguments');
  if (ways > 1) throw new InvalidArgumentError('--all, --latest, and containers cannot be used together');
  if (ways === 0 && !(opts.filters ?? 0)) throw new InvalidArgumentError('you must provide at least one name or id');
}

/** The run step of `pause` and `unpause`: the same targets rules, another engine verb. */
export function pauseLikeRun(verb: 'pause' | 'unpause'): CommandSpec['run'] {
  return async (ctx, flags, args) => {
    const all = flags.bool('all');
    if (all && args.length > 0) throw new InvalidArgumentError('no arguments are needed with --all');
    const cidfiles = flags.array('cidfile');
    checkTargets(args, { all, latest: flags.bool('latest'), cidfiles: cidfiles.length });
    const engine = await ctx.engine();
    const reports = await engine.containers[verb]([...args, ...readCidFiles(cidfiles)], { all, latest: flags.bool('latest') });
    printBatch(ctx, reports);
  };
}
