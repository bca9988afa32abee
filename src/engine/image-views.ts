/** Builds the report views of a stored image (summary, inspect, history). */
import { parseImageConfig, type ContainerConfig, type HistoryEntry, type ImageConfig } from '../domain/images/image-config.ts';
import { splitRepoTag } from '../domain/images/names.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';
import type { ImageHistoryLayer, ImageInspectReport, ImageSummary } from './image-reports.ts';

function createdMs(cfg: ImageConfig, img: ImageRecord): number {
  const t = cfg.created ? Date.parse(cfg.created) : Number.NaN;
  return Number.isNaN(t) ? img.created : t;
}

/** When the image was created (ms): its config's `created`, else when it was stored. */
export function imageCreatedMs(img: ImageRecord): number {
  try {
    return createdMs(parseImageConfig(img.config), img);
  } catch {
    return img.created;
  }
}

export function repoDigests(img: ImageRecord): string[] {
  const repos = new Set<string>();
  for (const n of img.names) repos.add(splitRepoTag(n).repository);
  const out: string[] = [];
  for (const r of repos) for (const d of img.digests) out.push(`${r}@${d}`);
  return [...new Set(out)].sort();
}

/** What a summary needs beyond the record: from the image graph and the container table. */
export interface SummaryContext {
  containers: number;
  /** no names and no child images (Podman's definition) */
  dangling: boolean;
  parentId: string;
}

export function buildSummary(img: ImageRecord, ctx: SummaryContext): ImageSummary {
  const cfg = parseImageConfig(img.config);
  const created = Math.floor(createdMs(cfg, img) / 1000) * 1000;
  const labels = cfg.config?.Labels ?? null;
  return {
    Id: img.id,
    ParentId: ctx.parentId,
    RepoTags: img.names.length ? img.names : null,
    RepoDigests: repoDigests(img),
    Size: img.size,
    SharedSize: 0,
    VirtualSize: img.size,
    Labels: labels && Object.keys(labels).length ? labels : null,
    Containers: ctx.containers,
    Names: img.names.length ? img.names : null,
    Digest: img.digest,
    History: img.namesHistory,
    Created: Math.floor(created / 1000),
    CreatedAt: new Date(created).toISOString().replace('.000Z', 'Z'),
    Dangling: ctx.dangling,
    ReadOnly: false,
  };
}

export function buildInspect(img: ImageRecord, store: Store): ImageInspectReport {
  const cfg = parseImageConfig(img.config);
  const chain = store.layers.chain(img.topLayer);
  const top = chain.at(-1);
  const lower = chain.slice(0, -1).reverse().map((l) => store.paths.layerDiff(l.id));
  const data: Record<string, string> = {};
  if (lower.length) data['LowerDir'] = lower.join(':');
  if (top) {
    data['UpperDir'] = store.paths.layerDiff(top.id);
    data['WorkDir'] = `${store.paths.layerDir(top.id)}/work`;
  }
  const manifest = safeJson(img.manifest) as { annotations?: Record<string, string> } | undefined;
  const labels = cfg.config?.Labels ?? null;
  return {
    Id: img.id,
    Digest: img.digest,
    RepoTags: img.names,
    RepoDigests: repoDigests(img),
    Parent: '',
    Comment: cfg.comment ?? cfg.history?.at(-1)?.comment ?? '',
    Created: cfg.created,
    Config: ociConfig(cfg.config),
    Version: cfg.docker_version ?? '',
    Author: cfg.author ?? '',
    Architecture: cfg.architecture ?? '',
    Os: cfg.os ?? '',
    Size: img.size,
    VirtualSize: img.size,
    GraphDriver: { Name: 'overlay', Data: data },
    RootFS: { Type: 'layers', Layers: cfg.rootfs?.diff_ids ?? chain.map((l) => l.diffId) },
    Labels: sortedMap(labels) ?? null,
    Annotations: sortedMap(manifest?.annotations) ?? {},
    ManifestType: img.manifestType,
    User: cfg.config?.User ?? '',
    History: (cfg.history ?? []).map(ociHistory),
    NamesHistory: img.namesHistory,
  };
}

/** A copy with Go's map order (sorted keys), or undefined for none. */
function sortedMap<T>(map: Record<string, T> | null | undefined): Record<string, T> | undefined {
  if (!map || !Object.keys(map).length) return undefined;
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]!]));
}

/** The config as Podman's inspect shows it: OCI's ImageConfig fields only, in its order. */
function ociConfig(c: ContainerConfig | undefined): ContainerConfig {
  if (!c) return {};
  const out: ContainerConfig = {
    User: c.User || undefined,
    ExposedPorts: sortedMap(c.ExposedPorts),
    Env: c.Env?.length ? c.Env : undefined,
    Entrypoint: c.Entrypoint?.length ? c.Entrypoint : undefined,
    Cmd: c.Cmd?.length ? c.Cmd : undefined,
    Volumes: sortedMap(c.Volumes),
    WorkingDir: c.WorkingDir || undefined,
    Labels: sortedMap(c.Labels ?? undefined),
    StopSignal: c.StopSignal || undefined,
    ArgsEscaped: c.ArgsEscaped || undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ContainerConfig;
}

/** A history entry with OCI's field order, empty fields left out. */
function ociHistory(h: HistoryEntry): HistoryEntry {
  const out: HistoryEntry = {
    created: h.created,
    created_by: h.created_by || undefined,
    author: h.author || undefined,
    comment: h.comment || undefined,
    empty_layer: h.empty_layer || undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as HistoryEntry;
}

function safeJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString());
  } catch {
    return undefined;
  }
}

/**
 * Newest first, as `podman history` lists. A row whose layer is the top layer of a local
 * image carries that image's ID (each ID once, the image itself preferred) and the names of
 * the images there; the other rows are `<missing>`, as in libimage.
 */
export function historyOf(img: ImageRecord, store: Store, imagesOnLayer: (layerId: string) => readonly ImageRecord[] = () => []): ImageHistoryLayer[] {
  const cfg = parseImageConfig(img.config);
  const chain = store.layers.chain(img.topLayer);
  const entries: HistoryEntry[] = cfg.history?.length
    ? cfg.history
    : chain.map(() => ({ created: cfg.created, created_by: '', empty_layer: false }));
  let layerIndex = chain.length - 1;
  const usedIds = new Set<string>();
  const rows: ImageHistoryLayer[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const h = entries[i]!;
    const layer = layerIndex >= 0 ? chain[layerIndex] : undefined;
    let id = '<missing>';
    let tags: string[] | null = null;
    let size = 0;
    if (layer) {
      const here = [...(layer.id === img.topLayer ? [img] : []), ...imagesOnLayer(layer.id)];
      const pick = here.find((other) => !usedIds.has(other.id));
      if (pick) {
        id = pick.id;
        usedIds.add(pick.id);
      }
      const names = [...new Set(here.flatMap((other) => other.names))];
      if (names.length) tags = names;
      if (!h.empty_layer) {
        size = layer.uncompressedSize;
        layerIndex--;
      }
    }
    rows.push({ id, created: h.created, createdBy: h.created_by ?? '', size, comment: h.comment ?? '', tags });
  }
  return rows;
}
