/**
 * `load`: every image of a docker-archive or oci-archive (gzip-compressed or not) into the
 * store. An archive read from stdin is spooled to a temp file first, since archives are
 * read out of order.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SkiffError } from '../../define/errors.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { normalizeLocalName } from './names.ts';
import { storeImage } from './store-image.ts';

export interface LoadOptions {
  input?: string | undefined;
  stdin?: Readable;
  tmpDir: string;
}

export interface LoadedImage {
  record: ImageRecord;
  names: string[];
}

export async function loadArchive(store: Store, opts: LoadOptions): Promise<LoadedImage[]> {
  let file = opts.input;
  let spool: string | undefined;
  if (!file) {
    if (!opts.stdin) throw new SkiffError('no archive given: use -i or standard input');
    await fs.promises.mkdir(opts.tmpDir, { recursive: true });
    spool = await fs.promises.mkdtemp(path.join(opts.tmpDir, 'load-'));
    file = path.join(spool, 'archive');
    await pipeline(opts.stdin, fs.createWriteStream(file));
  }
  try {
    try {
      await fs.promises.access(file);
    } catch {
      throw new SkiffError(`stat ${file}: no such file or directory`);
    }
    const { openArchive } = await import('../../infra/transports/archive-reader.ts');
    const reader = await openArchive(file);
    try {
      const loaded: LoadedImage[] = [];
      for (const img of await reader.images()) {
        const names = img.names.map((n) => normalizeLocalName(n));
        const record = await storeImage(store, {
          config: img.configBytes,
          manifest: img.manifestBytes,
          manifestType: img.manifestMediaType,
          layers: img.layers.map((l) => ({ open: () => l.open(), digest: l.digest, size: l.size })),
          names,
          generatedManifest: 'docker',
        });
        loaded.push({ record, names });
      }
      return loaded;
    } finally {
      await reader.close();
    }
  } finally {
    if (spool) await fs.promises.rm(spool, { recursive: true, force: true });
  }
}
