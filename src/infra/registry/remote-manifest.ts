/**
 * Fetching a manifest (or index) from a registry with the media types skiff understands,
 * verifying it against the digest when one was asked for. Schema 1 is refused.
 */
import { CorruptContentError, RegistryError } from '../../define/errors.ts';
import { sha256Digest } from '../image/digest.ts';
import { detectManifestMediaType, maxManifestSize } from '../image/manifest.ts';
import { MediaType } from '../image/types.ts';
import type { RegistryClient } from './client.ts';
import { readBody } from './http-request.ts';

export const manifestAccept = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
] as const;

export interface RemoteManifest {
  bytes: Buffer;
  mediaType: string;
  /** sha256 of bytes */
  digest: string;
}

/** The manifest of `repository` at `reference` (a tag or a digest). */
export async function fetchManifest(client: RegistryClient, repository: string, reference: string): Promise<RemoteManifest> {
  const res = await client.manifest('GET', repository, reference, manifestAccept);
  let bytes: Buffer;
  try {
    bytes = await readBody(res, maxManifestSize);
  } catch (err) {
    throw new RegistryError(`reading manifest ${reference} in ${client.registry}/${repository}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const digest = sha256Digest(bytes);
  if (reference.includes(':') && reference !== digest) {
    throw new CorruptContentError(`manifest ${reference} in ${client.registry}/${repository} does not match its digest: got ${digest}`);
  }
  const header = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
  const detected = detectManifestMediaType(bytes, `manifest ${reference}`);
  const mediaType = detected || header;
  if (mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed || header === MediaType.dockerSchema1Signed) {
    throw new CorruptContentError(
      `unsupported manifest type ${JSON.stringify(mediaType)} for ${client.registry}/${repository}:${reference}: Docker schema 1 images are not supported, convert the image to schema 2 or OCI`,
    );
  }
  return { bytes, mediaType, digest };
}
