/**
 * The store facade (containers/storage's idea): one object over the database, the layer
 * directories and the images, opened once per command.
 */
import fs from 'node:fs';
import { StateDb } from '../state/db.ts';
import { ImageStore } from './image-store.ts';
import { LayerStore, type WhiteoutFormat } from './layer-store.ts';
import { StorePaths } from './paths.ts';

export interface StoreOptions {
  graphRoot: string;
  runRoot: string;
  whiteoutFormat: WhiteoutFormat;
  /** storage.conf `mount_program` (fuse-overlayfs) for container and image mounts */
  mountProgram?: string | undefined;
}

export class Store {
  readonly paths: StorePaths;
  readonly db: StateDb;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly mountProgram: string | undefined;

  private constructor(paths: StorePaths, db: StateDb, whiteoutFormat: WhiteoutFormat, mountProgram: string | undefined) {
    this.paths = paths;
    this.mountProgram = mountProgram;
    this.db = db;
    this.layers = new LayerStore(db, paths, whiteoutFormat);
    this.images = new ImageStore(db, this.layers);
  }

  static open(opts: StoreOptions): Store {
    const paths = new StorePaths(opts.graphRoot, opts.runRoot);
    fs.mkdirSync(paths.links, { recursive: true, mode: 0o700 });
    fs.mkdirSync(paths.runRoot, { recursive: true, mode: 0o700 });
    return new Store(paths, new StateDb(paths.db), opts.whiteoutFormat, opts.mountProgram);
  }

  close(): void {
    this.db.close();
  }
}
