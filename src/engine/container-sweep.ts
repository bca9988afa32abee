/**
 * Leftovers of killed skiff processes: staging directories of creates that never committed,
 * container directories whose row is gone (a remove killed half-way, a create killed
 * between rename and commit), their mounts, and exit files nobody will read any more.
 * Runs at the start of create, rm and prune; cheap when there is nothing to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMounted, unmount } from '../infra/storage/overlay.ts';
import { randomId } from '../infra/storage/ids.ts';
import { processAlive } from '../infra/sys/process.ts';
import type { ContainerEngine } from './container-engine.ts';

/** How long an exit file outlives its container, for a foreground `run --rm` still reading it. */
const exitFileGraceMs = 60_000;

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function sweepContainers(ce: ContainerEngine): void {
  const store = ce.engine.store;
  const doomed: string[] = [];
  for (const name of readdir(store.paths.staging)) {
    const creator = /^(\d+)-ctr-/.exec(name);
    if (name.startsWith('trash-ctr-') || (creator && !processAlive(Number(creator[1])))) doomed.push(path.join(store.paths.staging, name));
  }
  let known = new Set(ce.repo.db.all<{ id: string }>('SELECT id FROM containers').map((r) => r.id));
  if (readdir(store.paths.containers).some((name) => !known.has(name))) {
    // Inside the write transaction: creates rename their directory into place, and removes
    // rename it aside, within theirs, so rows and directories are seen consistently here.
    known = store.db.write(() => {
      const ids = new Set(ce.repo.db.all<{ id: string }>('SELECT id FROM containers').map((r) => r.id));
      for (const name of readdir(store.paths.containers)) {
        if (ids.has(name)) continue;
        if (isMounted(ce.mountPoint(name))) unmount(ce.mountPoint(name));
        store.db.run("DELETE FROM mounts WHERE kind = 'container' AND id = ?", name);
        const aside = path.join(store.paths.staging, `trash-ctr-${randomId().slice(0, 16)}`);
        try {
          fs.renameSync(ce.containerDir(name), aside);
          doomed.push(aside);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      return ids;
    });
  }
  for (const d of doomed) fs.rmSync(d, { recursive: true, force: true });
  const now = Date.now();
  for (const name of readdir(ce.exitDir)) {
    if (known.has(name)) continue;
    const file = path.join(ce.exitDir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > exitFileGraceMs && !ce.byId(name)) fs.rmSync(file, { force: true });
    } catch {
      // removed meanwhile
    }
  }
}
