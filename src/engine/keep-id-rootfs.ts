/**
 * The lower layers of a container with its own user namespace mappings (`--uidmap`,
 * `--userns=auto|keep-id|nomap`): the image's files must show their owners moved by the
 * mapping. For root, each layer is idmapped (infra/rootless/idmap-mount.ts), as Podman does;
 * where that is impossible (rootless, older kernels) the lower layer is a copy of the image
 * with every owner moved, made once per image and mapping under the top layer's directory
 * (`overlay/<layer>/mapped/<key>`) and shared by every container with that mapping. The
 * container's upper directory, its root, is owned by the container's root.
 */
import { sha256Hex } from '../infra/storage/ids.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { formatIdMapping, toContainer, toHost, type IdMappings } from '../domain/containers/userns-mappings.ts';
import { parseUsernsFlags } from '../domain/containers/userns-options.ts';
import { idmapUnsupported, idmappedBind } from '../infra/rootless/idmap-mount.ts';
import { openMappedUserNamespace } from '../infra/rootless/idmap-userns.ts';
import { copyShifted } from '../infra/rootless/idmap-owners.ts';
import { addUserEntries, hostUser, keepIdMappings, namespaceIdentity, type PasswdUser } from '../infra/rootless/keep-id.ts';
import { mountOverlay, unmount, unmountBelow } from '../infra/storage/overlay.ts';
import type { OwnerMap } from '../infra/storage/layer/tar-dir.ts';
import type { LayerRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';

/** The container's mappings: as recorded at create, or (containers made before they were recorded) keep-id's. */
export function containerIdMappings(config: { idMappings?: IdMappings | undefined; namespaces: { user: string } }): IdMappings | undefined {
  if (config.idMappings) return config.idMappings;
  if (!config.namespaces.user.startsWith('keep-id')) return undefined;
  const ident = namespaceIdentity();
  return { uidMap: keepIdMappings(ident.uid, ident.uidCount), gidMap: keepIdMappings(ident.gid, ident.gidCount) };
}

/**
 * Host-side owners back to the container's ids, for archives of its files (commit, export):
 * its upper directory holds host ids. An id the mapping cannot show becomes nobody (65534),
 * as the container sees it. Undefined for a container without its own mappings.
 */
export function containerOwnerMap(config: Pick<ContainerConfig, 'idMappings' | 'namespaces'>): OwnerMap | undefined {
  const maps = containerIdMappings(config);
  if (!maps) return undefined;
  return (uid, gid) => ({ uid: toContainer(uid, maps.uidMap) ?? 65534, gid: toContainer(gid, maps.gidMap) ?? 65534 });
}

/** `--userns=keep-id[:uid=,gid=]`: the user's passwd entry for the container (undefined for other modes). */
export function keepIdUser(userns: string): PasswdUser | undefined {
  if (!userns.startsWith('keep-id')) return undefined;
  const req = parseUsernsFlags({ userns }, true);
  const ident = namespaceIdentity();
  const uid = req.kind === 'keep-id' && req.uid !== undefined ? req.uid : ident.uid;
  const gid = req.kind === 'keep-id' && req.gid !== undefined ? req.gid : ident.gid;
  return { ...hostUser(ident.uid, ident.gid), uid, gid };
}

/** An image's layers as the mounts need them. */
interface ImageLayers {
  layersDir: string;
  /** top first: link name and directory (overlay/<id>) */
  layers: readonly { link: string; dir: string }[];
  mountProgram: string | undefined;
}

function imageLayers(store: Store, chain: readonly LayerRecord[]): ImageLayers {
  return { layersDir: store.paths.layers, layers: chain.map((l) => ({ link: l.link, dir: store.paths.layerDir(l.id) })).reverse(), mountProgram: store.mountProgram };
}

/** What mountOverlay() takes as the container's lower layers. */
export interface MappedLower {
  lowerDirs?: string[];
  lowerRoot?: string;
}

/**
 * The lower layers of a container of the store with its own mappings (nothing for others),
 * its upper directory handed to its root. `chain` is the image's, bottom first.
 */
export function containerMappedLower(store: Store, config: Pick<ContainerConfig, 'idMappings' | 'namespaces'>, chain: readonly LayerRecord[], containerDir: string, rootless: boolean): MappedLower {
  const maps = containerIdMappings(config);
  if (!maps) return {};
  letContainerRootPass(store.paths.runRoot);
  fs.chownSync(path.join(containerDir, 'diff'), toHost(0, maps.uidMap) ?? 0, toHost(0, maps.gidMap) ?? 0);
  const image = imageLayers(store, chain);
  if (image.layers.length === 0) return {};
  const user = keepIdUser(config.namespaces.user);
  if (!rootless && !user) {
    const dirs = idmappedLayers(image, maps, containerDir);
    if (dirs) return { lowerDirs: dirs, lowerRoot: containerDir };
  }
  return { lowerDirs: [shiftedCopy(image, maps, user, rootless)] };
}

/**
 * Makes the re-owned copy a rootless container will use, at create: an image with owners
 * the mapping cannot show fails there, as containers/storage's mapped layer does.
 */
export function prepareShiftedCopy(store: Store, config: Pick<ContainerConfig, 'idMappings' | 'namespaces'>, topLayer: string | undefined): void {
  const maps = containerIdMappings(config);
  const image = imageLayers(store, store.layers.chain(topLayer));
  if (maps && image.layers.length > 0) shiftedCopy(image, maps, keepIdUser(config.namespaces.user), true);
}

/**
 * The runtime reaches the mount point (under the run root) as the container's root, an id
 * that owns none of the directories on the way: the run root and the caller's own
 * directories above it (a rootless user's XDG_RUNTIME_DIR, a private temp directory) must
 * let others pass. Only search permission is added (0711, as Podman makes its run root).
 */
function letContainerRootPass(runRoot: string): void {
  const me = process.getuid!();
  for (let dir = path.resolve(runRoot); dir !== '/'; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    if (st.uid !== me) return;
    if ((st.mode & 0o011) !== 0o011) fs.chmodSync(dir, (st.mode & 0o7777) | 0o011);
  }
}

/** Each layer idmapped under `<container>/idmapped/N`; undefined where the kernel cannot. */
function idmappedLayers(image: ImageLayers, maps: IdMappings, containerDir: string): string[] | undefined {
  const root = path.join(containerDir, 'idmapped');
  unmountBelow(root);
  let ns: number | undefined;
  try {
    ns = openMappedUserNamespace(maps);
    return image.layers.map((layer, n) => {
      idmappedBind(path.join(layer.dir, 'diff'), path.join(root, String(n)), ns!);
      return `idmapped/${n}`;
    });
  } catch (err) {
    unmountBelow(root);
    if (idmapUnsupported(err)) return undefined;
    throw err;
  } finally {
    if (ns !== undefined) fs.closeSync(ns);
  }
}

/** The image copied with owners moved, shared by containers with the same mapping (and keep-id user). */
function shiftedCopy(image: ImageLayers, maps: IdMappings, user: PasswdUser | undefined, rootless: boolean): string {
  const key = sha256Hex(JSON.stringify([maps, user ?? null])).slice(0, 16);
  const dir = path.join(image.layers[0]!.dir, 'mapped', key);
  if (fs.existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  const mounted = `${staging}-image`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o755 });
  try {
    const options = rootless ? ['userxattr'] : [];
    mountOverlay({ layersDir: image.layersDir, lowerLinks: image.layers.map((l) => l.link), target: mounted, options, mountProgram: image.mountProgram });
    try {
      const describe = `uids ${maps.uidMap.map(formatIdMapping).join(',')}, gids ${maps.gidMap.map(formatIdMapping).join(',')}`;
      copyShifted(mounted, staging, (id) => toHost(id, maps.uidMap), (id) => toHost(id, maps.gidMap), describe);
      if (user) addUserEntries(staging, user);
    } finally {
      unmount(mounted);
      fs.rmSync(mounted, { recursive: true, force: true });
    }
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another container with the same mapping finished the copy first: use theirs.
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(dir)) return dir;
    throw err;
  }
  return dir;
}
