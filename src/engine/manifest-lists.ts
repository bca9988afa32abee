/**
 * `manifest create|add|inspect|exists|rm|push`: multi-platform lists assembled from local
 * images and manifests in registries, pushed as a Docker manifest list or an OCI index.
 */
import { PassThrough, pipeline } from 'node:stream';
import { InvalidArgumentError, NameInUseError, NoSuchImageError } from '../define/errors.ts';
import { parseImageConfig } from '../domain/images/image-config.ts';
import {
  deleteList, findList, getList, listJson, newListId, saveList, withListsLock, type ListInstance, type ManifestList,
} from '../domain/images/manifest/list-store.ts';
import { normalizeLocalName } from '../domain/images/names.ts';
import { pushImage, type PushEvent } from '../domain/images/push/push-image.ts';
import { findImage } from '../domain/images/resolve.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import { findRegistry } from '../infra/config/registry-match.ts';
import { readAll, verifyDigest } from '../infra/image/digest.ts';
import { isIndexMediaType, maxConfigSize, parseImageIndex, parseImageManifest } from '../infra/image/manifest.ts';
import { hostPlatform, selectPlatformManifest } from '../infra/image/platform.ts';
import { parseNormalizedNamed, tagNameOnly, type ImageReference } from '../infra/image/reference.ts';
import type { Descriptor, Platform } from '../infra/image/types.ts';
import type { RegistryClient } from '../infra/registry/client.ts';
import { connectRegistry, type RegistryAccessOptions } from '../infra/registry/connect.ts';
import { fetchManifest } from '../infra/registry/remote-manifest.ts';
import type { Store } from '../infra/storage/store.ts';

export interface ManifestAddOptions extends RegistryAccessOptions {
  all?: boolean | undefined;
  arch?: string | undefined;
  os?: string | undefined;
  variant?: string | undefined;
  osVersion?: string | undefined;
  annotations?: Record<string, string> | undefined;
}

export interface ManifestPushOptions extends RegistryAccessOptions {
  format?: 'oci' | 'v2s2' | undefined;
  /** for the local images pushed with the list, as `push --compression-format` */
  compressionFormat?: 'gzip' | 'zstd' | undefined;
  removeAfter?: boolean | undefined;
  digestfile?: string | undefined;
  onEvent?: ((event: PushEvent | { kind: 'list' }) => void) | undefined;
}

function localName(name: string): string | undefined {
  try {
    return normalizeLocalName(name);
  } catch {
    return undefined;
  }
}

function remoteRef(name: string): ImageReference {
  return tagNameOnly(parseNormalizedNamed(name.replace(/^docker:\/\//, '')));
}

function clientFor(ref: ImageReference, opts: RegistryAccessOptions): RegistryClient {
  return connectRegistry(ref.domain, ref.path, opts, findRegistry(loadRegistriesConf(), `${ref.domain}/${ref.path}`)?.insecure ?? false);
}

/** A new empty list; with `amend`, an existing list of that name is returned instead. */
export function createList(store: Store, name: string, amend = false): ManifestList {
  const full = normalizeLocalName(name);
  return withListsLock(store, () => {
    const existing = findList(store, name, full);
    if (existing && amend) return existing;
    if (existing || store.images.byName(full)) throw new NameInUseError(`${full}: image name is already in use`);
    const list: ManifestList = { id: newListId(), name: full, instances: [] };
    saveList(store, list);
    return list;
  });
}

function withOverrides(platform: Platform | undefined, opts: ManifestAddOptions): Platform | undefined {
  const p: Platform = { ...(platform ?? { architecture: '', os: '' }) };
  if (opts.arch) p.architecture = opts.arch;
  if (opts.os) p.os = opts.os;
  if (opts.variant) p.variant = opts.variant;
  if (opts.osVersion) p['os.version'] = opts.osVersion;
  return p.architecture || p.os ? p : undefined;
}

async function remoteInstances(ref: ImageReference, opts: ManifestAddOptions): Promise<ListInstance[]> {
  const client = clientFor(ref, opts);
  const top = await fetchManifest(client, ref.path, ref.digest ?? ref.tag ?? 'latest');
  const remote = `${ref.domain}/${ref.path}`;
  if (isIndexMediaType(top.mediaType)) {
    const entries = parseImageIndex(top.bytes).manifests;
    const chosen = opts.all ? entries : [selectPlatformManifest(entries, { ...hostPlatform(), variant: undefined } as unknown as Platform)];
    return chosen.map((d) => ({ descriptor: { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(d.platform ? { platform: d.platform } : {}) }, remote }));
  }
  const manifest = parseImageManifest(top.bytes);
  const config = parseImageConfig(await readAll(verifyDigest(await client.blob(ref.path, manifest.config.digest), manifest.config.digest), maxConfigSize));
  const platform: Platform = { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) };
  return [{ descriptor: { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length, platform }, remote }];
}

/** Adds a local image, or (docker:// or not found locally) an image from its registry; returns the list ID. */
export async function addToList(store: Store, listName: string, image: string, opts: ManifestAddOptions = {}): Promise<string> {
  getList(store, listName, localName(listName));
  const local = image.startsWith('docker://') ? undefined : findImage(store.images, image);
  let added: ListInstance[];
  if (local) {
    const config = parseImageConfig(local.config);
    const platform: Platform = { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) };
    added = [{ descriptor: { mediaType: local.manifestType, digest: local.digest, size: local.manifest.length, platform }, imageId: local.id }];
  } else {
    added = await remoteInstances(remoteRef(image), opts);
  }
  for (const instance of added) {
    const platform = withOverrides(instance.descriptor.platform, opts);
    if (platform) instance.descriptor.platform = platform;
    if (opts.annotations && Object.keys(opts.annotations).length) instance.descriptor.annotations = { ...opts.annotations };
  }
  // The list is read again under the lock: others may have added to it while the images were looked up.
  return withListsLock(store, () => {
    const list = getList(store, listName, localName(listName));
    for (const instance of added) {
      list.instances = list.instances.filter((i) => i.descriptor.digest !== instance.descriptor.digest);
      list.instances.push(instance);
    }
    saveList(store, list);
    return list.id;
  });
}

/** `manifest remove`: drops the instance with this digest; returns the list ID. */
export function removeFromList(store: Store, listName: string, digest: string): string {
  return withListsLock(store, () => {
    const list = getList(store, listName, localName(listName));
    const kept = list.instances.filter((i) => i.descriptor.digest !== digest);
    if (kept.length === list.instances.length) throw new InvalidArgumentError(`removing from manifest list ${list.name}: no instance with digest ${digest}`);
    saveList(store, { ...list, instances: kept });
    return list.id;
  });
}

/** `manifest annotate`: platform fields and annotations of one instance; returns the list ID. */
export function annotateInstance(store: Store, listName: string, digest: string, opts: ManifestAddOptions): string {
  return withListsLock(store, () => {
    const list = getList(store, listName, localName(listName));
    const instance = list.instances.find((i) => i.descriptor.digest === digest);
    if (!instance) throw new InvalidArgumentError(`annotating manifest list ${list.name}: no instance with digest ${digest}`);
    const platform = withOverrides(instance.descriptor.platform, opts);
    if (platform) instance.descriptor.platform = platform;
    if (opts.annotations && Object.keys(opts.annotations).length) instance.descriptor.annotations = { ...instance.descriptor.annotations, ...opts.annotations };
    saveList(store, list);
    return list.id;
  });
}

/** The list as JSON: a local list, else the manifest or index in the registry. */
export async function inspectList(store: Store, name: string, opts: RegistryAccessOptions = {}): Promise<unknown> {
  const list = findList(store, name, localName(name));
  if (list) return listJson(list);
  let ref: ImageReference;
  try {
    ref = remoteRef(name);
  } catch {
    throw new NoSuchImageError(`${name}: image is not a manifest list`);
  }
  const client = clientFor(ref, opts);
  const remote = await fetchManifest(client, ref.path, ref.digest ?? ref.tag ?? 'latest');
  return JSON.parse(remote.bytes.toString('utf8')) as unknown;
}

export function listExists(store: Store, name: string): boolean {
  return findList(store, name, localName(name)) !== undefined;
}

/** Removes lists; returns the IDs removed. */
export function removeLists(store: Store, names: string[]): { untagged: string; deleted: string }[] {
  return names.map((name) =>
    withListsLock(store, () => {
      const list = getList(store, name, localName(name));
      deleteList(store, list);
      return { untagged: list.name, deleted: list.id };
    }),
  );
}

/** A blob of `from` made present in `to`'s repository: mounted when on the same registry, else streamed across. */
async function copyBlob(from: RegistryClient, fromRepo: string, to: RegistryClient, toRepo: string, d: Descriptor, sameRegistry: boolean): Promise<void> {
  if (await to.hasBlob(toRepo, d.digest, 'pull,push')) return;
  const open = () => {
    const out = new PassThrough();
    from.blob(fromRepo, d.digest).then(
      (s) => pipeline(verifyDigest(s, d.digest, { size: d.size }), out, () => {}),
      (err: unknown) => out.destroy(err as Error),
    );
    return out;
  };
  if (sameRegistry && (await to.mountBlob(toRepo, d.digest, fromRepo))) return;
  await to.retrying(() => to.uploadBlob(toRepo, d.digest, d.size, open));
}

/** Pushes every instance, then the list under the destination's tag; returns the list's digest. */
export async function pushList(store: Store, listName: string, destination: string, opts: ManifestPushOptions = {}): Promise<string> {
  const list = getList(store, listName, localName(listName));
  if (!list.instances.length) throw new InvalidArgumentError(`manifest list ${list.name} is empty`);
  const dest = remoteRef(destination);
  const conf = loadRegistriesConf();
  const client = clientFor(dest, opts);
  const pushed: ListInstance[] = [];
  for (const instance of list.instances) {
    if (instance.imageId) {
      const image = store.images.get(instance.imageId);
      if (!image) throw new NoSuchImageError(instance.imageId);
      const r = await pushImage(store, image, dest, conf, { ...opts, byDigest: true, format: opts.format, onEvent: opts.onEvent });
      pushed.push({ descriptor: { ...instance.descriptor, mediaType: r.mediaType, digest: r.digest, size: r.size } });
      continue;
    }
    const source = remoteRef(`${instance.remote!}@${instance.descriptor.digest}`);
    const from = clientFor(source, opts);
    const manifest = await fetchManifest(from, source.path, instance.descriptor.digest);
    const parsed = parseImageManifest(manifest.bytes);
    const same = source.domain === dest.domain;
    for (const blob of [parsed.config, ...parsed.layers]) await copyBlob(from, source.path, client, dest.path, blob, same);
    await client.putManifest(dest.path, manifest.digest, manifest.mediaType, manifest.bytes);
    pushed.push(instance);
  }
  const format = opts.format === 'oci' ? 'oci' : 'docker';
  const bytes = Buffer.from(JSON.stringify(listJson({ ...list, instances: pushed }, format)));
  opts.onEvent?.({ kind: 'list' });
  const digest = `sha256:${process.getBuiltinModule('node:crypto').createHash('sha256').update(bytes).digest('hex')}`;
  await client.putManifest(dest.path, dest.tag ?? 'latest', format === 'oci' ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.list.v2+json', bytes);
  if (opts.digestfile) process.getBuiltinModule('node:fs').writeFileSync(opts.digestfile, digest);
  if (opts.removeAfter) withListsLock(store, () => deleteList(store, list));
  return digest;
}
