/**
 * `image mount`: an image's layers mounted read-only under the run root, counted so that
 * nested mount/unmount pairs behave as Podman's do. The count lives in the database and
 * is checked against the real mount table, since a reboot clears mounts but not the count.
 */
import fs from 'node:fs';
import { isRootless } from '../../infra/config/paths.ts';
import type { ImageRecord } from '../../infra/storage/records.ts';
import type { Store } from '../../infra/storage/store.ts';
import { isMounted, mountOverlay, unmount } from '../../infra/storage/overlay.ts';

export function mountImage(store: Store, img: ImageRecord): string {
  const target = store.paths.mountPoint('image', img.id);
  return store.db.write(() => {
    const row = store.db.get<{ count: number }>("SELECT count FROM mounts WHERE kind = 'image' AND id = ?", img.id);
    const live = isMounted(target);
    if (!live) {
      const chain = store.layers.chain(img.topLayer);
      // rootless layers keep opaque directories in user.* xattrs, which overlay reads only with userxattr
      const options = isRootless() ? ['userxattr'] : [];
      mountOverlay({ layersDir: store.paths.layers, lowerLinks: chain.map((l) => l.link).reverse(), target, options, mountProgram: store.mountProgram });
    }
    const count = live && row ? Number(row.count) + 1 : 1;
    store.db.run("INSERT OR REPLACE INTO mounts (kind, id, path, count) VALUES ('image', ?, ?, ?)", img.id, target, count);
    return target;
  });
}

/** Drops one mount reference (all with `force`); unmounts at zero. Returns whether it was mounted. */
export function unmountImage(store: Store, img: ImageRecord, force = false): boolean {
  const target = store.paths.mountPoint('image', img.id);
  return store.db.write(() => {
    const row = store.db.get<{ count: number }>("SELECT count FROM mounts WHERE kind = 'image' AND id = ?", img.id);
    if (!row) return false;
    const count = force ? 0 : Number(row.count) - 1;
    if (count > 0) {
      store.db.run("UPDATE mounts SET count = ? WHERE kind = 'image' AND id = ?", count, img.id);
      return true;
    }
    unmount(target);
    fs.rmSync(target, { recursive: true, force: true });
    store.db.run("DELETE FROM mounts WHERE kind = 'image' AND id = ?", img.id);
    return true;
  });
}

export function mountedImages(store: Store): { id: string; path: string }[] {
  return store.db
    .all<{ id: string; path: string }>("SELECT id, path FROM mounts WHERE kind = 'image' ORDER BY id")
    .filter((m) => isMounted(m.path));
}
