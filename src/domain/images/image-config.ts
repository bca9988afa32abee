/**
 * The parts of an OCI/Docker image config skiff reads, parsed from the stored bytes (which
 * are kept verbatim elsewhere so the image ID stays the config's digest).
 */
import { CorruptContentError } from '../../define/errors.ts';

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  config?: ContainerConfig;
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  /** Docker's extra fields */
  docker_version?: string;
  comment?: string;
  container_config?: ContainerConfig;
}

export function parseImageConfig(bytes: Buffer | string, what = 'image config'): ImageConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString());
  } catch (err) {
    throw new CorruptContentError(`invalid ${what}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CorruptContentError(`invalid ${what}: not a JSON object`);
  }
  const cfg = parsed as ImageConfig;
  if (cfg.rootfs !== undefined && (cfg.rootfs.type !== 'layers' || !Array.isArray(cfg.rootfs.diff_ids))) {
    throw new CorruptContentError(`invalid ${what}: rootfs must be of type "layers" with diff_ids`);
  }
  return cfg;
}
