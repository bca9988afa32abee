/**
 * The lower directory of a rootless `--userns=keep-id` container: a copy of its image with
 * owners moved for the nested user namespace and the user added to /etc/passwd, made once
 * per container (under its directory) from the image mounted read-only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { addUserEntries, copyShifted, hostUser, keepIdHostId, namespaceIdentity } from '../infra/rootless/keep-id.ts';
import { mountOverlay, unmount } from '../infra/storage/overlay.ts';

export function keepIdLower(layersDir: string, lowerLinks: string[], containerDir: string): string {
  const dir = path.join(containerDir, 'keep-id');
  if (fs.existsSync(dir)) return dir;
  const image = path.join(containerDir, 'keep-id-image');
  const staging = `${dir}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o755 });
  mountOverlay({ layersDir, lowerLinks, target: image, options: ['userxattr'] });
  try {
    const ident = namespaceIdentity();
    copyShifted(image, staging, ident);
    addUserEntries(staging, hostUser(ident.uid, ident.gid));
    // The container's upper directory is the root of its file system: root's inside too.
    fs.chownSync(path.join(containerDir, 'diff'), keepIdHostId(0, ident.uid), keepIdHostId(0, ident.gid));
  } finally {
    unmount(image);
    fs.rmSync(image, { recursive: true, force: true });
  }
  fs.renameSync(staging, dir);
  return dir;
}
