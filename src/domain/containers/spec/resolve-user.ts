/**
 * Reads a container root's /etc/passwd and /etc/group to resolve the user (user.ts has the
 * rules). Symlinks inside the image are followed as the container would see them, never out
 * of the root: an image whose /etc/passwd points at / must not make skiff read the host's.
 */
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgumentError } from '../../../define/errors.ts';
import { parseGroup, parsePasswd, resolveUserSpec, type ResolvedUser } from './user.ts';

const MAX_LINKS = 255;

/** `path` inside `root` with every symlink resolved within `root` (like securejoin). */
export function resolveInRoot(root: string, path: string): string {
  const pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // missing: the rest of the path cannot exist either, the caller's read will fail
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new InvalidArgumentError(`too many symlinks resolving ${path} in the container`);
    const target = readlinkSync(candidate);
    if (posix.isAbsolute(target)) resolved.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return join(root, ...resolved);
}

/** The text of a file of the container's root, or undefined when it does not exist. */
export function readRootFile(root: string, path: string): string | undefined {
  try {
    return readFileSync(resolveInRoot(root, path), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Resolves `user[:group]` (and `--group-add` names) against the root file system at `rootfsPath`. */
export function resolveUser(rootfsPath: string, userSpec: string, groupAdd: readonly string[] = []): ResolvedUser {
  const passwd = readRootFile(rootfsPath, '/etc/passwd');
  const needGroups = userSpec !== '' || groupAdd.length > 0;
  const group = needGroups ? readRootFile(rootfsPath, '/etc/group') : undefined;
  return resolveUserSpec(userSpec, groupAdd, passwd === undefined ? undefined : parsePasswd(passwd), group === undefined ? undefined : parseGroup(group));
}
