/**
 * `--cache-from` / `--cache-to` (Buildah 1.28): step images pushed to a repository under
 * their cache key (layer-cache.ts remoteCacheKey) and pulled back by it when the local
 * store has no image for a step. A cache that cannot be pulled is a miss, never an error;
 * a push that fails fails the build, as Buildah's does.
 */
import type { RegistryAccessOptions } from '../infra/registry/connect.ts';
import type { Engine } from './engine.ts';

export interface RemoteCache {
  /** repositories to pull step images from, in order */
  from: string[];
  /** repositories to push new step images to */
  to: string[];
  access: RegistryAccessOptions;
  format: 'oci' | 'docker';
}

/** Pulls `repo:key` from the first repository that has it; returns the reference pulled. */
export async function pullCachedStep(engine: Engine, cache: RemoteCache, key: string): Promise<string | undefined> {
  for (const repo of cache.from) {
    const ref = `${repo}:${key}`;
    try {
      await engine.images.pull(ref, { ...cache.access });
      return ref;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Pushes the step's image as `repo:key` to every --cache-to repository, announcing each push first. */
export async function pushCachedStep(engine: Engine, cache: RemoteCache, imageId: string, key: string, log: (line: string) => void): Promise<void> {
  for (const repo of cache.to) {
    log(`--> Pushing cache ${repo}:${key}`);
    await engine.images.push(imageId, `${repo}:${key}`, { ...cache.access, format: cache.format === 'docker' ? 'v2s2' : 'oci' });
  }
}
