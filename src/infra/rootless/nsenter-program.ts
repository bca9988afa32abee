/**
 * util-linux `nsenter`, used to re-execute skiff inside the pause process's user and mount
 * namespaces. `--preserve-credentials` keeps the caller's uid, which the namespace maps to 0.
 */
import { requireProgram } from './program-path.ts';

export interface NsenterOptions {
  /** The process whose namespaces to join. */
  target: number;
  /** What to run there: program and arguments. */
  command: readonly string[];
}

export function nsenterArgs(opts: NsenterOptions): string[] {
  return ['--user', '--mount', '--preserve-credentials', '-t', String(opts.target), '--', ...opts.command];
}

/** Replaces this process with `nsenter … command` (never returns). */
export function execInNamespaces(opts: NsenterOptions, env: NodeJS.ProcessEnv): never {
  const nsenter = requireProgram('nsenter', 'util-linux');
  process.execve!(nsenter, [nsenter, ...nsenterArgs(opts)], env);
  throw new Error('process.execve returned');
}
