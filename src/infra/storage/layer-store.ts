/**
 * Layers: one extracted directory per chain ID, shared by every image that contains it.
 * A layer is extracted into a private staging directory, then renamed into place and
 * recorded in one write transaction, so other processes see either nothing or a whole
 * layer, and a killed process leaves only staging debris that `sweep` removes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { NoSuchLayerError } from '../../define/errors.ts';
import type { StateDb } from '../state/db.ts';
import { chainId, randomId, randomLinkName } from './ids.ts';
import type { StorePaths } from './paths.ts';
import { layerFromRow, type LayerRecord, type LayerRow } from './records.ts';

export interface PutLayerOptions {
  parent: string | undefined;
  /** the uncompressed digest, when the image config names it (lets an existing layer be reused unread) */
  diffId?: string;
  /** digest of the raw blob as given (maybe compressed), checked while streaming */
  compressedDigest?: string;
  compressedSize?: number;
}

export type WhiteoutFormat = 'overlay-root' | 'overlay-user';

/** A layer extracted into staging by LayerStore.prepare, not yet recorded. */
export interface PreparedLayer {
  stage: string;
  diffId: string;
  size: number;
  compressedDigest: string | undefined;
  compressedSize: number | undefined;
}

export class LayerStore {
  readonly #db: StateDb;
  readonly #paths: StorePaths;
  readonly #whiteoutFormat: WhiteoutFormat;
  constructor(db: StateDb, paths: StorePaths, whiteoutFormat: WhiteoutFormat) {
    this.#db = db;
    this.#paths = paths;
    this.#whiteoutFormat = whiteoutFormat;
  }

  get(id: string): LayerRecord | undefined {
    const row = this.#db.get<LayerRow>('SELECT * FROM layers WHERE id = ?', id);
    return row ? layerFromRow(row) : undefined;
  }

  all(): LayerRecord[] {
    return this.#db.all<LayerRow>('SELECT * FROM layers').map(layerFromRow);
  }

  /** The layers from the base up to `topId`. */
  chain(topId: string | undefined): LayerRecord[] {
    const out: LayerRecord[] = [];
    for (let id = topId; id !== undefined; ) {
      const layer = this.get(id);
      if (!layer) throw new NoSuchLayerError(`layer ${id} not known`);
      out.push(layer);
      id = layer.parent;
    }
    return out.reverse();
  }

  /** The chain ID a layer will have, when its diff ID is known in advance. */
  idFor(parent: string | undefined, diffId: string): string {
    return chainId(parent === undefined ? undefined : `sha256:${parent}`, diffId).slice(7);
  }

  /**
   * Stores a layer from its tar stream (compressed or not). Returns the existing record
   * when the same chain is already there; the input is then not read.
   */
  async put(input: () => Promise<Readable>, opts: PutLayerOptions): Promise<LayerRecord> {
    if (opts.diffId) {
      const existing = this.get(this.idFor(opts.parent, opts.diffId));
      if (existing) return existing;
    }
    return this.commitPrepared(await this.prepare(input, opts), opts.parent);
  }

  /**
   * Extracts a layer into a private staging directory without recording it, so layers of
   * one image can be extracted concurrently and then committed in chain order with
   * commitPrepared. A prepared layer that is not committed must be discarded.
   */
  async prepare(input: () => Promise<Readable>, opts: Omit<PutLayerOptions, 'parent'>): Promise<PreparedLayer> {
    const stage = await this.#stageDir();
    try {
      const { applyLayer } = await import('./layer/apply.ts');
      const diffDir = path.join(stage, 'diff');
      await fs.promises.mkdir(diffDir, { mode: 0o755 });
      const result = await applyLayer(await input(), diffDir, {
        tarSplitPath: path.join(stage, 'tar-split.json.gz'),
        expectedDigest: opts.compressedDigest,
        expectedDiffId: opts.diffId,
        whiteoutFormat: this.#whiteoutFormat,
      });
      return { stage, diffId: result.diffId, size: result.size, compressedDigest: opts.compressedDigest, compressedSize: opts.compressedSize };
    } catch (err) {
      await fs.promises.rm(stage, { recursive: true, force: true });
      throw err;
    }
  }

  /** Records a prepared layer on top of `parent` (or returns the record already there); the staging dir is consumed either way. */
  async commitPrepared(prepared: PreparedLayer, parent: string | undefined): Promise<LayerRecord> {
    try {
      const id = this.idFor(parent, prepared.diffId);
      return this.#db.write(() => {
        const existing = this.get(id);
        if (existing) return existing;
        if (parent !== undefined && !this.get(parent)) {
          throw new NoSuchLayerError(`parent layer ${parent} was removed while the layer was written`);
        }
        const record: LayerRecord = {
          id,
          parent,
          diffId: prepared.diffId,
          compressedDigest: prepared.compressedDigest,
          compressedSize: prepared.compressedSize,
          uncompressedSize: prepared.size,
          link: randomLinkName(),
          created: Date.now(),
        };
        fs.renameSync(prepared.stage, this.#paths.layerDir(id));
        fs.symlinkSync(path.join('..', id, 'diff'), path.join(this.#paths.links, record.link));
        fs.writeFileSync(path.join(this.#paths.layerDir(id), 'link'), record.link);
        this.#db.run(
          `INSERT INTO layers (id, parent, diff_id, compressed_digest, compressed_size, uncompressed_size, link, created)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          record.id, record.parent ?? null, record.diffId, record.compressedDigest ?? null,
          record.compressedSize ?? null, record.uncompressedSize, record.link, record.created,
        );
        return record;
      });
    } finally {
      await this.discard(prepared);
    }
  }

  /** Removes a prepared layer's staging dir (nothing left once it was committed). */
  async discard(prepared: PreparedLayer): Promise<void> {
    await fs.promises.rm(prepared.stage, { recursive: true, force: true });
  }

  /**
   * Removes the layers of a chain, from the top, that no image and no other layer uses any
   * more. Must run inside a write transaction; the directories are moved aside there and
   * returned, for the caller to delete after the commit.
   */
  releaseChain(topId: string | undefined): string[] {
    const trash: string[] = [];
    for (let id = topId; id !== undefined; ) {
      const layer = this.get(id);
      if (!layer) break;
      const usedByImage = this.#db.get('SELECT 1 AS x FROM images WHERE top_layer = ? LIMIT 1', id);
      const hasChild = this.#db.get('SELECT 1 AS x FROM layers WHERE parent = ? LIMIT 1', id);
      if (usedByImage || hasChild) break;
      this.#db.run('DELETE FROM layers WHERE id = ?', id);
      fs.rmSync(path.join(this.#paths.links, layer.link), { force: true });
      const aside = path.join(this.#paths.staging, `trash-${randomId().slice(0, 16)}`);
      try {
        fs.renameSync(this.#paths.layerDir(id), aside);
        trash.push(aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      id = layer.parent;
    }
    return trash;
  }

  async #stageDir(): Promise<string> {
    await fs.promises.mkdir(this.#paths.staging, { recursive: true, mode: 0o700 });
    return fs.promises.mkdtemp(path.join(this.#paths.staging, `${process.pid}-`));
  }

  /**
   * Deletes what killed processes left: staging dirs of processes that are gone, trash
   * dirs, and layer dirs with no row (renamed into place by a writer that then died before
   * its commit). Holds the write lock, so no writer is between its rename and its commit.
   */
  sweep(): void {
    const doomed: string[] = [];
    this.#db.write(() => {
      for (const name of safeReaddir(this.#paths.staging)) {
        const pid = Number.parseInt(name, 10);
        if (name.startsWith('trash-') || (pid > 0 && !pidAlive(pid))) doomed.push(path.join(this.#paths.staging, name));
      }
      const known = new Set(this.#db.all<{ id: string }>('SELECT id FROM layers').map((r) => r.id));
      for (const name of safeReaddir(this.#paths.layers)) {
        if (name === 'l' || known.has(name)) continue;
        const aside = path.join(this.#paths.staging, `trash-${randomId().slice(0, 16)}`);
        fs.renameSync(path.join(this.#paths.layers, name), aside);
        doomed.push(aside);
      }
      for (const link of safeReaddir(this.#paths.links)) {
        const p = path.join(this.#paths.links, link);
        if (!fs.existsSync(p)) fs.rmSync(p, { force: true });
      }
    });
    for (const d of doomed) fs.rmSync(d, { recursive: true, force: true });
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
