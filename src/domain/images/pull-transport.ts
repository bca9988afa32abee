/**
 * `pull` from a transport other than a registry, as Podman takes them: `docker-archive:PATH`,
 * `oci-archive:PATH`, `oci:DIR[:REF]` and `dir:DIR`. The image goes through the same
 * storeImage routine as `load`; names come from the source (RepoTags, ref.name), else none.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { normalizeLocalName } from './names.ts';
import { storeImage } from './store-image.ts';

const transports = ['docker-archive:', 'oci-archive:', 'oci:', 'dir:'] as const;

/** The transport prefix of a reference, or undefined for a registry reference. */
export function sourceTransport(ref: string): (typeof transports)[number] | undefined {
  return transports.find((t) => ref.startsWith(t));
}

/** `PATH[:REF]` of oci: and the archives (whose suffix names one image in a multi-image archive). */
function splitPathRef(rest: string): { path: string; ref: string | undefined } {
  const colon = rest.indexOf(':');
  return colon === -1 ? { path: rest, ref: undefined } : { path: rest.slice(0, colon), ref: rest.slice(colon + 1) };
}

export async function pullFromTransport(store: Store, ref: string, tmpDir: string): Promise<ImageRecord> {
  const transport = sourceTransport(ref)!;
  const { path, ref: name } = splitPathRef(ref.slice(transport.length));
  if (!path) throw new InvalidArgumentError(`invalid image reference "${ref}": no path`);
  const readers = await import('../../infra/transports/archive-reader.ts');
  const reader =
    transport === 'oci:'
      ? await readers.openOciLayout(path, name, { tmpDir })
      : transport === 'dir:'
        ? await readers.openDockerDir(path, { tmpDir })
        : await readers.openArchive(path, { tmpDir });
  try {
    const images = await reader.images();
    const wanted = name && transport !== 'oci:' ? normalizeLocalName(name) : undefined;
    const image = wanted ? images.find((i) => i.names.map((n) => normalizeLocalName(n)).includes(wanted)) : images[0];
    if (!image) throw new InvalidArgumentError(`no image ${wanted ?? ''} in ${ref}`.replace('  ', ' '));
    const names = image.names.map((n) => normalizeLocalName(n));
    if (transport === 'oci:' && name && !names.length) names.push(normalizeLocalName(name));
    return await storeImage(store, {
      config: image.configBytes,
      manifest: image.manifestBytes,
      manifestType: image.manifestMediaType,
      layers: image.layers.map((l) => ({ open: () => l.open(), digest: l.digest, size: l.size })),
      names,
      generatedManifest: transport === 'oci:' || transport === 'oci-archive:' ? 'oci' : 'docker',
    });
  } finally {
    await reader.close();
  }
}
