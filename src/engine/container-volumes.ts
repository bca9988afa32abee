/**
 * Volumes a container mounts: named ones are created on first use under
 * `<root>/volumes/<name>/_data` (and recorded in the `volumes` table), anonymous ones are
 * named by create and removed with the container (`rm -v`, `--rm`). A new, empty volume
 * is filled with what the image has at the mount point, unless `nocopy`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { resolveInRoot } from '../domain/containers/spec/resolve-user.ts';
import type { ContainerEngine } from './container-engine.ts';

function volumeDir(ce: ContainerEngine, name: string): string {
  return path.join(ce.engine.store.paths.volumes, name, '_data');
}

/** Copies a directory tree keeping owners, modes and times; symlinks stay links. */
function copyTree(src: string, dst: string): void {
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dst, entry.name);
    const st = fs.lstatSync(from);
    if (entry.isDirectory()) {
      fs.mkdirSync(to, { mode: st.mode & 0o7777 });
      copyTree(from, to);
    } else if (entry.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
    } else if (entry.isFile()) {
      fs.copyFileSync(from, to);
    } else {
      continue;
    }
    fs.lchownSync(to, st.uid, st.gid);
    if (!entry.isSymbolicLink()) {
      fs.chmodSync(to, st.mode & 0o7777);
      fs.utimesSync(to, st.atime, st.mtime);
    }
  }
}

/** Creates the volume when it does not exist; returns its directory and whether it is new. */
function ensureVolume(ce: ContainerEngine, name: string, anonymous: boolean): { dir: string; created: boolean } {
  const db = ce.engine.store.db;
  const dir = volumeDir(ce, name);
  const created = db.write(() => {
    if (db.get('SELECT name FROM volumes WHERE name = ?', name)) return false;
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const config = { Name: name, Driver: 'local', Mountpoint: dir, Labels: {}, Options: {}, Anonymous: anonymous };
    db.run('INSERT INTO volumes (name, created, config) VALUES (?, ?, ?)', name, Date.now(), JSON.stringify(config));
    return true;
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return { dir, created };
}

/** Host directories of the config's volume mounts, by destination (the rootfs is mounted). */
export function volumePathsFor(ce: ContainerEngine, config: ContainerConfig, rootfs: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of config.mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    const { dir, created } = ensureVolume(ce, m.name, config.anonymousVolumes.includes(m.name));
    // Within the container's root: an image symlink must not lead the copy out to the host.
    const inImage = resolveInRoot(rootfs, m.destination);
    if (created && !m.options.includes('nocopy') && fs.existsSync(inImage) && fs.statSync(inImage).isDirectory() && fs.readdirSync(dir).length === 0) {
      copyTree(inImage, dir);
    }
    out.set(m.destination, dir);
  }
  return out;
}

/** Removes anonymous volumes no other container uses. */
export function removeAnonymousVolumes(ce: ContainerEngine, config: ContainerConfig): void {
  const db = ce.engine.store.db;
  for (const name of config.anonymousVolumes) {
    const inUse = ce.list().some((r) => r.config.id !== config.id && r.config.mounts.some((m) => m.name === name));
    if (inUse) continue;
    db.write(() => db.run('DELETE FROM volumes WHERE name = ?', name));
    fs.rmSync(path.join(ce.engine.store.paths.volumes, name), { recursive: true, force: true });
  }
}
