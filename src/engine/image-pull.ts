/**
 * `pull`: names resolved through registries.conf, every candidate tried in order (the first
 * that succeeds wins), `--all-tags`, and archive or layout references. The pull policies of
 * create/run/build are ImageEngine.ensureImage's.
 */
import { pullFromTransport, sourceTransport } from '../domain/images/pull-transport.ts';
import { InvalidArgumentError, SkiffError } from '../define/errors.ts';
import { resolvePullNames } from '../domain/images/pull/pull-names.ts';
import { listRemoteTags, pullReference, type PullEvent, type PullImageOptions } from '../domain/images/pull/pull-image.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import type { Store } from '../infra/storage/store.ts';

export type { PullEvent };

export type PullPolicy = 'missing' | 'always' | 'never' | 'newer';

export interface ImagePullOptions extends Omit<PullImageOptions, 'parallel'> {
  allTags?: boolean | undefined;
}

export interface ImagePullReport {
  /** IDs of the images pulled, in order (one per tag with allTags) */
  images: string[];
}

async function parallelCopies(): Promise<number> {
  const { loadContainersConf } = await import('../infra/config/containers-conf.ts');
  const n = loadContainersConf().engine.imageParallelCopies;
  return n > 0 ? n : 6;
}

export async function pullImage(store: Store, name: string, opts: ImagePullOptions = {}): Promise<ImagePullReport> {
  if (sourceTransport(name)) {
    return { images: [(await pullFromTransport(store, name, store.paths.staging)).id] };
  }
  const conf = loadRegistriesConf();
  const parallel = await parallelCopies();
  const resolved = resolvePullNames(name, conf);
  const pullOpts: PullImageOptions = { ...opts, parallel };
  if (resolved.alias) opts.onEvent?.({ kind: 'alias', ...resolved.alias });
  if (opts.allTags) {
    const first = resolved.candidates[0]!;
    if (first.ref.digest !== undefined || /:[^/]+$/.test(name.replace(/^docker:\/\//, ''))) {
      throw new InvalidArgumentError("tag can't be used with --all-tags/-a");
    }
    const base = { domain: first.ref.domain, path: first.ref.path };
    const images: string[] = [];
    for (const tag of await listRemoteTags(base, conf, opts)) {
      const ref = { ...base, tag };
      opts.onEvent?.({ kind: 'trying', name: `${base.domain}/${base.path}:${tag}` });
      images.push((await pullReference(store, ref, conf, pullOpts)).id);
    }
    return { images };
  }
  const errors: Error[] = [];
  for (const c of resolved.candidates) {
    opts.onEvent?.({ kind: 'trying', name: c.name });
    try {
      return { images: [(await pullReference(store, c.ref, conf, pullOpts)).id] };
    } catch (err) {
      errors.push(err as Error);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  const list = errors.map((e) => ` * ${e.message.replace(/\n/g, '\n   ')}`).join('\n');
  throw new SkiffError(`${errors.length} errors occurred while pulling:\n${list}`);
}

