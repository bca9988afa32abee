/**
 * `push`: a local image to a registry (`docker://`, the default transport) or to any archive
 * transport (`docker-archive:`, `oci-archive:`, `oci:`, `dir:`) through the save writers.
 */
import fs from 'node:fs';
import { InvalidArgumentError } from '../define/errors.ts';
import { normalizeLocalName } from '../domain/images/names.ts';
import { pushImage, type PushEvent, type PushImageOptions } from '../domain/images/push/push-image.ts';
import { getImage } from '../domain/images/resolve.ts';
import type { SaveFormat } from '../domain/images/save-archive.ts';
import { loadRegistriesConf } from '../infra/config/registries-conf.ts';
import { parseNormalizedNamed, tagNameOnly } from '../infra/image/reference.ts';
import type { Store } from '../infra/storage/store.ts';

export type { PushEvent };

export interface ImagePushOptions extends Omit<PushImageOptions, 'parallel'> {
  /** write the pushed manifest's digest here */
  digestfile?: string | undefined;
}

export interface ImagePushReport {
  /** the manifest digest (registry destinations only) */
  digest?: string;
}

const archiveTransports: Record<string, SaveFormat> = {
  'docker-archive': 'docker-archive',
  'oci-archive': 'oci-archive',
  oci: 'oci-dir',
  dir: 'docker-dir',
};

const unsupportedTransports = new Set(['containers-storage', 'docker-daemon', 'ostree', 'sif', 'tarball']);

/** `transport:PATH[:REF]` split; the ref may hold a colon itself (name:tag). */
function splitArchive(rest: string): { path: string; ref: string | undefined } {
  const i = rest.indexOf(':');
  return i === -1 ? { path: rest, ref: undefined } : { path: rest.slice(0, i), ref: rest.slice(i + 1) || undefined };
}

export async function pushToDestination(store: Store, source: string, destination: string | undefined, opts: ImagePushOptions = {}): Promise<ImagePushReport> {
  const image = getImage(store.images, source);
  const dest = destination ?? source;
  const colon = dest.indexOf(':');
  const transport = colon > 0 ? dest.slice(0, colon) : '';
  const format = archiveTransports[transport];
  if (format) {
    const { path, ref } = splitArchive(dest.slice(colon + 1));
    if (!path) throw new InvalidArgumentError(`invalid destination "${dest}": no path`);
    const { saveImages } = await import('../domain/images/save-archive.ts');
    const names = ref ? [format === 'docker-archive' ? normalizeLocalName(ref) : ref] : format === 'docker-archive' ? image.names.slice(0, 1) : [];
    if (format === 'oci-dir') await fs.promises.mkdir(path, { recursive: true });
    await saveImages(store, [{ record: image, names }], { format, output: path, compress: opts.compressionFormat !== undefined });
    return {};
  }
  const name = dest.startsWith('docker://') ? dest.slice('docker://'.length) : dest;
  if (unsupportedTransports.has(transport)) {
    throw new InvalidArgumentError(`invalid destination "${dest}": the ${transport} transport is not supported by push`);
  }
  const ref = tagNameOnly(parseNormalizedNamed(name));
  const { loadContainersConf } = await import('../infra/config/containers-conf.ts');
  const parallel = loadContainersConf().engine.imageParallelCopies || 6;
  const result = await pushImage(store, image, ref, loadRegistriesConf(), { ...opts, parallel });
  if (opts.digestfile) fs.writeFileSync(opts.digestfile, result.digest);
  return { digest: result.digest };
}
