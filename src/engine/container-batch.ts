/**
 * Batch verbs (stop, kill, rm, …) per Podman: every named container is tried, each gets a
 * report carrying its own error; `--all` and `--latest` pick the targets instead of names.
 */
import { NoSuchContainerError } from '../define/errors.ts';
import { compileContainerFilters, type ContainerPredicate } from '../domain/containers/container-filters.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { findImage } from '../domain/images/resolve.ts';
import type { ContainerEngine } from './container-engine.ts';
import type { BatchReport } from './container-reports.ts';

export interface TargetOptions {
  all?: boolean;
  latest?: boolean;
  /** a missing name is skipped, not an error */
  ignore?: boolean;
  /** `--filter`: the containers matching them, instead of names */
  filters?: string[];
}

/** A predicate for `--filter` values, with the lookups before/since/ancestor need. */
export function filterPredicate(ce: ContainerEngine, filters: readonly string[]): ContainerPredicate {
  return compileContainerFilters(filters, {
    container: (nameOrId) => ce.repo.find(nameOrId),
    imageIds: (ref) => {
      const img = findImage(ce.engine.store.images, ref);
      return img ? [img.id] : [];
    },
  });
}

/** The containers a batch verb acts on, each with the input that named it (or its ID); NoSuchContainerError for a missing name unless `ignore`. */
export function batchTargets(ce: ContainerEngine, namesOrIds: readonly string[], opts: TargetOptions): [ContainerRecord, string][] {
  if (opts.filters && opts.filters.length > 0) {
    const match = filterPredicate(ce, opts.filters);
    return ce.list().filter((r) => match(r, r.state.status)).map((r) => [r, r.config.id]);
  }
  if (opts.all) return ce.list().map((r) => [r, r.config.id]);
  if (opts.latest) {
    const latest = ce.latest();
    if (!latest) throw new NoSuchContainerError('latest');
    return [[latest, latest.config.id]];
  }
  const out: [ContainerRecord, string][] = [];
  // Podman looks every name up first: one missing fails the command before anything is done.
  for (const input of namesOrIds) {
    const rec = ce.repo.find(input);
    if (rec) out.push([rec, input]);
    else if (!opts.ignore) throw new NoSuchContainerError(input);
  }
  return out;
}

/** Runs fn for each target in turn, one report per target (errors as reports, in input order). */
export async function forEachContainer(
  ce: ContainerEngine,
  namesOrIds: readonly string[],
  opts: TargetOptions,
  fn: (rec: ContainerRecord, input: string) => Promise<void>,
): Promise<BatchReport[]> {
  const results = new Map<string, BatchReport>();
  const targets = batchTargets(ce, namesOrIds, opts);
  for (const [rec, input] of targets) {
    try {
      await fn(rec, input);
      results.set(input, { Id: rec.config.id, RawInput: input });
    } catch (err) {
      if (opts.ignore && err instanceof NoSuchContainerError) continue;
      results.set(input, { Id: rec.config.id, RawInput: input, Err: err as Error });
    }
  }
  if (opts.all || opts.latest || (opts.filters && opts.filters.length > 0)) return [...results.values()];
  return [...new Set(namesOrIds)].flatMap((n) => {
    const r = results.get(n);
    return r ? [r] : [];
  });
}
