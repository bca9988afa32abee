/**
 * User namespaces in a container's spec input. Rootless: /sys is bound rather than mounted
 * where sysfs would be refused; without delegated cgroups there is no cgroup at all (the
 * runtime could not create one), so limits are dropped with a warning. For root and
 * rootless alike, a container with its own mappings (`--uidmap`, `--userns=auto|keep-id|
 * nomap`, decided at create by {@link setupUserNamespace}) gets a user namespace with them,
 * and `--userns=ns:PATH` or `container:NAME` (with that container's mappings) joins one.
 * Containers without any of these pay one string test.
 */
import type { ContainerCreateOptions } from '../domain/containers/create-options.ts';
import type { ContainerConfig } from '../domain/containers/model.ts';
import type { SpecInput } from '../domain/containers/spec/spec-input.ts';
import type { IdMappings } from '../domain/containers/userns-mappings.ts';
import type { UsernsContext } from '../domain/containers/userns-resolve.ts';
import { InvalidArgumentError } from '../define/errors.ts';
import { isRootless } from '../infra/config/paths.ts';
import type { ImageRecord } from '../infra/storage/records.ts';
import type { Store } from '../infra/storage/store.ts';
import type { ContainerEngine } from './container-engine.ts';

export const rootlessLimitsWarning = 'Resource limits are not supported and ignored on cgroups V1 rootless systems';

export interface RootlessSpecAdjustment {
  input: SpecInput;
  warnings: string[];
}

export interface RootlessSpecOptions {
  /** --pids-limit was given (the containers.conf default alone is dropped silently) */
  explicitPidsLimit?: boolean;
  /** the container's --userns value ('' for the default) */
  userns: string;
  /** the container's --user value ('' for the image's) */
  user: string;
  /** the container's own mappings, as create recorded them */
  idMappings?: IdMappings | undefined;
  /** at start: `container:ID` to the running container's namespace (`ns:PATH`); create checks with the mappings */
  resolveNamespace?: ((value: string, type: 'user') => string) | undefined;
}

export async function adjustForRootless(input: SpecInput, opts: RootlessSpecOptions): Promise<RootlessSpecAdjustment> {
  if (opts.idMappings || (opts.userns !== '' && opts.userns !== 'host')) input = await withUserNamespace(input, opts);
  if (!isRootless()) return { input, warnings: [] };
  input = { ...input, inUserNamespace: true };
  if (input.cgroups === 'disabled') return { input, warnings: [] };
  const { cgroupsDelegated } = await import('../infra/rootless/cgroups.ts');
  if (cgroupsDelegated()) return { input, warnings: [] };
  const { pidsLimit, ...others } = input.resources ?? {};
  const limits = Object.values(others).some((v) => v !== undefined && v !== false) || (opts.explicitPidsLimit === true && pidsLimit !== undefined);
  return { input: { ...input, cgroups: 'disabled' }, warnings: limits ? [rootlessLimitsWarning] : [] };
}

/** The container's own user namespace; with keep-id and no --user, the user's ids and home. */
async function withUserNamespace(input: SpecInput, opts: RootlessSpecOptions): Promise<SpecInput> {
  const fromContainer = opts.userns.startsWith('container:');
  // A container without mappings of its own is in the caller's namespace: nothing to join.
  if (fromContainer && !opts.idMappings) return input;
  const joined = fromContainer && opts.resolveNamespace ? opts.resolveNamespace(opts.userns, 'user') : opts.userns;
  if (joined.startsWith('ns:')) return { ...input, namespaces: { ...input.namespaces, user: { path: joined.slice(3) } } };
  const { containerIdMappings, keepIdUser } = await import('./keep-id-rootfs.ts');
  const maps = containerIdMappings({ idMappings: opts.idMappings, namespaces: { user: opts.userns } });
  if (!maps) return input;
  const namespaces = { ...input.namespaces, user: { uidMappings: maps.uidMap, gidMappings: maps.gidMap } };
  const keep = opts.user === '' ? keepIdUser(opts.userns) : undefined;
  if (!keep) return { ...input, namespaces };
  return { ...input, namespaces, user: { ...input.user, uid: keep.uid, gid: keep.gid, additionalGids: [], home: keep.home } };
}

/** Whether create must look at the user namespace flags at all (cheap, no module loads). */
export function asksForUserNamespace(opts: ContainerCreateOptions): boolean {
  return (!!opts.userns && opts.userns !== 'host') || !!opts.uidmap?.length || !!opts.gidmap?.length || !!opts.subuidname || !!opts.subgidname;
}

/**
 * `create`: checks `--userns`, `--uidmap`, `--gidmap`, `--subuidname` and `--subgidname` as
 * Podman does and records the container's mappings in `config.idMappings` (and the host
 * ranges they take in the store, so `--userns=auto` containers never overlap).
 */
export async function setupUserNamespace(ce: ContainerEngine, config: ContainerConfig, opts: ContainerCreateOptions, img: ImageRecord): Promise<void> {
  const { parseUsernsFlags } = await import('../domain/containers/userns-options.ts');
  const { resolveUsernsMappings } = await import('../domain/containers/userns-resolve.ts');
  const rootless = isRootless();
  const req = parseUsernsFlags(opts, rootless);
  const store = ce.engine.store;
  if (req.kind === 'container') return joinContainerUserns(ce, config, req.container, img);
  const auto = req.kind === 'auto' ? await autoSettings(store, img) : undefined;
  const maps = resolveUsernsMappings(req, { rootless, db: store.db, containerId: config.id, warn: ce.engine.options.warn, imageIdSize: () => 0, ...auto });
  if (!maps) return;
  config.idMappings = maps;
  if (rootless) (await import('./keep-id-rootfs.ts')).prepareShiftedCopy(store, config, img.topLayer);
}

/**
 * `--userns=container:NAME`: the other container's namespace (joined at start, when it must
 * be running) and its mappings, so the root file system is owned as its is.
 */
async function joinContainerUserns(ce: ContainerEngine, config: ContainerConfig, nameOrId: string, img: ImageRecord): Promise<void> {
  const { containerIdMappings, prepareShiftedCopy } = await import('./keep-id-rootfs.ts');
  let target;
  try {
    target = ce.lookup(nameOrId);
  } catch (err) {
    throw new InvalidArgumentError(`looking up container to share user namespace with: ${(err as Error).message}`);
  }
  config.namespaces.user = `container:${target.config.id}`;
  const maps = containerIdMappings(target.config);
  if (!maps) return;
  config.idMappings = maps;
  if (isRootless()) prepareShiftedCopy(ce.engine.store, config, img.topLayer);
}

/**
 * storage.conf's settings for `auto`, and containers/storage's size estimate: the highest id
 * owning a file of the image or named in its /etc/passwd or /etc/group, +1.
 */
async function autoSettings(s: Store, img: ImageRecord): Promise<Pick<UsernsContext, 'autoUser' | 'autoMinSize' | 'autoMaxSize' | 'imageIdSize'>> {
  const { loadStorageConf } = await import('../infra/config/storage-conf.ts');
  const { ownerIdSize } = await import('../infra/rootless/idmap-owners.ts');
  const { passwdFilesSize } = await import('../domain/containers/userns-mappings.ts');
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const options = loadStorageConf().options;
  const dirs = s.layers.chain(img.topLayer).map((l) => s.paths.layerDiff(l.id)).reverse();
  const read = (rel: string) => {
    for (const dir of dirs) {
      try {
        return readFileSync(`${dir}/${rel}`, 'utf8');
      } catch {
        // not in this layer
      }
    }
    return '';
  };
  return {
    autoUser: options.rootAutoUsernsUser,
    autoMinSize: options.autoUsernsMinSize,
    autoMaxSize: options.autoUsernsMaxSize,
    imageIdSize: () => Math.max(ownerIdSize(dirs), passwdFilesSize(read('etc/passwd'), read('etc/group'))),
  };
}
