/**
 * Images: config and manifest bytes exactly as received (so IDs and digests match other
 * tools), the top layer of their chain, names (RepoTags) and digests (RepoDigests).
 * Every change is one write transaction.
 */
import fs from 'node:fs';
import { ImageInUseError, NoSuchImageError, NoSuchLayerError } from '../../define/errors.ts';
import type { StateDb } from '../state/db.ts';
import type { LayerStore } from './layer-store.ts';
import type { ImageRecord, ImageRow } from './records.ts';

export interface PutImageInput {
  id: string;
  digest: string;
  manifest: Buffer;
  manifestType: string;
  config: Buffer;
  topLayer: string | undefined;
  size: number;
  /** names to give it; a name held by another image moves here, as a tag does */
  names: string[];
  digests: string[];
}

export class ImageStore {
  readonly #db: StateDb;
  readonly #layers: LayerStore;
  constructor(db: StateDb, layers: LayerStore) {
    this.#db = db;
    this.#layers = layers;
  }

  #record(row: ImageRow): ImageRecord {
    const names = this.#db.all<{ name: string }>('SELECT name FROM image_names WHERE image_id = ? ORDER BY seq', row.id).map((r) => r.name);
    const digests = this.#db.all<{ digest: string }>('SELECT digest FROM image_digests WHERE image_id = ? ORDER BY digest', row.id).map((r) => r.digest);
    return imageFromRow(row, names, digests);
  }

  list(): ImageRecord[] {
    return this.#db.read(() => {
      const rows = this.#db.all<ImageRow>('SELECT * FROM images ORDER BY created DESC, id');
      const names = new Map<string, string[]>();
      for (const r of this.#db.all<{ name: string; image_id: string }>('SELECT name, image_id FROM image_names ORDER BY seq')) {
        let list = names.get(r.image_id);
        if (!list) names.set(r.image_id, (list = []));
        list.push(r.name);
      }
      const digests = new Map<string, string[]>();
      for (const r of this.#db.all<{ digest: string; image_id: string }>('SELECT digest, image_id FROM image_digests ORDER BY digest')) {
        let list = digests.get(r.image_id);
        if (!list) digests.set(r.image_id, (list = []));
        list.push(r.digest);
      }
      return rows.map((row) => imageFromRow(row, names.get(row.id) ?? [], digests.get(row.id) ?? []));
    });
  }

  get(id: string): ImageRecord | undefined {
    return this.#db.read(() => {
      const row = this.#db.get<ImageRow>('SELECT * FROM images WHERE id = ?', id);
      return row ? this.#record(row) : undefined;
    });
  }

  /** The image holding exactly this full name, if any. */
  byName(name: string): ImageRecord | undefined {
    return this.#db.read(() => {
      const r = this.#db.get<{ image_id: string }>('SELECT image_id FROM image_names WHERE name = ?', name);
      return r ? this.get(r.image_id) : undefined;
    });
  }

  /** Images whose ID starts with the prefix. */
  byIdPrefix(prefix: string): ImageRecord[] {
    return this.#db.read(() =>
      this.#db
        .all<ImageRow>("SELECT * FROM images WHERE id >= ? AND id < ? || 'g'", prefix, prefix)
        .map((row) => this.#record(row)),
    );
  }

  byDigest(digest: string): ImageRecord[] {
    return this.#db.read(() =>
      this.#db
        .all<ImageRow>('SELECT * FROM images WHERE digest = ? OR id IN (SELECT image_id FROM image_digests WHERE digest = ?)', digest, digest)
        .map((row) => this.#record(row)),
    );
  }

  allNames(): { name: string; imageId: string }[] {
    return this.#db.all<{ name: string; image_id: string }>('SELECT name, image_id FROM image_names').map((r) => ({ name: r.name, imageId: r.image_id }));
  }

  /** Records an image whose layers are stored; merges names and digests into an existing one. */
  put(input: PutImageInput): ImageRecord {
    return this.#db.write(() => {
      if (input.topLayer !== undefined && !this.#layers.get(input.topLayer)) {
        throw new NoSuchLayerError(`layer ${input.topLayer} was removed while the image was written`);
      }
      const existing = this.#db.get<ImageRow>('SELECT * FROM images WHERE id = ?', input.id);
      if (!existing) {
        this.#db.run(
          `INSERT INTO images (id, digest, manifest, manifest_type, config, top_layer, size, created, names_history)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]')`,
          input.id, input.digest, input.manifest, input.manifestType, input.config, input.topLayer ?? null, input.size, Date.now(),
        );
      }
      for (const d of new Set([input.digest, ...input.digests])) {
        this.#db.run('INSERT OR IGNORE INTO image_digests (image_id, digest) VALUES (?, ?)', input.id, d);
      }
      for (const name of input.names) this.#addName(input.id, name);
      return this.get(input.id)!;
    });
  }

  addName(id: string, name: string): void {
    this.#db.write(() => {
      if (!this.#db.get('SELECT 1 AS x FROM images WHERE id = ?', id)) throw new NoSuchImageError(id);
      this.#addName(id, name);
    });
  }

  #addName(id: string, name: string): void {
    const holder = this.#db.get<{ image_id: string }>('SELECT image_id FROM image_names WHERE name = ?', name);
    if (holder?.image_id === id) return;
    if (holder) this.#db.run('DELETE FROM image_names WHERE name = ?', name);
    const seq = this.#db.get<{ m: number | null }>('SELECT MAX(seq) AS m FROM image_names')?.m ?? 0;
    this.#db.run('INSERT INTO image_names (name, image_id, seq) VALUES (?, ?, ?)', name, id, Number(seq) + 1);
    const row = this.#db.get<{ names_history: string }>('SELECT names_history FROM images WHERE id = ?', id)!;
    const history = (JSON.parse(row.names_history) as string[]).filter((n) => n !== name);
    this.#db.run('UPDATE images SET names_history = ? WHERE id = ?', JSON.stringify([name, ...history]), id);
  }

  /** Removes a name; false when the image did not hold it. */
  removeName(id: string, name: string): boolean {
    return this.#db.write(() => this.#db.run('DELETE FROM image_names WHERE name = ? AND image_id = ?', name, id).changes > 0);
  }

  /**
   * Deletes an image and the layers only it used. Refuses while containers use it.
   * Returns directories to delete once the transaction has committed.
   */
  delete(id: string): string[] {
    const trash = this.#db.write(() => {
      const row = this.#db.get<ImageRow>('SELECT * FROM images WHERE id = ?', id);
      if (!row) throw new NoSuchImageError(id);
      const users = this.#db.all<{ id: string }>('SELECT id FROM containers WHERE image_id = ?', id);
      if (users.length) {
        throw new ImageInUseError(`image used by ${users[0]!.id}: image is in use by a container: consider listing external containers and force-removing image`);
      }
      this.#db.run('DELETE FROM images WHERE id = ?', id);
      return this.#layers.releaseChain(row.top_layer ?? undefined);
    });
    return trash;
  }

  /** IDs of containers created from the image. */
  containersUsing(id: string): string[] {
    return this.#db.all<{ id: string }>('SELECT id FROM containers WHERE image_id = ?', id).map((r) => r.id);
  }
}

export function removeTrash(dirs: string[]): void {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

function imageFromRow(row: ImageRow, names: string[], digests: string[]): ImageRecord {
  return {
    id: row.id,
    digest: row.digest,
    manifest: Buffer.from(row.manifest),
    manifestType: row.manifest_type,
    config: Buffer.from(row.config),
    topLayer: row.top_layer ?? undefined,
    size: Number(row.size),
    created: Number(row.created),
    names,
    digests,
    namesHistory: JSON.parse(row.names_history) as string[],
  };
}
