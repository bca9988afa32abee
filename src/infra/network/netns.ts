/**
 * Persistent network namespaces: a file under `<runroot>/netns/` with the namespace
 * bind-mounted on it (util-linux `unshare --net=FILE`), so netavark can configure it before
 * the container exists and it outlives the skiff that made it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUuid } from '../sys/random.ts';
import { runProgram } from '../sys/process.ts';
import { MNT_DETACH, umount2 } from '../sys/mount.ts';

/** Creates a new, empty network namespace (netavark brings its loopback up); returns its path. */
export async function createNetns(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = path.join(dir, `netns-${randomUuid()}`);
  fs.writeFileSync(file, '', { mode: 0o644 });
  try {
    await runProgram('unshare', [`--net=${file}`, 'true'], { debianPackage: 'util-linux' });
  } catch (err) {
    removeNetns(file);
    throw err;
  }
  return file;
}

/** Unmounts and deletes a namespace file; a missing one is not an error. */
export function removeNetns(file: string): void {
  try {
    umount2(file, MNT_DETACH);
  } catch {
    // not mounted (already torn down, or the bind mount never happened)
  }
  fs.rmSync(file, { force: true });
}
