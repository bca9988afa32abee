/**
 * `image prune`: removes dangling images (with `all`, every image no container uses) that
 * pass the filters, in rounds until a round removes nothing, since removing an image can
 * leave its parent dangling (Podman's ImageEngine.Prune).
 */
import { ImageInUseError, NoSuchImageError } from '../define/errors.ts';
import { filterImages } from '../domain/images/filters.ts';
import { removeTrash } from '../infra/storage/image-store.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';
import { loadCatalog } from './image-list.ts';

export interface ImagePruneOptions {
  /** every image without containers, not only dangling ones */
  all?: boolean;
  /** `label=…`, `until=…` and the other image filters */
  filters?: string[];
}

/** One removed image (Podman's reports.PruneReport). */
export interface PruneReport {
  Id: string;
  /** bytes freed */
  Size: number;
  Err?: Error | undefined;
}

export function pruneImages(store: Store, opts: ImagePruneOptions, lookup: (nameOrId: string) => ImageRecord): PruneReport[] {
  const filters = [...(opts.filters ?? []), 'readonly=false', 'containers=false'];
  if (!opts.all) filters.push('dangling=true');
  const reports: PruneReport[] = [];
  const failed = new Set<string>();
  for (;;) {
    const catalog = loadCatalog(store);
    const doomed = filterImages(catalog.summaries, filters, catalog.filterContext(lookup)).filter((s) => !failed.has(s.Id));
    let removed = 0;
    for (const summary of doomed) {
      try {
        removeTrash(store.images.delete(summary.Id));
        reports.push({ Id: summary.Id, Size: summary.Size });
        removed++;
      } catch (err) {
        // Another skiff removed it, or gave it a container, since the list was read.
        if (err instanceof NoSuchImageError || err instanceof ImageInUseError) continue;
        failed.add(summary.Id);
        reports.push({ Id: summary.Id, Size: 0, Err: err as Error });
      }
    }
    if (removed === 0) return reports;
  }
}
