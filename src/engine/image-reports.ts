/** Report shapes the image engine returns: Podman's JSON field names, so `--format` and json match. */
import type { ImageConfig, HistoryEntry } from '../domain/images/image-config.ts';

/** One image in `images --format json` (Podman's entities.ImageSummary). */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[];
  Size: number;
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
  Names: string[] | null;
  Digest: string;
  History: string[];
  Created: number;
  CreatedAt: string;
  Dangling: boolean;
  ReadOnly: boolean;
}

export interface ImageInspectReport {
  Id: string;
  Digest: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string | undefined;
  Config: ImageConfig['config'] | Record<string, never>;
  Version: string;
  Author: string;
  Architecture: string;
  Os: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Labels: Record<string, string> | null;
  Annotations: Record<string, string>;
  ManifestType: string;
  User: string;
  History: HistoryEntry[];
  NamesHistory: string[];
}

/** One line of `history` (Podman's entities.ImageHistoryLayer). */
export interface ImageHistoryLayer {
  id: string;
  created: string | undefined;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[] | null;
}

export interface ImageRemoveReport {
  Untagged: string[];
  Deleted: string[];
  Errors: Error[];
  /** Podman's rmi exit status: 0, 1 (no such image), 2 (in use) or 125 */
  ExitCode: number;
}

export interface ImageLoadReport {
  Names: string[];
}

export interface ImageTreeReport {
  Tree: string;
}
