/**
 * `save`: images out of the store as docker-archive (default), oci-archive, oci-dir or
 * docker-dir. Layers are rebuilt byte for byte from their extracted files and tar-split
 * records, so their digests equal the diff IDs the configs name.
 */
import fs from 'node:fs';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { Writable } from 'node:stream';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { lookupCandidates, matchesShortName } from './names.ts';

export type SaveFormat = 'docker-archive' | 'oci-archive' | 'oci-dir' | 'docker-dir';

export interface SaveImage {
  record: ImageRecord;
  /** the names the user gave (for RepoTags / ref.name), normalised */
  names: string[];
}

export interface SaveOptions {
  format: SaveFormat;
  /** a file (archives) or a directory (dir formats); undefined = the stdout stream */
  output?: string | undefined;
  stdout?: Writable;
  compress?: boolean;
}

/** The name a saved image carries: the one the user named it by; none when named by ID, as Podman does. */
export function saveNames(input: string, record: ImageRecord): string[] {
  let candidates: string[];
  try {
    candidates = lookupCandidates(input);
  } catch {
    return [];
  }
  const exact = candidates.find((c) => record.names.includes(c));
  if (exact) return [exact];
  const short = record.names.find((n) => matchesShortName(n, input));
  return short ? [short] : [];
}

export async function saveImages(store: Store, images: SaveImage[], opts: SaveOptions): Promise<void> {
  const w = await import('../../infra/transports/archive-writer.ts');
  const { layerTarStream } = await import('../../infra/storage/layer/reassemble.ts');
  const archiveImages = images.map(({ record, names }) => ({
    names,
    configBytes: record.config,
    manifestBytes: record.manifest,
    layers: store.layers.chain(record.topLayer).map((l) => ({
      diffId: l.diffId,
      size: l.uncompressedSize,
      open: async () => layerTarStream(store.paths.layerDiff(l.id), store.paths.layerTarSplit(l.id)),
    })),
  }));
  if (opts.format === 'oci-dir' || opts.format === 'docker-dir') {
    if (!opts.output) throw new InvalidArgumentError(`--format ${opts.format} needs an output directory: use -o`);
    if (images.length !== 1) throw new InvalidArgumentError(`--format ${opts.format} saves one image at a time`);
    await fs.promises.mkdir(opts.output, { recursive: true });
    if (opts.format === 'oci-dir') await w.writeOciDir(opts.output, archiveImages, { compress: opts.compress ?? false });
    else await w.writeDockerDir(opts.output, archiveImages[0]!, { compress: opts.compress ?? false });
    return;
  }
  const write = (out: Writable) =>
    opts.format === 'oci-archive'
      ? w.writeOciArchive(out, archiveImages, { compress: opts.compress ?? false })
      : w.writeDockerArchive(out, archiveImages);
  if (opts.output) await w.writeArchiveFile(opts.output, write);
  else await write(opts.stdout!);
}
