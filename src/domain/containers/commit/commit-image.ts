/**
 * `commit`: the container's upper directory becomes one more layer on its image's chain
 * (overlay whiteouts turned into OCI ones), and a new image records it with the config of
 * commit-config.ts and a manifest in the chosen format.
 */
import { createHash } from 'node:crypto';
import { NoSuchImageError } from '../../../define/errors.ts';
import { buildDockerManifest, buildOciManifest } from '../../../infra/image/manifest.ts';
import { MediaType, type Descriptor } from '../../../infra/image/types.ts';
import { tarDirectory, type OwnerMap } from '../../../infra/storage/layer/tar-dir.ts';
import type { WhiteoutFormat } from '../../../infra/storage/layer/whiteout.ts';
import type { ImageRecord } from '../../../infra/storage/records.ts';
import type { Store } from '../../../infra/storage/store.ts';
import { parseImageConfig } from '../../images/image-config.ts';
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

function digestOf(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
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
  const config = Buffer.from(JSON.stringify(commitConfig(parseImageConfig(parent.config), input.source, opts)));
  const chain = store.layers.chain(layer.id);
  const docker = input.format === 'docker';
  const layers: Descriptor[] = chain.map((l) => ({
    mediaType: docker ? MediaType.dockerLayerUncompressed : MediaType.ociLayer,
    digest: l.diffId,
    size: l.uncompressedSize,
  }));
  const configDesc: Descriptor = { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: digestOf(config), size: config.length };
  const manifest = docker ? buildDockerManifest(configDesc, layers) : buildOciManifest({ config: configDesc, layers });
  return store.images.put({
    id: configDesc.digest.slice(7),
    digest: digestOf(manifest),
    manifest,
    manifestType: docker ? MediaType.dockerManifest : MediaType.ociManifest,
    config,
    topLayer: layer.id,
    size: chain.reduce((n, l) => n + l.uncompressedSize, 0),
    names: input.name ? [input.name] : [],
    digests: [],
  });
}
