/**
 * The local images with what Podman derives from all of them together (parents, children,
 * dangling, container counts), read in one pass; `images`, `image prune` and `system df`
 * work from it.
 */
import { ImageGraph } from '../domain/images/image-graph.ts';
import type { FilterContext } from '../domain/images/filters.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';
import type { ImageSummary } from './image-reports.ts';
import { buildSummary, imageCreatedMs } from './image-views.ts';

export interface ImageCatalog {
  images: ImageRecord[];
  graph: ImageGraph;
  byId: Map<string, ImageRecord>;
  summaries: ImageSummary[];
  /** image ID → number of containers using it */
  containers: Map<string, number>;
  filterContext(lookup: (nameOrId: string) => ImageRecord): FilterContext;
}

/** How many containers use each image (from the containers table). */
export function containerCounts(store: Store): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of store.db.all<{ image_id: string | null; n: number }>('SELECT image_id, COUNT(*) AS n FROM containers GROUP BY image_id')) {
    if (r.image_id) out.set(r.image_id, Number(r.n));
  }
  return out;
}

export function loadCatalog(store: Store, containers: Map<string, number> = containerCounts(store)): ImageCatalog {
  const images = store.images.list();
  const graph = new ImageGraph(images, store.layers.all());
  const byId = new Map(images.map((img) => [img.id, img]));
  const created = new Map(images.map((img) => [img.id, imageCreatedMs(img)]));
  const summaries = images.map((img) =>
    buildSummary(img, {
      containers: containers.get(img.id) ?? 0,
      dangling: graph.isDangling(img),
      parentId: graph.parent(img)?.id ?? '',
    }),
  );
  return {
    images,
    graph,
    byId,
    summaries,
    containers,
    filterContext: (lookup) => ({
      created: (id) => created.get(id) ?? 0,
      createdOf: (nameOrId) => {
        const img = lookup(nameOrId);
        return created.get(img.id) ?? imageCreatedMs(img);
      },
      isDangling: (id) => graph.isDangling(byId.get(id)!),
      isIntermediate: (id) => graph.isIntermediate(byId.get(id)!),
      containers: (id) => containers.get(id) ?? 0,
      isManifestList: () => false,
    }),
  };
}

export interface ListImagesOptions {
  all?: boolean;
  filters?: string[];
}

export async function listImages(
  store: Store,
  opts: ListImagesOptions,
  lookup: (nameOrId: string) => ImageRecord,
): Promise<ImageSummary[]> {
  const { filterImages } = await import('../domain/images/filters.ts');
  const catalog = loadCatalog(store);
  const filters = [...(opts.filters ?? [])];
  if (!opts.all) filters.push('intermediate=false');
  return filterImages(catalog.summaries, filters, catalog.filterContext(lookup));
}
