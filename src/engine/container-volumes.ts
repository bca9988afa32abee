/**
 * Volumes a container mounts: named ones are created on first use under
 * `<root>/volumes/<name>/_data` (and recorded in the `volumes` table), anonymous ones are
 * named by create and removed with the container (`rm -v`, `--rm`). As in Podman, the first
 * container to use a volume fills it with what the image has at the mount point when it is
 * empty (unless `nocopy`), and gives it that directory's owner, mode and times (else the
 * container user's ids); a volume made with `type`/`device` options is mounted while
 * containers use it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { liveStates, type ContainerConfig } from '../domain/containers/model.ts';
import { resolveInRoot, resolveUser } from '../domain/containers/spec/resolve-user.ts';
import { isMountVolume, usesVolume, volumeMountData, type VolumeConfig } from '../domain/volumes/volume.ts';
import { isMounted } from '../infra/storage/overlay.ts';
import { MNT_DETACH, umount2 } from '../infra/sys/mount.ts';
import { runProgram } from '../infra/sys/process.ts';
import type { MountInput, SpecInput } from '../domain/containers/spec/spec-input.ts';
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

/** The volume, created when it does not exist yet. */
function ensureVolume(ce: ContainerEngine, name: string, anonymous: boolean): VolumeConfig {
  const db = ce.engine.store.db;
  const dir = volumeDir(ce, name);
  const config = db.write(() => {
    const row = db.get<{ config: string }>('SELECT config FROM volumes WHERE name = ?', name);
    if (row) return JSON.parse(row.config) as VolumeConfig;
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const created: VolumeConfig = { Name: name, Driver: 'local', Mountpoint: dir, Labels: {}, Options: {}, Anonymous: anonymous, NeedsCopyUp: true, NeedsChown: true };
    db.run('INSERT INTO volumes (name, created, config) VALUES (?, ?, ?)', name, Date.now(), JSON.stringify(created));
    return created;
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return config;
}

/** Whether the container has a user namespace of its own (its ids are not the store's). */
function ownUserNamespace(config: ContainerConfig): boolean {
  const userns = config.namespaces.user;
  return (userns !== '' && userns !== 'host') || (config.idMappings?.uidMap?.length ?? 0) > 0;
}

/** Mounts a `type`/`device` volume unless it is mounted already (another container or `volume mount` has it). */
export async function mountVolume(config: VolumeConfig): Promise<void> {
  if (isMounted(config.Mountpoint)) return;
  const data = volumeMountData(config);
  const args = ['-t', config.Options['type'] ?? 'none', ...(data ? ['-o', data] : []), config.Options['device'] ?? 'none', config.Mountpoint];
  await runProgram('mount', args, { debianPackage: 'mount' });
}

/** Host directories of the config's volume mounts, by destination (the rootfs is mounted). */
export async function volumePathsFor(ce: ContainerEngine, config: ContainerConfig, rootfs: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of config.mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    const vol = ensureVolume(ce, m.name, config.anonymousVolumes.includes(m.name));
    const dir = vol.Mountpoint;
    if (isMountVolume(vol)) await mountVolume(vol);
    if (vol.NeedsCopyUp || vol.NeedsChown) firstUse(ce, vol, config, rootfs, m.destination, m.options.includes('nocopy'));
    out.set(m.destination, dir);
  }
  return out;
}

/** What the first container to use a volume does to it, then records as done. */
function firstUse(ce: ContainerEngine, vol: VolumeConfig, config: ContainerConfig, rootfs: string, destination: string, noCopy: boolean): void {
  const dir = vol.Mountpoint;
  // Within the container's root: an image symlink must not lead the copy out to the host.
  const inImage = resolveInRoot(rootfs, destination);
  const st = fs.statSync(inImage, { throwIfNoEntry: false });
  if (vol.NeedsChown) {
    if (st?.isDirectory()) {
      fs.chownSync(dir, st.uid, st.gid);
      fs.chmodSync(dir, st.mode & 0o7777);
      fs.utimesSync(dir, st.atime, st.mtime);
    } else if (!ownUserNamespace(config)) {
      const user = resolveUser(rootfs, config.user, config.groupAdd);
      fs.chownSync(dir, user.uid, user.gid);
    }
  }
  if (vol.NeedsCopyUp && !noCopy && st?.isDirectory() && fs.readdirSync(dir).length === 0) copyTree(inImage, dir);
  const done: VolumeConfig = { ...vol, NeedsCopyUp: false, NeedsChown: false };
  const db = ce.engine.store.db;
  db.write(() => db.run('UPDATE volumes SET config = ? WHERE name = ?', JSON.stringify(done), vol.Name));
}

/**
 * After the container stopped: a `type`/`device` volume no other live container uses is
 * unmounted.
 */
export function releaseVolumes(ce: ContainerEngine, config: ContainerConfig): void {
  const names = config.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name!);
  if (names.length === 0) return;
  const others = ce.list().filter((r) => r.config.id !== config.id && liveStates.includes(r.state.status));
  for (const name of names) {
    const row = ce.engine.store.db.get<{ config: string }>('SELECT config FROM volumes WHERE name = ?', name);
    if (!row) continue;
    const vol = JSON.parse(row.config) as VolumeConfig;
    if (!isMountVolume(vol) || vol.HostMounts || others.some((r) => usesVolume(r.config, name))) continue;
    if (isMounted(vol.Mountpoint)) umount2(vol.Mountpoint, MNT_DETACH);
  }
}

/** Removes anonymous volumes no other container uses. */
export function removeAnonymousVolumes(ce: ContainerEngine, config: ContainerConfig): void {
  const db = ce.engine.store.db;
  for (const name of config.anonymousVolumes) {
    const inUse = ce.list().some((r) => r.config.id !== config.id && usesVolume(r.config, name));
    if (inUse) continue;
    db.write(() => db.run('DELETE FROM volumes WHERE name = ?', name));
    fs.rmSync(path.join(ce.engine.store.paths.volumes, name), { recursive: true, force: true });
  }
}

/**
 * The container's `--secret`s on the way into its spec: `type=mount` ones as read-only files
 * under `<userdata>/secrets` (owner and mode as asked) bind-mounted at their targets,
 * `type=env` ones as variables. Written at every init, so a secret is read when the
 * container starts, never kept in its config.
 */
export function withSecrets(ce: ContainerEngine, config: ContainerConfig, input: SpecInput, userdata: string): SpecInput {
  const secrets = config.secrets ?? [];
  if (secrets.length === 0) return input;
  const dir = path.join(userdata, 'secrets');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { mode: 0o700 });
  const mounts: MountInput[] = [...(input.mounts ?? [])];
  const env: string[] = [...(input.env ?? [])];
  for (const s of secrets) {
    const data = ce.engine.secrets.data(s.ID);
    if (s.type === 'env') {
      env.push(`${s.target}=${data.toString('utf8')}`);
      continue;
    }
    const file = path.join(dir, s.ID);
    fs.writeFileSync(file, data, { mode: 0o600 });
    fs.chownSync(file, s.UID, s.GID);
    fs.chmodSync(file, s.Mode);
    mounts.push({ type: 'bind', source: file, destination: s.target, options: ['ro', 'nosuid', 'nodev', 'noexec'] });
  }
  return { ...input, mounts, env };
}
