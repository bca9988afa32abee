/**
 * One build step's image: the parent's layers plus, for a file-system step, one new layer
 * from a tar stream; the config as the step left it, with one more history entry.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buildDockerManifest, buildOciManifest } from '../../infra/image/manifest.ts';
import { MediaType, type Descriptor } from '../../infra/image/types.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import type { HistoryEntry, ImageConfig } from '../images/image-config.ts';

export interface StepImageInput {
  /** the image the step starts from; undefined for `scratch` */
  parent: ImageRecord | undefined;
  /** the config after the step (history and rootfs are extended here) */
  config: ImageConfig;
  /** the step's layer, when it changes files */
  layer?: () => Promise<Readable>;
  history: HistoryEntry;
  format: 'oci' | 'docker';
  /** `--annotation`s for the OCI manifest (Docker's format has no place for them) */
  annotations?: Record<string, string> | undefined;
}

export interface ImageInput {
  /** the top of the image's layer chain; undefined for no layers */
  topLayer: string | undefined;
  /** the config as is, history included; rootfs is filled in from the chain */
  config: ImageConfig;
  format: 'oci' | 'docker';
  annotations?: Record<string, string> | undefined;
}

function digestOf(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** Writes the step's image (untagged) and returns it with its config. */
export async function writeStepImage(store: Store, input: StepImageInput): Promise<{ image: ImageRecord; config: ImageConfig }> {
  let top = input.parent?.topLayer;
  const cfg: ImageConfig = structuredClone(input.config);
  cfg.history = [...(cfg.history ?? []), input.layer ? input.history : { ...input.history, empty_layer: true }];
  if (input.layer) {
    const layer = await store.layers.put(input.layer, { parent: top });
    top = layer.id;
  }
  cfg.created = input.history.created ?? new Date().toISOString();
  return writeImage(store, { topLayer: top, config: cfg, format: input.format, annotations: input.annotations });
}

/** Writes an image (untagged) over an existing layer chain and returns it with its config. */
export function writeImage(store: Store, input: ImageInput): { image: ImageRecord; config: ImageConfig } {
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
  const configDesc: Descriptor = { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: digestOf(config), size: config.length };
  const manifest = docker
    ? buildDockerManifest(configDesc, layers)
    : buildOciManifest({ config: configDesc, layers, ...(input.annotations ? { annotations: input.annotations } : {}) });
  const image = store.images.put({
    id: configDesc.digest.slice(7),
    digest: digestOf(manifest),
    manifest,
    manifestType: docker ? MediaType.dockerManifest : MediaType.ociManifest,
    config,
    topLayer: input.topLayer,
    size: chain.reduce((n, l) => n + l.uncompressedSize, 0),
    names: [],
    digests: [],
  });
  return { image, config: cfg };
}
