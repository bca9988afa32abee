/** Rows of the store as typed records. */
export interface LayerRecord {
  id: string;
  parent: string | undefined;
  diffId: string;
  compressedDigest: string | undefined;
  compressedSize: number | undefined;
  uncompressedSize: number;
  link: string;
  created: number;
}

export interface ImageRecord {
  id: string;
  digest: string;
  manifest: Buffer;
  manifestType: string;
  config: Buffer;
  topLayer: string | undefined;
  size: number;
  created: number;
  names: string[];
  digests: string[];
  namesHistory: string[];
}

export interface LayerRow {
  id: string;
  parent: string | null;
  diff_id: string;
  compressed_digest: string | null;
  compressed_size: number | null;
  uncompressed_size: number;
  link: string;
  created: number;
}

export interface ImageRow {
  id: string;
  digest: string;
  manifest: Uint8Array;
  manifest_type: string;
  config: Uint8Array;
  top_layer: string | null;
  size: number;
  created: number;
  names_history: string;
}

export function layerFromRow(r: LayerRow): LayerRecord {
  return {
    id: r.id,
    parent: r.parent ?? undefined,
    diffId: r.diff_id,
    compressedDigest: r.compressed_digest ?? undefined,
    compressedSize: r.compressed_size ?? undefined,
    uncompressedSize: Number(r.uncompressed_size),
    link: r.link,
    created: Number(r.created),
  };
}
