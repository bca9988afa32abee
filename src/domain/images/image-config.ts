/**
 * The image config types and parser the domain reads images through (one definition, in
 * infra/image, shared with the transports).
 */
export type { ContainerConfig, HistoryEntry, ImageConfig } from '../../infra/image/types.ts';
export { parseImageConfig } from '../../infra/image/manifest.ts';
