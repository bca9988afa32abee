/**
 * `import`: a root filesystem tarball becomes a one-layer image. The tarball is the layer
 * (compressed or not), so its diff ID is the digest of the uncompressed tar.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { InvalidArgumentError, SkiffError } from '../../define/errors.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { buildOciManifest } from '../../infra/image/manifest.ts';
import { hostPlatform } from '../../infra/image/platform.ts';
import { MediaType } from '../../infra/image/types.ts';
import { applyChanges } from './changes.ts';
import type { ImageConfig } from './image-config.ts';
import { normalizeLocalName } from './names.ts';

export interface ImportOptions {
  /** a path, `-` for stdin, or an http(s) URL */
  source: string;
  reference?: string | undefined;
  changes?: string[];
  message?: string | undefined;
  /** stdin, when source is `-` */
  stdin?: Readable;
  platform?: { os: string; architecture: string; variant?: string | undefined };
}

async function openSource(opts: ImportOptions): Promise<Readable> {
  if (opts.source === '-') {
    if (!opts.stdin) throw new InvalidArgumentError('no standard input to import from');
    return opts.stdin;
  }
  if (/^https?:\/\//.test(opts.source)) {
    let res: Response;
    try {
      res = await fetch(opts.source);
    } catch (err) {
      throw new SkiffError(`importing ${opts.source}: ${(err as Error).message}`);
    }
    if (!res.ok || !res.body) throw new SkiffError(`importing ${opts.source}: HTTP ${res.status} ${res.statusText}`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  }
  try {
    const st = await fs.promises.stat(opts.source);
    if (!st.isFile()) throw new InvalidArgumentError(`${opts.source}: not a regular file`);
  } catch (err) {
    if (err instanceof SkiffError) throw err;
    throw new SkiffError(`${opts.source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return fs.createReadStream(opts.source, { highWaterMark: 1 << 20 });
}

export async function importTarball(store: Store, opts: ImportOptions): Promise<ImageRecord> {
  const name = opts.reference ? normalizeLocalName(opts.reference) : undefined;
  const input = await openSource(opts);
  const layer = await store.layers.put(async () => input, { parent: undefined });
  const created = new Date().toISOString();
  const platform = opts.platform ?? hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(opts.platform?.variant ? { variant: opts.platform.variant } : {}),
    config: applyChanges({}, opts.changes ?? []),
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: `/bin/sh -c #(nop) ADD file:${layer.diffId.slice(7)} in /`, comment: opts.message ?? 'imported from tarball' }],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const manifest = buildOciManifest({
    config: { mediaType: MediaType.ociConfig, digest: digest(configBytes), size: configBytes.length },
    layers: [{ mediaType: MediaType.ociLayer, digest: layer.diffId, size: layer.uncompressedSize }],
  });
  return store.images.put({
    id: digest(configBytes).slice(7),
    digest: digest(manifest),
    manifest,
    manifestType: MediaType.ociManifest,
    config: configBytes,
    topLayer: layer.id,
    size: layer.uncompressedSize,
    names: name ? [name] : [],
    digests: [],
  });
}

function digest(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
