/**
 * Pulling one fully qualified reference from its registry (or the mirrors and location
 * registries.conf gives it) into the store, as containers/image copies into
 * containers/storage: manifest (an index resolved to the wanted platform), config, then the
 * missing layer blobs streamed in parallel into extraction with their digests checked on
 * the way; only when every layer is whole are they recorded (in chain order) and the image
 * committed, through storeImage. A failure leaves no image and no partial layer.
 */
import { CorruptContentError, RegistryError, SkiffError } from '../../../define/errors.ts';
import type { RegistriesConf } from '../../../infra/config/registries-conf.ts';
import { findRegistry, pullSources, type PullSource } from '../../../infra/config/registry-match.ts';
import { readAll, verifyDigest } from '../../../infra/image/digest.ts';
import { isIndexMediaType, maxConfigSize, parseImageIndex, parseImageManifest, type ParsedManifest } from '../../../infra/image/manifest.ts';
import { hostPlatform, selectPlatformManifest } from '../../../infra/image/platform.ts';
import { formatReference, parseReference, type ImageReference } from '../../../infra/image/reference.ts';
import type { Platform } from '../../../infra/image/types.ts';
import type { RegistryClient } from '../../../infra/registry/client.ts';
import { describeNetworkError } from '../../../infra/registry/http-request.ts';
import { connectRegistry, type RegistryAccessOptions } from '../../../infra/registry/connect.ts';
import { fetchManifest, type RemoteManifest } from '../../../infra/registry/remote-manifest.ts';
import { BlobInfoCache, compressionOf, type BlobSighting } from '../../../infra/state/blob-info-cache.ts';
import type { ImageRecord } from '../../../infra/storage/records.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { parseImageConfig } from '../image-config.ts';
import { storeImage } from '../store-image.ts';

export type PullEvent =
  | { kind: 'trying'; name: string }
  | { kind: 'alias'; name: string; origin: string }
  | { kind: 'resolving'; name: string; origin: string }
  /** the short name's chosen registry could not be written to short-name-aliases.conf */
  | { kind: 'alias-not-recorded'; name: string; message: string }
  | { kind: 'signatures' }
  | { kind: 'blob'; digest: string; skipped: boolean }
  | { kind: 'blob-done'; digest: string }
  | { kind: 'config'; digest: string }
  | { kind: 'manifest' }
  | { kind: 'storing-signatures' };

export interface PullImageOptions extends RegistryAccessOptions {
  /** wanted platform; unset fields come from the host */
  platform?: Partial<Platform> | undefined;
  /** blobs fetched at once (containers.conf image_parallel_copies; default 6) */
  parallel?: number | undefined;
  onEvent?: ((event: PullEvent) => void) | undefined;
}

/** The reference as the user sees it in errors: docker://host/repo:tag */
function transportName(ref: string): string {
  return `docker://${ref}`;
}

/** Pulls `ref` (fully qualified), trying its mirrors first; returns the stored image. */
export async function pullReference(store: Store, ref: ImageReference, conf: RegistriesConf, opts: PullImageOptions): Promise<ImageRecord> {
  const name = formatReference(ref);
  const registry = findRegistry(conf, name);
  if (registry?.blocked) throw new RegistryError(`initializing source ${transportName(name)}: registry ${ref.domain} is blocked in registries.conf`);
  const sources: PullSource[] = registry ? pullSources(registry, name) : [{ endpoint: { location: ref.domain, insecure: false }, reference: name }];
  let lastError: unknown;
  for (const source of sources) {
    try {
      return await pullFrom(store, parseReference(source.reference), name, source.endpoint.insecure, opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function pullFrom(store: Store, from: ImageReference, storedName: string, insecure: boolean, opts: PullImageOptions): Promise<ImageRecord> {
  const client = connectRegistry(from.domain, from.path, opts, insecure);
  const reference = from.digest ?? from.tag ?? 'latest';
  const context = `initializing source ${transportName(formatReference(from))}`;
  try {
    await client.base();
  } catch (err) {
    throw wrap(err, context);
  }
  let top: RemoteManifest;
  try {
    top = await fetchManifest(client, from.path, reference);
  } catch (err) {
    throw wrap(err, `${context}: reading manifest ${reference} in ${from.domain}/${from.path}`);
  }
  const digests: string[] = [];
  let instance = top;
  if (isIndexMediaType(top.mediaType)) {
    const index = parseImageIndex(top.bytes, `image index ${top.digest}`);
    const chosen = selectPlatformManifest(index.manifests, { ...hostPlatform(), variant: undefined, ...definedOnly(opts.platform ?? {}) } as Platform);
    digests.push(top.digest);
    try {
      instance = await fetchManifest(client, from.path, chosen.digest);
    } catch (err) {
      throw wrap(err, `${context}: reading manifest ${chosen.digest} in ${from.domain}/${from.path}`);
    }
  }
  const manifest = parseImageManifest(instance.bytes, `manifest ${instance.digest}`);
  opts.onEvent?.({ kind: 'signatures' });
  return copyImage(store, client, from.path, manifest, instance, { names: [storedName], digests }, opts);
}

function definedOnly(p: Partial<Platform>): Partial<Platform> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== '')) as Partial<Platform>;
}

/** Adds context to an error's message, keeping its class (and so its exit code). */
function wrap(err: unknown, context: string): Error {
  if (!(err instanceof SkiffError)) return new RegistryError(`${context}: ${describeNetworkError(err, '')}`, undefined, { cause: err });
  err.message = `${context}: ${err.message}`;
  return err;
}

async function copyImage(
  store: Store,
  client: RegistryClient,
  repository: string,
  manifest: ParsedManifest,
  instance: RemoteManifest,
  naming: { names: string[]; digests: string[] },
  opts: PullImageOptions,
): Promise<ImageRecord> {
  const where = `${client.registry}/${repository}`;
  const configBytes = await readAll(
    verifyDigest(await client.blob(repository, manifest.config.digest), manifest.config.digest, { size: manifest.config.size, what: `config ${manifest.config.digest}` }),
    maxConfigSize,
    'image config',
  ).catch((err: unknown) => {
    throw wrap(err, `reading blob ${manifest.config.digest} in ${where}`);
  });
  const config = parseImageConfig(configBytes, `config ${manifest.config.digest}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new CorruptContentError(`image config lists ${diffIds.length} layers, but manifest ${instance.digest} has ${manifest.layers.length}`);
  }
  // Which layers the store lacks: a chain ID present means that layer and all below it are.
  // A blob's diffID is known for sure once extracted here, now or when the layer was stored from it.
  let parent: string | undefined;
  const verified: boolean[] = [];
  for (const [i, diffId] of diffIds.entries()) {
    parent = store.layers.idFor(parent, diffId);
    const existing = store.layers.get(parent);
    verified.push(existing === undefined || existing.compressedDigest === manifest.layers[i]!.digest);
    opts.onEvent?.({ kind: 'blob', digest: manifest.layers[i]!.digest, skipped: existing !== undefined });
  }
  // Blobs stream straight into extraction, several at once; storeImage records none of them
  // unless every one arrived whole and matched its digest.
  const record = await storeImage(store, {
    config: configBytes,
    manifest: instance.bytes,
    manifestType: instance.mediaType,
    layers: manifest.layers.map((layer) => ({
      digest: layer.digest,
      size: layer.size,
      open: async () => {
        const context = `copying blob ${layer.digest} from ${where}`;
        let body;
        try {
          body = await client.blob(repository, layer.digest);
        } catch (err) {
          throw wrap(err, context);
        }
        const verified = verifyDigest(body, layer.digest, { size: layer.size, what: `blob ${layer.digest}` });
        // Runs before the extractor sees the error, so its message names blob and registry.
        verified.once('error', (err) => {
          if (err instanceof SkiffError) wrap(err, context);
          else err.message = `${context}: ${describeNetworkError(err, client.registry)}`;
        });
        verified.once('end', () => opts.onEvent?.({ kind: 'blob-done', digest: layer.digest }));
        return verified;
      },
    })),
    names: naming.names,
    digests: naming.digests,
    concurrency: opts.parallel ?? 6,
  });
  rememberBlobs(store, client.registry, repository, manifest, diffIds, verified);
  opts.onEvent?.({ kind: 'config', digest: manifest.config.digest });
  opts.onEvent?.({ kind: 'manifest' });
  opts.onEvent?.({ kind: 'storing-signatures' });
  return record;
}

/**
 * Records in the blob info cache that the image's blobs are in this repository, and which
 * layer each verified blob holds, so a later push skips or mounts them. The cache only
 * saves later work: a pull that succeeded does not fail over it.
 */
function rememberBlobs(store: Store, registry: string, repository: string, manifest: ParsedManifest, diffIds: string[], verified: boolean[]): void {
  const blobs: BlobSighting[] = manifest.layers.map((layer, i) => ({
    digest: layer.digest,
    size: layer.size,
    ...(verified[i] ? { diffId: diffIds[i]!, compression: compressionOf(layer.mediaType, layer.digest, diffIds[i]!) } : {}),
  }));
  try {
    new BlobInfoCache(store.db).record(registry, repository, [...blobs, { digest: manifest.config.digest }]);
  } catch {
    return;
  }
}

/**
 * The digest of the manifest a pull of `ref` would copy now (an index resolved to this
 * platform's instance), without copying anything: `auto-update` compares it with the local
 * image's.
 */
export async function remoteInstanceDigest(ref: ImageReference, conf: RegistriesConf, opts: RegistryAccessOptions): Promise<string> {
  const registry = findRegistry(conf, formatReference(ref));
  const client = connectRegistry(ref.domain, ref.path, opts, registry?.insecure ?? false);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  try {
    const top = await fetchManifest(client, ref.path, reference);
    if (!isIndexMediaType(top.mediaType)) return top.digest;
    const index = parseImageIndex(top.bytes, `image index ${top.digest}`);
    return selectPlatformManifest(index.manifests, { ...hostPlatform(), variant: undefined } as Platform).digest;
  } catch (err) {
    throw wrap(err, `reading manifest ${reference} in ${ref.domain}/${ref.path}`);
  }
}

/** Every tag of `repository` at `domain` (pull --all-tags). */
export async function listRemoteTags(ref: ImageReference, conf: RegistriesConf, opts: RegistryAccessOptions): Promise<string[]> {
  const registry = findRegistry(conf, formatReference(ref));
  const client = connectRegistry(ref.domain, ref.path, opts, registry?.insecure ?? false);
  try {
    return await client.tags(ref.path);
  } catch (err) {
    throw wrap(err, `getting repository tags: fetching tags list for ${ref.domain}/${ref.path}`);
  }
}
