/**
 * `--userns=keep-id` for rootless containers: the user's own uid/gid (or the ones asked
 * for) inside the container, in a user namespace nested in skiff's, and a passwd entry for
 * the user. The image's files are owned by namespace ids that equal image ids, so the
 * container's lower layer is a copy with every owner moved (idmap-owners.ts).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdMapping } from '../oci/runtime-spec.ts';

/** Who the user is on the host, and how many ids skiff's namespace maps. */
export interface NamespaceIdentity {
  uid: number;
  gid: number;
  uidCount: number;
  gidCount: number;
}

/** Read from this process's maps: the host id mapped to 0, and the total mapped. */
export function namespaceIdentity(): NamespaceIdentity {
  const uids = parseIdMap(readFileSync('/proc/self/uid_map', 'utf8'));
  const gids = parseIdMap(readFileSync('/proc/self/gid_map', 'utf8'));
  return { uid: uids.hostOfZero, gid: gids.hostOfZero, uidCount: uids.count, gidCount: gids.count };
}

export function parseIdMap(text: string): { hostOfZero: number; count: number } {
  let hostOfZero = 0;
  let count = 0;
  for (const line of text.trim().split('\n')) {
    const [inner, outer, size] = line.trim().split(/\s+/).map(Number);
    if (inner === 0) hostOfZero = outer!;
    count += size!;
  }
  return { hostOfZero, count };
}

/**
 * Podman's keep-id mapping over a namespace of `count` ids: container id `id` is namespace
 * id 0 (the user); ids below it move up by one; the rest stay.
 */
export function keepIdMappings(id: number, count: number): IdMapping[] {
  const maps: IdMapping[] = [];
  const below = Math.min(id, count - 1);
  if (below > 0) maps.push({ containerID: 0, hostID: 1, size: below });
  maps.push({ containerID: id, hostID: 0, size: 1 });
  if (count - id - 1 > 0) maps.push({ containerID: id + 1, hostID: id + 1, size: count - id - 1 });
  return maps;
}

export interface PasswdUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The host's passwd entry for `uid` (the mount namespace still shows the host's /etc). */
export function hostUser(uid: number, gid: number): PasswdUser {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
  const f = line?.split(':');
  return { name: f?.[0] ?? String(uid), uid, gid, home: f?.[5] ?? '/' };
}

/** Adds the user (and its group) to the copy's /etc/passwd and /etc/group unless present. */
export function addUserEntries(rootfs: string, user: PasswdUser): void {
  const has = (file: string, id: number) => {
    try {
      return readFileSync(file, 'utf8').split('\n').some((l) => l.split(':')[2] === String(id));
    } catch {
      return true;
    }
  };
  const passwd = join(rootfs, 'etc/passwd');
  if (!has(passwd, user.uid)) appendFileSync(passwd, `${user.name}:*:${user.uid}:${user.gid}:${user.name}:${user.home}:/bin/sh\n`);
  const group = join(rootfs, 'etc/group');
  if (!has(group, user.gid)) appendFileSync(group, `${user.name}:x:${user.gid}:${user.name}\n`);
}
