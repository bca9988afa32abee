import { randomBytes } from '../sys/random.ts';

export function sha256Hex(data: string | Buffer): string {
  // node:crypto loads on first hash only (see ../sys/random.ts).
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(data).digest('hex');
}

/** The OCI chain ID of a layer given its parent's chain ID (undefined for the base). */
export function chainId(parentChainId: string | undefined, diffId: string): string {
  return parentChainId === undefined ? diffId : `sha256:${sha256Hex(`${parentChainId} ${diffId}`)}`;
}

export function hexOf(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(7) : digest;
}

const linkAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A 26-character name for overlay/l/, as containers/storage uses, so long lowerdir lists fit one page. */
export function randomLinkName(): string {
  const bytes = randomBytes(26);
  let s = '';
  for (const b of bytes) s += linkAlphabet[b % linkAlphabet.length];
  return s;
}

/** A 64-hex random ID for containers and exec sessions. */
export function randomId(): string {
  return randomBytes(32).toString('hex');
}
