/**
 * Rebuilds a layer's original uncompressed tar from its applied directory and the tar-split
 * written by applyLayer: raw records are copied, file references are read back from the
 * directory. The bytes are identical to the applied tar, so their sha256 is the diff ID.
 */
import { Readable } from 'node:stream';
import { CorruptContentError } from '../../../define/errors.ts';
import { normalizeEntryPath } from './layer-tree.ts';
import { readRefContent, readSplitRecords } from './tar-split.ts';

/**
 * The layer's tar as a stream. A referenced file that is missing, changed size or changed
 * content makes the stream fail with CorruptContentError.
 */
export function layerTarStream(diffDir: string, tarSplitPath: string): Readable {
  return Readable.from(layerTarChunks(diffDir, tarSplitPath), { objectMode: false, highWaterMark: 1 << 20 });
}

async function* layerTarChunks(diffDir: string, tarSplitPath: string): AsyncGenerator<Buffer> {
  for await (const record of readSplitRecords(tarSplitPath)) {
    if (record.raw) {
      yield record.raw;
      continue;
    }
    // applyLayer only records normalised paths; anything else is a damaged tar-split.
    if (record.ref.path === '' || normalizeEntryPath(record.ref.path) !== record.ref.path) {
      throw new CorruptContentError(`tar-split ${tarSplitPath} references an invalid path ${JSON.stringify(record.ref.path)}`);
    }
    yield* readRefContent(`${diffDir}/${record.ref.path}`, record.ref);
  }
}
