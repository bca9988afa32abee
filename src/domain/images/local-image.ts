/**
 * Images skiff makes itself (build steps, commit): a config over a chain of layers already
 * in the store, with a manifest in the chosen format naming the uncompressed layers.
 */
import { sha256Digest } from '../../infra/image/digest.ts';
import { buildDockerManifest, buildOciManifest } from '../../infra/image/manifest.ts';
import { MediaType, type Descriptor } from '../../infra/image/types.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import type { ImageConfig } from './image-config.ts';

export interface LocalImageInput {
  /** the top of the image's layer chain; undefined for no layers */
  topLayer: string | undefined;
  /** the config as is, history included; rootfs is filled in from the chain */
  config: ImageConfig;
  format: 'oci' | 'docker';
  annotations?: Record<string, string> | undefined;
  /** names to give it; none by default */
  names?: string[];
}

/** Writes an image over an existing layer chain (untagged unless `names`) and returns it with its config. */
export function writeLocalImage(store: Store, input: LocalImageInput): { image: ImageRecord; config: ImageConfig } {
  const cfg: ImageConfig = structuredClone(input.config);
  const chain = input.topLayer ? store.layers.chain(input.topLayer) : [];
  cfg.rootfs = { type: 'layers', diff_ids: chain.map((l) => l.diffId) };
  const config = Buffer.from(JSON.stringify(cfg));
  const docker = input.format === 'docker';
  const layers: Descriptor[] = chain.map((l) => ({
    mediaType: docker ? MediaType.dockerLayerUncompressed : MediaType.ociLayer,
    digest: l.diffId,
    size: l.uncompressedSize,
  }));
  const configDesc: Descriptor = { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: sha256Digest(config), size: config.length };
  const manifest = docker
    ? buildDockerManifest(configDesc, layers)
    : buildOciManifest({ config: configDesc, layers, ...(input.annotations ? { annotations: input.annotations } : {}) });
  const image = store.images.put({
    id: configDesc.digest.slice(7),
    digest: sha256Digest(manifest),
    manifest,
    manifestType: docker ? MediaType.dockerManifest : MediaType.ociManifest,
    config,
    topLayer: input.topLayer,
    size: chain.reduce((n, l) => n + l.uncompressedSize, 0),
    names: input.names ?? [],
    digests: [],
  });
  return { image, config: cfg };
}
