/**
 * Where the containers configuration files live, in the order Podman 4.3 reads them.
 *
 * Every function takes {@link ConfigOptions} so callers (and tests) can substitute the
 * environment, the rootless decision and the root of the system-wide paths; nothing here
 * reads more than the files and `.d` directories it names.
 */
import { readdirSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../define/errors.ts';

/**
 * Set by the rootless layer when it re-executes skiff inside the user namespace, where the
 * effective uid is 0 but the user is still unprivileged (the names Podman uses).
 */
export const USERNS_CONFIGURED_ENV = '_CONTAINERS_USERNS_CONFIGURED';
/** The caller's uid on the host, set alongside {@link USERNS_CONFIGURED_ENV}. */
export const ROOTLESS_UID_ENV = '_CONTAINERS_ROOTLESS_UID';

export interface ConfigOptions {
  /** Environment to read (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Overrides {@link isRootless}. */
  rootless?: boolean;
  /**
   * Prefix for the system-wide paths (/usr/share, /etc, /var/cache), as containers/image's
   * RootForImplicitAbsolutePaths; tests point it at a temp dir.
   */
  systemRoot?: string;
}

/** The options with every default filled in. */
export interface ConfigContext {
  env: NodeJS.ProcessEnv;
  rootless: boolean;
  /** The user's uid on the host (not 0 inside the rootless user namespace). */
  uid: number;
  home: string;
  /** $XDG_CONFIG_HOME, default ~/.config */
  configHome: string;
  /** $XDG_DATA_HOME, default ~/.local/share */
  dataHome: string;
  /** $XDG_CACHE_HOME, default ~/.cache */
  cacheHome: string;
  /** A system-wide absolute path, under `systemRoot` when one is set. */
  system(path: string): string;
}

/** True unless running as real root (inside skiff's own user namespace counts as rootless). */
export function isRootless(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.geteuid!() !== 0 || Boolean(env[USERNS_CONFIGURED_ENV]);
}

export function configContext(opts: ConfigOptions = {}): ConfigContext {
  const env = opts.env ?? process.env;
  const rootless = opts.rootless ?? isRootless(env);
  const fromEnv = Number.parseInt(env[ROOTLESS_UID_ENV] ?? '', 10);
  const uid = Number.isInteger(fromEnv) ? fromEnv : process.getuid!();
  const home = env.HOME || homedir() || userInfo().homedir;
  const root = opts.systemRoot;
  return {
    env,
    rootless,
    uid,
    home,
    configHome: env.XDG_CONFIG_HOME || join(home, '.config'),
    dataHome: env.XDG_DATA_HOME || join(home, '.local/share'),
    cacheHome: env.XDG_CACHE_HOME || join(home, '.cache'),
    system: (path) => (root ? join(root, path) : path),
  };
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The `*.conf` files directly in `dir`, in byte order (Go's sort.Strings); sub-directories
 * and other names are ignored, a missing directory gives none.
 */
export function dropInFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new ConfigError(`reading ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return entries
    .filter((e) => e.name.endsWith('.conf') && (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))))
    .map((e) => e.name)
    .sort(byteOrder)
    .map((name) => join(dir, name));
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mustExist(path: string, variable: string): string {
  if (!isFile(path)) throw new ConfigError(`${variable} file: stat ${path}: no such file or directory`);
  return path;
}

/**
 * containers.conf files to read, lowest precedence first, existing ones only:
 * /usr/share/containers/containers.conf, /etc/containers/containers.conf, its `.d`, then
 * for rootless $XDG_CONFIG_HOME/containers/containers.conf and its `.d`. `CONTAINERS_CONF`
 * replaces the whole list; `CONTAINERS_CONF_OVERRIDE` is read last in either case. Both
 * variables must name existing files.
 */
export function containersConfPaths(opts: ConfigOptions = {}): string[] {
  const ctx = configContext(opts);
  const files: string[] = [];
  const explicit = ctx.env.CONTAINERS_CONF;
  if (explicit) {
    files.push(mustExist(explicit, 'CONTAINERS_CONF'));
  } else {
    const share = ctx.system('/usr/share/containers/containers.conf');
    const etc = ctx.system('/etc/containers/containers.conf');
    for (const f of [share, etc]) if (isFile(f)) files.push(f);
    files.push(...dropInFiles(`${etc}.d`));
    if (ctx.rootless) {
      const user = join(ctx.configHome, 'containers/containers.conf');
      if (isFile(user)) files.push(user);
      files.push(...dropInFiles(`${user}.d`));
    }
  }
  const override = ctx.env.CONTAINERS_CONF_OVERRIDE;
  if (override) files.push(mustExist(override, 'CONTAINERS_CONF_OVERRIDE'));
  return files;
}

/** Which storage.conf applies, and how much of it skiff honours (see storage-conf.ts). */
export interface StorageConfPaths {
  /** `CONTAINERS_STORAGE_CONF`, whether or not the file exists. */
  explicit?: string;
  /** The storage.conf Podman would read (first existing one), when not explicit. */
  podman?: string;
  /** /etc/skiff/storage.conf, if it exists. */
  skiffSystem?: string;
  /** Rootless only: $XDG_CONFIG_HOME/skiff/storage.conf, if it exists. */
  skiffUser?: string;
}

/**
 * storage.conf candidates. As containers/storage, only one Podman file applies: for rootless
 * $XDG_CONFIG_HOME/containers/storage.conf, else /etc/containers/storage.conf, else
 * /usr/share/containers/storage.conf; for root the last two. skiff's own files are
 * /etc/skiff/storage.conf and, rootless, $XDG_CONFIG_HOME/skiff/storage.conf.
 */
export function storageConfPaths(opts: ConfigOptions = {}): StorageConfPaths {
  const ctx = configContext(opts);
  const explicit = ctx.env.CONTAINERS_STORAGE_CONF;
  if (explicit) return { explicit };
  const candidates = [ctx.system('/etc/containers/storage.conf'), ctx.system('/usr/share/containers/storage.conf')];
  if (ctx.rootless) candidates.unshift(join(ctx.configHome, 'containers/storage.conf'));
  const paths: StorageConfPaths = {};
  const podman = candidates.find(isFile);
  if (podman) paths.podman = podman;
  const skiffSystem = ctx.system('/etc/skiff/storage.conf');
  if (isFile(skiffSystem)) paths.skiffSystem = skiffSystem;
  const skiffUser = join(ctx.configHome, 'skiff/storage.conf');
  if (ctx.rootless && isFile(skiffUser)) paths.skiffUser = skiffUser;
  return paths;
}

export interface RegistriesConfPaths {
  /** The main file; it may not exist (then only the drop-ins count). */
  main: string;
  /** Whether `main` came from `CONTAINERS_REGISTRIES_CONF` (then it must exist). */
  explicit: boolean;
  /** Existing drop-ins in load order. */
  dropIns: string[];
  /** Machine-written short-name aliases, which win over every registries.conf. */
  shortNameAliases: string;
}

/**
 * registries.conf files as containers/image reads them: `CONTAINERS_REGISTRIES_CONF`, else
 * ~/.config/containers/registries.conf if it exists (for any user, as containers/image),
 * else /etc/containers/registries.conf. Drop-ins: /etc/containers/registries.conf.d then
 * ~/.config/containers/registries.conf.d, except that a per-user main file brings only
 * the per-user directory.
 */
export function registriesConfPaths(opts: ConfigOptions = {}): RegistriesConfPaths {
  const ctx = configContext(opts);
  const userFile = join(ctx.home, '.config/containers/registries.conf');
  const userDir = `${userFile}.d`;
  const systemDir = ctx.system('/etc/containers/registries.conf.d');
  const shortNameAliases = ctx.rootless
    ? join(ctx.cacheHome, 'containers/short-name-aliases.conf')
    : ctx.system('/var/cache/containers/short-name-aliases.conf');
  const explicit = ctx.env.CONTAINERS_REGISTRIES_CONF;
  if (!explicit && isFile(userFile)) {
    return { main: userFile, explicit: false, dropIns: dropInFiles(userDir), shortNameAliases };
  }
  return {
    main: explicit || ctx.system('/etc/containers/registries.conf'),
    explicit: Boolean(explicit),
    dropIns: [...dropInFiles(systemDir), ...dropInFiles(userDir)],
    shortNameAliases,
  };
}

/**
 * policy.json: `signaturePolicy` (--signature-policy) if given, else
 * ~/.config/containers/policy.json if it exists, else /etc/containers/policy.json.
 */
export function policyPath(opts: ConfigOptions & { signaturePolicy?: string } = {}): string {
  if (opts.signaturePolicy) return opts.signaturePolicy;
  const ctx = configContext(opts);
  const user = join(ctx.home, '.config/containers/policy.json');
  return isFile(user) ? user : ctx.system('/etc/containers/policy.json');
}
