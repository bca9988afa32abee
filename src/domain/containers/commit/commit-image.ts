/**
 * `commit`: the container's upper directory becomes one more layer on its image's chain
 * (overlay whiteouts turned into OCI ones), and a new image records it with the config of
 * commit-config.ts and a manifest in the chosen format.
 */
import { NoSuchImageError } from '../../../define/errors.ts';
import { tarDirectory, type OwnerMap } from '../../../infra/storage/layer/tar-dir.ts';
import type { WhiteoutFormat } from '../../../infra/storage/layer/whiteout.ts';
import type { ImageRecord } from '../../../infra/storage/records.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { parseImageConfig } from '../../images/image-config.ts';
import { writeLocalImage } from '../../images/local-image.ts';
import { commitConfig, type CommitConfigOptions, type CommitSource } from './commit-config.ts';

export interface CommitImageInput {
  source: CommitSource;
  /** the container's overlay upper directory */
  upperDir: string;
  whiteoutFormat: WhiteoutFormat;
  /** owners as the layer records them (a container with its own user namespace: back to its ids) */
  mapOwner?: OwnerMap | undefined;
  /** the full name to give the image (already normalised), if any */
  name?: string | undefined;
  format: 'oci' | 'docker';
  changes: readonly string[];
  author?: string | undefined;
  message?: string | undefined;
}

export async function commitImage(store: Store, input: CommitImageInput): Promise<ImageRecord> {
  const parent = store.images.get(input.source.imageId);
  if (!parent) throw new NoSuchImageError(input.source.imageId);
  const layer = await store.layers.put(async () => tarDirectory(input.upperDir, { overlayWhiteouts: input.whiteoutFormat, mapOwner: input.mapOwner }), { parent: parent.topLayer });
  const opts: CommitConfigOptions = {
    format: input.format,
    changes: input.changes,
    author: input.author,
    message: input.message,
    diffId: layer.diffId,
    created: new Date().toISOString(),
  };
  const config = commitConfig(parseImageConfig(parent.config), input.source, opts);
  return writeLocalImage(store, { topLayer: layer.id, config, format: input.format, names: input.name ? [input.name] : [] }).image;
}
