/**
 * The manifest written next to saved blobs. A stored manifest that already describes exactly
 * those blobs is kept byte for byte (its digest stays the same, as Podman keeps it); otherwise
 * a new one is built, keeping the stored manifest's annotations as containers/image's
 * manifest update does.
 */
import { buildDockerManifest, buildOciManifest, parseImageManifest, type ParsedManifest } from '../image/manifest.ts';
import { MediaType, type Descriptor } from '../image/types.ts';

function sameBlob(a: Descriptor, b: Descriptor): boolean {
  return a.digest === b.digest && a.size === b.size && a.mediaType === b.mediaType;
}

function describesExactly(stored: ParsedManifest, mediaType: string, config: Descriptor, layers: Descriptor[]): boolean {
  return (
    stored.mediaType === mediaType &&
    sameBlob(stored.config, config) &&
    stored.layers.length === layers.length &&
    stored.layers.every((l, i) => sameBlob(l, layers[i]!))
  );
}

export function ociManifestForSave(stored: Buffer | undefined, config: Descriptor, layers: Descriptor[]): Buffer {
  const template = stored ? parseImageManifest(stored, 'stored manifest') : undefined;
  if (template && describesExactly(template, MediaType.ociManifest, config, layers)) return stored!;
  const fromOci = template?.mediaType === MediaType.ociManifest;
  const annotatedLayers =
    fromOci && template.layers.length === layers.length
      ? layers.map((l, i) => {
          const annotations = template.layers[i]!.annotations;
          return annotations ? { ...l, annotations } : l;
        })
      : layers;
  return buildOciManifest({
    config,
    layers: annotatedLayers,
    annotations: fromOci ? template.annotations : undefined,
    withMediaTypeField: fromOci && template.hasMediaTypeField,
  });
}

export function dockerManifestForSave(stored: Buffer | undefined, config: Descriptor, layers: Descriptor[]): Buffer {
  const template = stored ? parseImageManifest(stored, 'stored manifest') : undefined;
  if (template && describesExactly(template, MediaType.dockerManifest, config, layers)) return stored!;
  return buildDockerManifest(config, layers);
}
