/**
 * What `diff` reports: one line per path, Podman's kinds (containers/storage's archive.Change),
 * and the helpers every diff source shares.
 */
import { lstatSync, type BigIntStats } from 'node:fs';
import { lgetxattr } from '../../../infra/sys/fs-syscalls.ts';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  /** absolute path inside the container or image ("/etc/passwd") */
  path: string;
}

/** `diff --format json`: Podman prints only the lists that are not empty, in this order. */
export interface ChangesJson {
  changed?: string[];
  added?: string[];
  deleted?: string[];
}

export function changesJson(changes: readonly Change[]): ChangesJson {
  const pick = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).map((c) => c.path);
  const out: ChangesJson = {};
  const changed = pick('C');
  const added = pick('A');
  const deleted = pick('D');
  if (changed.length) out.changed = changed;
  if (added.length) out.added = added;
  if (deleted.length) out.deleted = deleted;
  return out;
}

/**
 * Paths the engine itself creates or mounts over in every container (mount points for
 * /etc/hosts and friends): Podman leaves them out of a container's diff (libpod/diff.go).
 */
const containerMountPoints = new Set([
  '/dev', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/proc', '/run', '/run/notify', '/run/.containerenv', '/run/secrets', '/sys',
]);

export function withoutContainerMountPoints(changes: readonly Change[]): Change[] {
  return changes.filter((c) => !containerMountPoints.has(c.path));
}

/** Directory entries in Go's order (byte-wise), which is the order Podman walks them in. */
export function sortedNames(names: string[]): string[] {
  return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export function lstatBig(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * containers/storage's sameFsTime: equal, or equal to the second when one side lost its
 * nanoseconds to a tar round trip (rounded either down or up).
 */
export function sameFsTime(a: bigint, b: bigint): boolean {
  if (a === b) return true;
  const [aSec, aNsec] = [a / 1_000_000_000n, a % 1_000_000_000n];
  const [bSec, bNsec] = [b / 1_000_000_000n, b % 1_000_000_000n];
  if (aNsec !== 0n && bNsec !== 0n) return false;
  if (aSec === bSec) return true;
  if (bNsec === 0n && aSec === bSec - 1n) return true;
  return aNsec === 0n && aSec - 1n === bSec;
}

/** The file-capability xattr, which a change can touch without touching anything stat shows. */
export function capabilityOf(path: string): string {
  try {
    return lgetxattr(path, 'security.capability')?.toString('hex') ?? '';
  } catch {
    return '';
  }
}
