/**
 * storage.conf (containers-storage.conf(5)) for skiff's image and container store.
 *
 * skiff keeps its own store, in its own layout, next to Podman's on the same host. A
 * storage.conf at Podman's locations describes Podman's store: any graphroot, runroot,
 * rootless_storage_path or image store in it is, by construction, where Podman keeps its
 * data, and skiff writing its layout there would corrupt both. So:
 *
 * - `CONTAINERS_STORAGE_CONF` names the only file read, and every key in it is honoured:
 *   setting it is an explicit choice for this process (it is meant for testing, as Podman's
 *   man page says).
 * - Otherwise, from the storage.conf Podman would use (the first existing of, for rootless,
 *   $XDG_CONFIG_HOME/containers/storage.conf, then /etc/containers/storage.conf, then
 *   /usr/share/containers/storage.conf) skiff takes only `driver` and `[storage.options]`
 *   (mount program, mount options, chown handling, …): how to store on this host, not where.
 * - skiff's own files then apply key by key on top, with every key honoured:
 *   /etc/skiff/storage.conf (for rootless users only its rootless_storage_path, driver and
 *   options, as containers/storage treats the system file), then for rootless
 *   $XDG_CONFIG_HOME/skiff/storage.conf. Same format as storage.conf.
 *
 * Defaults: driver "overlay"; graphroot /var/lib/skiff (root) or $XDG_DATA_HOME/skiff
 * (rootless); runroot /run/skiff (root) or $XDG_RUNTIME_DIR/skiff, falling back to
 * /tmp/skiff-run-$UID when XDG_RUNTIME_DIR is unset. Paths may use $UID, $HOME, $USER and
 * other environment variables.
 */
import { isAbsolute, join } from 'node:path';
import { configContext, storageConfPaths } from './paths.ts';
import type { ConfigContext, ConfigOptions } from './paths.ts';
import { readTomlFile } from './toml-file.ts';
import type { TomlSection } from './toml-file.ts';

export interface StorageOptions {
  /** e.g. /usr/bin/fuse-overlayfs */
  mountProgram?: string;
  /** Comma-separated mount options for layer mounts. */
  mountOpt?: string;
  ignoreChownErrors?: boolean;
  /** "shared", "private" or an octal mask. */
  forceMask?: string;
  /** Quota of a container's read/write layer. */
  size?: string;
  skipMountHome?: boolean;
  remapUids?: string;
  remapGids?: string;
  remapUser?: string;
  remapGroup?: string;
  rootAutoUsernsUser?: string;
  autoUsernsMinSize?: number;
  autoUsernsMaxSize?: number;
  disableVolatile?: boolean;
  /** `pull_options`, as written (enable_partial_images, use_hard_links, …). */
  pullOptions?: Record<string, string>;
}

export interface StorageConf {
  driver: string;
  graphroot: string;
  runroot: string;
  /** The rootless_storage_path that was honoured, if any (before expansion). */
  rootlessStoragePath?: string;
  transientStore: boolean;
  options: StorageOptions;
  /** Additional read-only image stores. */
  imageStores: string[];
  /** The files that were read, in order. */
  files: string[];
}

/** What a file may set; see the module comment. */
interface Honour {
  roots: boolean;
  rootlessStoragePath: boolean;
}

const drivers = ['overlay', 'vfs', 'btrfs', 'zfs', 'devmapper', 'aufs'];
const rootlessDrivers = ['overlay', 'vfs', 'btrfs'];

export function loadStorageConf(opts: ConfigOptions = {}): StorageConf {
  const ctx = configContext(opts);
  const paths = storageConfPaths(opts);
  const layers: [string, Honour][] = [];
  if (paths.explicit) {
    layers.push([paths.explicit, { roots: true, rootlessStoragePath: true }]);
  } else {
    if (paths.podman) layers.push([paths.podman, { roots: false, rootlessStoragePath: false }]);
    if (paths.skiffSystem) layers.push([paths.skiffSystem, { roots: !ctx.rootless, rootlessStoragePath: true }]);
    if (paths.skiffUser) layers.push([paths.skiffUser, { roots: true, rootlessStoragePath: true }]);
  }

  const found: Partial<StorageConf> & { options: StorageOptions; files: string[] } = { options: {}, files: [] };
  for (const [path, honour] of layers) {
    const file = readTomlFile(path);
    if (!file) continue;
    applyFile(found, file, honour, ctx);
    found.files.push(path);
  }

  let driver = found.driver || 'overlay';
  if (ctx.rootless && !rootlessDrivers.includes(driver)) driver = 'overlay';
  const rootlessPath = found.rootlessStoragePath ? expandPath(found.rootlessStoragePath, ctx) : undefined;
  const useRootlessPath = ctx.rootless && found.graphroot === undefined && rootlessPath !== undefined;
  const conf: StorageConf = {
    driver,
    graphroot: found.graphroot ?? (ctx.rootless ? (rootlessPath ?? join(ctx.dataHome, 'skiff')) : '/var/lib/skiff'),
    runroot: found.runroot ?? (ctx.rootless ? rootlessRunRoot(ctx) : '/run/skiff'),
    transientStore: found.transientStore ?? false,
    options: found.options,
    imageStores: found.imageStores ?? [],
    files: found.files,
  };
  if (useRootlessPath) conf.rootlessStoragePath = found.rootlessStoragePath;
  return conf;
}

function rootlessRunRoot(ctx: ConfigContext): string {
  const runtimeDir = ctx.env.XDG_RUNTIME_DIR;
  return runtimeDir ? join(runtimeDir, 'skiff') : `/tmp/skiff-run-${ctx.uid}`;
}

/** `$UID`, `$HOME`, `$USER` and other `$VAR`/`${VAR}` references; unknown ones become empty, as Go's os.ExpandEnv. */
export function expandPath(path: string, ctx: ConfigContext): string {
  return path.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (name === 'UID') return String(ctx.uid);
    if (name === 'HOME') return ctx.home;
    return ctx.env[name] ?? '';
  });
}

function applyFile(
  found: Partial<StorageConf> & { options: StorageOptions },
  file: TomlSection,
  honour: Honour,
  ctx: ConfigContext,
): void {
  const storage = file.table('storage');
  if (!storage) return;
  const driver = storage.string('driver');
  if (driver) {
    if (!drivers.includes(driver)) throw storage.error('driver', `unknown storage driver ${JSON.stringify(driver)}`);
    found.driver = driver;
  }
  if (honour.roots) {
    for (const key of ['graphroot', 'runroot'] as const) {
      const raw = storage.string(key);
      if (!raw) continue;
      const path = expandPath(raw, ctx);
      if (!isAbsolute(path)) throw storage.error(key, `${JSON.stringify(raw)} is not an absolute path`);
      found[key] = path;
    }
    const transient = storage.boolOrString('transient_store');
    if (transient !== undefined) found.transientStore = transient;
  }
  if (honour.rootlessStoragePath) {
    const raw = storage.string('rootless_storage_path');
    if (raw) {
      if (!isAbsolute(expandPath(raw, ctx))) {
        throw storage.error('rootless_storage_path', `${JSON.stringify(raw)} is not an absolute path`);
      }
      found.rootlessStoragePath = raw;
    }
  }
  const options = storage.table('options');
  if (!options) return;
  if (honour.roots) {
    const stores = options.strings('additionalimagestores');
    if (stores) found.imageStores = stores;
  }
  applyOptions(found.options, options);
  // Driver-specific settings win over the deprecated ones directly in [storage.options].
  const specific = options.table(found.driver ?? 'overlay');
  if (specific) applyOptions(found.options, specific);
}

function applyOptions(out: StorageOptions, t: TomlSection): void {
  const set = <K extends keyof StorageOptions>(key: K, value: StorageOptions[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('mountProgram', t.string('mount_program'));
  set('mountOpt', t.string('mountopt'));
  set('ignoreChownErrors', t.boolOrString('ignore_chown_errors'));
  set('forceMask', t.string('force_mask'));
  set('size', t.string('size'));
  set('skipMountHome', t.boolOrString('skip_mount_home'));
  set('remapUids', t.string('remap-uids'));
  set('remapGids', t.string('remap-gids'));
  set('remapUser', t.string('remap-user'));
  set('remapGroup', t.string('remap-group'));
  set('rootAutoUsernsUser', t.string('root-auto-userns-user'));
  set('autoUsernsMinSize', t.int('auto-userns-min-size'));
  set('autoUsernsMaxSize', t.int('auto-userns-max-size'));
  set('disableVolatile', t.boolOrString('disable-volatile'));
  const pull = t.table('pull_options');
  if (pull) {
    const values: Record<string, string> = {};
    for (const key of pull.keys()) {
      const v = pull.data[key];
      values[key] = typeof v === 'boolean' ? String(v) : pull.string(key)!;
    }
    out.pullOptions = { ...out.pullOptions, ...values };
  }
}
