/**
 * Parsing (with validation) and building of manifests, indexes and configs. Anything
 * malformed is a CorruptContentError naming what it was. Built JSON is byte-identical to
 * what containers/image (Podman 4.3) marshals for the same content.
 */
import { CorruptContentError } from '../../define/errors.ts';
import { isValidDigest, parseDigest } from './digest.ts';
import { goMarshal, sortedKeys, type GoJsonValue } from './go-json.ts';
import { MediaType, type Descriptor, type ImageConfig, type Platform } from './types.ts';

/** Configs and manifests larger than this are refused (containers/image's limits). */
export const maxManifestSize = 4 * 1024 * 1024;
export const maxConfigSize = 4 * 1024 * 1024;

export function parseJson(bytes: Uint8Array | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new CorruptContentError(`${what} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  const value = parseJson(bytes, what);
  if (!isObject(value)) throw new CorruptContentError(`${what} is not a JSON object`);
  return value;
}

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new CorruptContentError(`${what} must map strings to strings`);
  }
  return value as Record<string, string>;
}

function parsePlatform(value: unknown, what: string): Platform | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') {
    throw new CorruptContentError(`${what} has an invalid platform`);
  }
  return value as unknown as Platform;
}

/** Validates a descriptor; a missing mediaType becomes `defaultMediaType` when one is given. */
export function parseDescriptor(value: unknown, what: string, defaultMediaType?: string): Descriptor {
  if (!isObject(value)) throw new CorruptContentError(`${what} is not a descriptor object`);
  const mediaType = value.mediaType ?? defaultMediaType;
  if (typeof mediaType !== 'string') throw new CorruptContentError(`${what} has no mediaType`);
  parseDigest(value.digest, `digest in ${what}`);
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new CorruptContentError(`${what} has an invalid size ${JSON.stringify(size)}`);
  }
  const descriptor: Descriptor = { mediaType, digest: value.digest as string, size };
  if (Array.isArray(value.urls)) descriptor.urls = value.urls as string[];
  const annotations = stringMap(value.annotations, `annotations of ${what}`);
  if (annotations) descriptor.annotations = annotations;
  const platform = parsePlatform(value.platform, what);
  if (platform) descriptor.platform = platform;
  return descriptor;
}

/** containers/image's GuessMIMEType: the media type a manifest or index declares or implies. */
export function manifestMediaType(parsed: Record<string, unknown>): string {
  if (typeof parsed.mediaType === 'string' && parsed.mediaType !== '') return parsed.mediaType;
  if (parsed.schemaVersion === 1) return 'signatures' in parsed ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1;
  const config = parsed.config;
  if (isObject(config)) {
    return config.mediaType === MediaType.dockerConfig ? MediaType.dockerManifest : MediaType.ociManifest;
  }
  if (Array.isArray(parsed.manifests)) return MediaType.ociIndex;
  return '';
}

/** The media type of serialized manifest or index bytes (see manifestMediaType). */
export function detectManifestMediaType(bytes: Uint8Array, what = 'manifest'): string {
  return manifestMediaType(parseObject(bytes, what));
}

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

export interface ParsedManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  /** The manifest had a top-level mediaType member (kept when the manifest is rebuilt). */
  hasMediaTypeField: boolean;
}

/** An OCI image manifest or a Docker v2 schema 2 manifest. */
export function parseImageManifest(bytes: Uint8Array, what = 'manifest'): ParsedManifest {
  const parsed = parseObject(bytes, what);
  const mediaType = manifestMediaType(parsed);
  if (!isImageManifestMediaType(mediaType)) {
    throw new CorruptContentError(`${what} has unsupported type ${JSON.stringify(mediaType || 'unknown')}`);
  }
  if (parsed.schemaVersion !== 2) throw new CorruptContentError(`${what} has schemaVersion ${JSON.stringify(parsed.schemaVersion)}, expected 2`);
  if (!Array.isArray(parsed.layers)) throw new CorruptContentError(`${what} has no layers array`);
  const result: ParsedManifest = {
    mediaType,
    config: parseDescriptor(parsed.config, `config descriptor of ${what}`),
    layers: parsed.layers.map((l, i) => parseDescriptor(l, `layer ${i + 1} of ${what}`)),
    hasMediaTypeField: typeof parsed.mediaType === 'string',
  };
  const annotations = stringMap(parsed.annotations, `annotations of ${what}`);
  if (annotations) result.annotations = annotations;
  return result;
}

export interface ParsedIndex {
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** An OCI image index (also index.json of a layout) or a Docker manifest list. */
export function parseImageIndex(bytes: Uint8Array, what = 'image index'): ParsedIndex {
  const parsed = parseObject(bytes, what);
  const mediaType = typeof parsed.mediaType === 'string' && parsed.mediaType !== '' ? parsed.mediaType : MediaType.ociIndex;
  if (!isIndexMediaType(mediaType)) throw new CorruptContentError(`${what} has unsupported type ${JSON.stringify(mediaType)}`);
  if (parsed.schemaVersion !== 2) throw new CorruptContentError(`${what} has schemaVersion ${JSON.stringify(parsed.schemaVersion)}, expected 2`);
  if (!Array.isArray(parsed.manifests)) throw new CorruptContentError(`${what} has no manifests array`);
  const result: ParsedIndex = {
    mediaType,
    manifests: parsed.manifests.map((m, i) => parseDescriptor(m, `entry ${i + 1} of ${what}`)),
  };
  const annotations = stringMap(parsed.annotations, `annotations of ${what}`);
  if (annotations) result.annotations = annotations;
  return result;
}

/** An image config; checks only what skiff relies on (rootfs.diff_ids). */
export function parseImageConfig(bytes: Uint8Array, what = 'image config'): ImageConfig {
  const parsed = parseObject(bytes, what);
  const rootfs = parsed.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids)) {
    throw new CorruptContentError(`${what} has no rootfs.diff_ids`);
  }
  rootfs.diff_ids.forEach((d, i) => {
    if (!isValidDigest(d)) parseDigest(d, `diff_id ${i + 1} in ${what}`);
  });
  return parsed as unknown as ImageConfig;
}

function platformJson(p: Platform): GoJsonValue {
  return {
    architecture: p.architecture,
    os: p.os,
    'os.version': p['os.version'] || undefined,
    'os.features': p['os.features']?.length ? p['os.features'] : undefined,
    variant: p.variant || undefined,
  };
}

/** An OCI descriptor in image-spec's Go field order (mediaType, digest, size, urls, annotations, platform). */
export function ociDescriptorJson(d: Descriptor): GoJsonValue {
  return {
    mediaType: d.mediaType || undefined,
    digest: d.digest,
    size: d.size,
    urls: d.urls?.length ? d.urls : undefined,
    annotations: d.annotations && Object.keys(d.annotations).length ? sortedKeys(d.annotations) : undefined,
    platform: d.platform ? platformJson(d.platform) : undefined,
  };
}

export interface OciManifestParts {
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  /** Write `"mediaType"` at the top (Podman 4.3 omits it; keep it when the source had it). */
  withMediaTypeField?: boolean;
}

export function buildOciManifest(parts: OciManifestParts): Buffer {
  const annotations = parts.annotations && Object.keys(parts.annotations).length ? sortedKeys(parts.annotations) : undefined;
  return Buffer.from(
    goMarshal({
      schemaVersion: 2,
      mediaType: parts.withMediaTypeField ? MediaType.ociManifest : undefined,
      config: ociDescriptorJson(parts.config),
      layers: parts.layers.map(ociDescriptorJson),
      annotations,
    }),
  );
}

/** An OCI index (also index.json of a layout), without a mediaType member as containers/image writes it. */
export function buildOciIndex(manifests: readonly Descriptor[]): Buffer {
  return Buffer.from(goMarshal({ schemaVersion: 2, manifests: manifests.map(ociDescriptorJson) }));
}

function dockerDescriptorJson(d: Descriptor): GoJsonValue {
  return { mediaType: d.mediaType, size: d.size, digest: d.digest, urls: d.urls?.length ? d.urls : undefined };
}

/** A Docker v2 schema 2 manifest (field order of containers/image's manifest.Schema2). */
export function buildDockerManifest(config: Descriptor, layers: readonly Descriptor[]): Buffer {
  return Buffer.from(
    goMarshal({
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: dockerDescriptorJson(config),
      layers: layers.map(dockerDescriptorJson),
    }),
  );
}
