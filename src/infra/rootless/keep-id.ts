/**
 * `--userns=keep-id` for rootless containers: the user's own uid/gid inside the container,
 * in a user namespace nested in skiff's. The image's files are owned by namespace ids that
 * equal image ids, so the container gets a copy of its image with every owner moved to
 * where the nested mapping shows it unchanged (as containers/storage does when it cannot
 * idmap a mount: overlay mounted in a user namespace cannot be idmapped).
 */
import { appendFileSync, chmodSync, lchownSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdMapping } from '../oci/runtime-spec.ts';
import { requireProgram } from './program-path.ts';

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

/** Container id `id` is namespace id 0; ids below it move up by one; the rest stay. */
export function keepIdMappings(id: number, count: number): IdMapping[] {
  const maps: IdMapping[] = [];
  const below = Math.min(id, count - 1);
  if (below > 0) maps.push({ containerID: 0, hostID: 1, size: below });
  maps.push({ containerID: id, hostID: 0, size: 1 });
  if (count - id - 1 > 0) maps.push({ containerID: id + 1, hostID: id + 1, size: count - id - 1 });
  return maps;
}

/** The namespace id that {@link keepIdMappings} shows as container id `id`. */
export function keepIdHostId(id: number, keep: number): number {
  return id < keep ? id + 1 : id === keep ? 0 : id;
}

/** Copies `src` (a mounted image) to `dest` and re-owns every entry for keep-id. */
export function copyShifted(src: string, dest: string, ident: NamespaceIdentity): void {
  const cp = requireProgram('cp', 'coreutils');
  process.getBuiltinModule('node:child_process').execFileSync(cp, ['-a', '--preserve=all', '--', `${src}/.`, dest], { stdio: ['ignore', 'ignore', 'pipe'] });
  shiftTree(dest, ident);
}

function shiftTree(path: string, ident: NamespaceIdentity): void {
  const st = lstatSync(path);
  lchownSync(path, keepIdHostId(st.uid, ident.uid), keepIdHostId(st.gid, ident.gid));
  // chown drops setuid/setgid: put the mode back (never through a symlink).
  if (!st.isSymbolicLink() && (st.mode & 0o6000) !== 0) chmodSync(path, st.mode & 0o7777);
  if (st.isDirectory()) for (const name of readdirSync(path)) shiftTree(join(path, name), ident);
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
