/**
 * The image in a containers/image `dir:` directory: `version`, `manifest.json`, and blobs
 * named by the hex of their digest (version 1.0 named layers `<hex>.tar`). A manifest list
 * keeps its instances as `<hex>.manifest.json`; the host platform's is used.
 */
import { CorruptContentError } from '../../define/errors.ts';
import { checkDigest, digestHex, sha256Digest, verifyDigest } from '../image/digest.ts';
import {
  detectManifestMediaType,
  isIndexMediaType,
  maxConfigSize,
  maxManifestSize,
  parseImageConfig,
  parseImageIndex,
  parseImageManifest,
} from '../image/manifest.ts';
import { hostPlatform, selectPlatformManifest } from '../image/platform.ts';
import type { Descriptor, Platform } from '../image/types.ts';
import { missing, type ArchiveFiles } from './archive-files.ts';
import type { SourceImage, SourceLayer } from './types.ts';

export const dirVersion = 'Directory Transport Version: 1.1\n';
const knownVersions = new Set([dirVersion, 'Directory Transport Version: 1.0\n']);

async function blobFile(files: ArchiveFiles, digest: string, what: string): Promise<string> {
  const hex = digestHex(digest, `digest of ${what}`);
  if ((await files.size(hex)) !== undefined) return hex;
  if ((await files.size(`${hex}.tar`)) !== undefined) return `${hex}.tar`;
  throw missing(files, `${what} ${digest}`, hex);
}

async function readBlob(files: ArchiveFiles, d: Descriptor, limit: number, what: string): Promise<Buffer> {
  const bytes = await files.read(await blobFile(files, d.digest, what), limit, `${what} ${d.digest}`);
  checkDigest(bytes, d.digest, `${what} ${d.digest}`);
  return bytes;
}

/** The image stored in a `dir:` directory (unnamed: the transport keeps no names). */
export async function readDockerDir(files: ArchiveFiles, platform: Platform = hostPlatform()): Promise<SourceImage> {
  if ((await files.size('version')) !== undefined) {
    const version = (await files.read('version', 1024, 'version file')).toString('utf8');
    if (!knownVersions.has(version)) {
      throw new CorruptContentError(`unsupported ${files.describe}: version ${JSON.stringify(version.trim())}`);
    }
  }
  let manifestBytes = await files.read('manifest.json', maxManifestSize, 'manifest.json');
  if (isIndexMediaType(detectManifestMediaType(manifestBytes, 'manifest.json'))) {
    const list = parseImageIndex(manifestBytes, 'manifest list manifest.json');
    const chosen = selectPlatformManifest(list.manifests, platform);
    const path = `${digestHex(chosen.digest, 'manifest digest')}.manifest.json`;
    manifestBytes = await files.read(path, maxManifestSize, `manifest ${chosen.digest}`);
    checkDigest(manifestBytes, chosen.digest, `manifest ${chosen.digest}`);
  }
  const manifest = parseImageManifest(manifestBytes, 'manifest.json');
  const configBytes = await readBlob(files, manifest.config, maxConfigSize, 'config');
  const config = parseImageConfig(configBytes, `config ${manifest.config.digest}`);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new CorruptContentError(
      `inconsistent layer count in ${files.describe}: ${manifest.layers.length} in manifest, ${config.rootfs.diff_ids.length} in config`,
    );
  }
  const layers: SourceLayer[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const what = `layer ${layer.digest}`;
    const path = await blobFile(files, layer.digest, 'layer');
    layers.push({
      digest: layer.digest,
      diffId: config.rootfs.diff_ids[i],
      mediaType: layer.mediaType,
      size: layer.size,
      open: async () => verifyDigest(await files.open(path, what), layer.digest, { size: layer.size, what }),
    });
  }
  return {
    names: [],
    configBytes,
    configDigest: sha256Digest(configBytes),
    manifestBytes,
    manifestMediaType: manifest.mediaType,
    layers,
  };
}
