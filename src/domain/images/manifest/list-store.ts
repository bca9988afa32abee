/**
 * Manifest lists being assembled (`manifest create/add/rm`), one JSON file each under
 * GRAPHROOT/manifest-lists, written atomically (a temporary file renamed into place). Every
 * read-modify-write of a list runs in withListsLock, so concurrent `manifest add`s to one
 * list all land. An instance is a local image (pushed with the list) or a manifest already
 * in a registry (mounted across repositories on push).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NoSuchImageError } from '../../../define/errors.ts';
import { MediaType, type Descriptor } from '../../../infra/image/types.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { FileLock } from '../../../infra/sys/flock.ts';

export interface ListInstance {
  descriptor: Descriptor;
  /** the ID of the local image this entry is */
  imageId?: string;
  /** host/repository holding the manifest, for an entry added from a registry */
  remote?: string;
}

export interface ManifestList {
  id: string;
  /** full name, e.g. localhost/list:latest */
  name: string;
  instances: ListInstance[];
  annotations?: Record<string, string>;
}

function dir(store: Store): string {
  return path.join(store.paths.graphRoot, 'manifest-lists');
}

/**
 * Runs `fn` holding the lock over the lists (flock on manifest-lists/.lock: the kernel drops
 * it if the process dies). `fn` re-reads what it changes, since another process may have
 * written it since it was last read.
 */
export function withListsLock<T>(store: Store, fn: () => T): T {
  fs.mkdirSync(dir(store), { recursive: true, mode: 0o700 });
  const lock = FileLock.acquire(path.join(dir(store), '.lock'));
  try {
    return fn();
  } finally {
    lock.release();
  }
}

export function listAll(store: Store): ManifestList[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir(store)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir(store), n), 'utf8');
    } catch (err) {
      // Removed by another process since the directory was read.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return [JSON.parse(text) as ManifestList];
  });
}

/** The list named `name` (full name) or with this ID (or unique ID prefix). */
export function findList(store: Store, name: string, fullName: string | undefined): ManifestList | undefined {
  const all = listAll(store);
  return all.find((l) => l.name === fullName) ?? all.find((l) => l.id === name) ?? (name.length >= 3 ? all.find((l) => l.id.startsWith(name)) : undefined);
}

export function getList(store: Store, name: string, fullName: string | undefined): ManifestList {
  const list = findList(store, name, fullName);
  if (!list) throw new NoSuchImageError(`${name}: image is not a manifest list`);
  return list;
}

export function saveList(store: Store, list: ManifestList): void {
  fs.mkdirSync(dir(store), { recursive: true, mode: 0o700 });
  const file = path.join(dir(store), `${list.id}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(list), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function deleteList(store: Store, list: ManifestList): void {
  fs.rmSync(path.join(dir(store), `${list.id}.json`), { force: true });
}

export function newListId(): string {
  return randomBytes(32).toString('hex');
}

/** The list as Podman's `manifest inspect` shows it: a Docker manifest list. */
export function listJson(list: ManifestList, format: 'docker' | 'oci' = 'docker'): Record<string, unknown> {
  const manifests = list.instances.map((i) => {
    const d = i.descriptor;
    return {
      mediaType: d.mediaType,
      size: d.size,
      digest: d.digest,
      ...(d.annotations && Object.keys(d.annotations).length ? { annotations: d.annotations } : {}),
      ...(d.platform ? { platform: d.platform } : {}),
    };
  });
  return {
    schemaVersion: 2,
    mediaType: format === 'oci' ? MediaType.ociIndex : MediaType.dockerManifestList,
    manifests,
    ...(format === 'oci' && list.annotations && Object.keys(list.annotations).length ? { annotations: list.annotations } : {}),
  };
}
