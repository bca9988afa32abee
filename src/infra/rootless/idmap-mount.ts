/**
 * Idmapped mounts (Linux ≥ 5.12, the new mount API of glibc 2.36): a layer directory shown
 * with every owner moved by a user namespace's mapping, without touching the files. Podman
 * mounts a container's lower layers this way when the container has its own mappings.
 * Only the owner of the file system's superblock may idmap it, so this works for root on
 * ext4/xfs/btrfs but not for a rootless user (who gets a chowned copy, idmap-owners.ts).
 *
 *   const ns = openMappedUserNamespace(maps);   // idmap-userns.ts: an fd to a namespace with the mappings
 *   try { idmappedBind(layerDir, target, ns); } finally { closeSync(ns); }
 */
import { closeSync, mkdirSync } from 'node:fs';
import { lastErrno, libcFunc, SyscallError } from '../sys/libc.ts';

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const OPEN_TREE_CLONE = 0x1;
const OPEN_TREE_CLOEXEC = 0o2000000;
const MOUNT_ATTR_RDONLY = 0x1;
const MOUNT_ATTR_IDMAP = 0x00100000;
const MOVE_MOUNT_F_EMPTY_PATH = 0x4;

/** The errnos that mean "no idmapped mounts here" (old kernel, file system, or not the superblock's owner). */
export function idmapUnsupported(err: unknown): boolean {
  return err instanceof SyscallError && [1, 22, 38, 95].includes(err.errno);
}

/**
 * Mounts `source` read-only at `target` (made if missing) with owners mapped through the
 * namespace `usernsFd`. Read-only also guards the layer: a recursive delete that wanders
 * into a forgotten mount fails instead of emptying it.
 */
export function idmappedBind(source: string, target: string, usernsFd: number): void {
  const openTree = libcFunc('int open_tree(int dfd, const char *path, unsigned int flags)');
  const setattr = libcFunc('int mount_setattr(int dfd, const char *path, unsigned int flags, const void *attr, size_t size)');
  const move = libcFunc('int move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned int flags)');
  const tree = openTree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC) as number;
  if (tree < 0) throw new SyscallError('open_tree', lastErrno(), source);
  try {
    // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
    const attr = Buffer.alloc(32);
    attr.writeBigUInt64LE(BigInt(MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY), 0);
    attr.writeBigUInt64LE(BigInt(usernsFd), 24);
    if ((setattr(tree, '', AT_EMPTY_PATH, attr, attr.length) as number) !== 0) throw new SyscallError('mount_setattr', lastErrno(), source);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    if ((move(tree, '', AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) as number) !== 0) throw new SyscallError('move_mount', lastErrno(), target);
  } finally {
    closeSync(tree);
  }
}
