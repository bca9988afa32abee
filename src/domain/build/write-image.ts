/**
 * One build step's image: the parent's layers plus, for a file-system step, one new layer
 * from a tar stream; the config as the step left it, with one more history entry.
 */
import type { Readable } from 'node:stream';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import type { HistoryEntry, ImageConfig } from '../images/image-config.ts';
import { writeLocalImage } from '../images/local-image.ts';

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
  return writeLocalImage(store, { topLayer: top, config: cfg, format: input.format, annotations: input.annotations });
}
