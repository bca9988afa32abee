import path from 'node:path';

/** Where everything lives under the graph root and run root. */
export class StorePaths {
  readonly graphRoot: string;
  readonly runRoot: string;
  constructor(graphRoot: string, runRoot: string) {
    this.graphRoot = graphRoot;
    this.runRoot = runRoot;
  }
  get db(): string {
    return path.join(this.graphRoot, 'skiff.db');
  }
  /** extracted layers: overlay/<layer-id>/diff, plus overlay/l/<link> short names */
  get layers(): string {
    return path.join(this.graphRoot, 'overlay');
  }
  get links(): string {
    return path.join(this.graphRoot, 'overlay', 'l');
  }
  layerDir(id: string): string {
    return path.join(this.layers, id);
  }
  layerDiff(id: string): string {
    return path.join(this.layers, id, 'diff');
  }
  layerTarSplit(id: string): string {
    return path.join(this.layers, id, 'tar-split.json.gz');
  }
  /** per-container read-write layers and userdata */
  get containers(): string {
    return path.join(this.graphRoot, 'overlay-containers');
  }
  containerDir(id: string): string {
    return path.join(this.containers, id);
  }
  /** mount points of images and containers (under the run root: they vanish at reboot, as mounts do) */
  mountPoint(kind: 'image' | 'container', id: string): string {
    return path.join(this.runRoot, 'mounts', kind, id);
  }
  get volumes(): string {
    return path.join(this.graphRoot, 'volumes');
  }
  /** staging area on the same filesystem as the layers, so a finished layer is renamed into place */
  get staging(): string {
    return path.join(this.graphRoot, 'staging');
  }
}
