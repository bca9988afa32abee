/**
 * `pull`: names resolved through registries.conf, every candidate tried in order (the first
 * that succeeds wins), `--all-tags`, and archive or layout references. The pull policies of
 * create/run/build are ImageEngine.ensureImage's.
 */
import { pullFromTransport, sourceTransport } from '../domain/images/pull-transport.ts';
import { InvalidArgumentError, SkiffError } from '../define/errors.ts';
import { resolvePullNames, type PullCandidate } from '../domain/images/pull/pull-names.ts';
import { localNameForShortName } from '../domain/images/resolve.ts';
import { recordShortNameAlias } from '../domain/images/pull/short-name-aliases.ts';
import { listRemoteTags, pullReference, type PullEvent, type PullImageOptions } from '../domain/images/pull/pull-image.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import type { Store } from '../infra/storage/store.ts';

export type { PullEvent };

export type PullPolicy = 'missing' | 'always' | 'never' | 'newer';

export interface ImagePullOptions extends Omit<PullImageOptions, 'parallel'> {
  allTags?: boolean | undefined;
  /**
   * Has the user pick one of several fully qualified names for a short name (given only
   * when stdin and stdout are a terminal); resolves to the name picked.
   */
  selectImage?: ((candidates: string[]) => Promise<string>) | undefined;
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

/** The registry picked for a short name becomes its alias, as Podman records it; a failure is only reported. */
function recordChoice(file: string, shortName: string, picked: PullCandidate, opts: ImagePullOptions): void {
  try {
    recordShortNameAlias(file, shortName, `${picked.ref.domain}/${picked.ref.path}`);
  } catch (err) {
    opts.onEvent?.({ kind: 'alias-not-recorded', name: picked.name, message: (err as Error).message });
  }
}

export async function pullImage(store: Store, name: string, opts: ImagePullOptions = {}): Promise<ImagePullReport> {
  if (sourceTransport(name)) {
    return { images: [(await pullFromTransport(store, name, store.paths.staging)).id] };
  }
  const conf = loadRegistriesConf();
  const parallel = await parallelCopies();
  if (!opts.allTags) name = localNameForShortName(store.images, name.replace(/^docker:\/\//, '')) ?? name;
  const resolved = resolvePullNames(name, conf, opts.selectImage !== undefined && !opts.allTags);
  const pullOpts: PullImageOptions = { ...opts, parallel };
  if (resolved.alias) opts.onEvent?.({ kind: 'alias', ...resolved.alias });
  if (resolved.search && !opts.allTags) opts.onEvent?.({ kind: 'resolving', ...resolved.search });
  let candidates = resolved.candidates;
  if (resolved.prompt) {
    const picked = await opts.selectImage!(candidates.map((c) => c.name));
    candidates = candidates.filter((c) => c.name === picked);
  }
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
  for (const c of candidates) {
    opts.onEvent?.({ kind: 'trying', name: c.name });
    let id: string;
    try {
      id = (await pullReference(store, c.ref, conf, pullOpts)).id;
    } catch (err) {
      errors.push(err as Error);
      continue;
    }
    if (resolved.prompt) recordChoice(conf.shortNameAliasesPath, resolved.prompt.name, c, opts);
    return { images: [id] };
  }
  if (errors.length === 1) throw errors[0]!;
  const list = errors.map((e) => ` * ${e.message.replace(/\n/g, '\n   ')}`).join('\n');
  throw new SkiffError(`${errors.length} errors occurred while pulling:\n${list}`);
}

