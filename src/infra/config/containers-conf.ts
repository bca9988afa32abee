/**
 * containers.conf(5): the engine defaults Podman reads from /usr/share, /etc and the user's
 * config directory (see {@link containersConfPaths} for the order). Later files override
 * earlier ones key by key: tables merge, arrays replace, and the map tables
 * (`[engine.runtimes]`, `[engine.volume_plugins]`, …) merge by entry. Podman 4.3 has no
 * `append` array syntax, so neither does skiff. Unknown keys are ignored; a value of the
 * wrong type is an error naming the file, line and key.
 */
import { containersConfPaths, configContext } from './paths.ts';
import type { ConfigContext, ConfigOptions } from './paths.ts';
import { readTomlFile } from './toml-file.ts';
import type { TomlSection } from './toml-file.ts';
import { defaultContainersConf, probeHost } from './containers-conf-defaults.ts';
import type { HostFacts } from './containers-conf-defaults.ts';

export type { HostFacts } from './containers-conf-defaults.ts';

export interface SubnetPool {
  /** CIDR, e.g. 10.89.0.0/16 */
  base: string;
  /** Prefix length of the subnets carved out of `base`. */
  size: number;
}

export interface ServiceDestination {
  uri: string;
  identity: string;
}

/** `[containers]`: defaults for every container. */
export interface ContainersSection {
  annotations: string[];
  apparmorProfile: string;
  /** '' means /etc/hosts; also an absolute path, "image" or "none". */
  baseHostsFile: string;
  cgroupns: string;
  /** enabled | disabled | no-conmon */
  cgroups: string;
  /** Normalised to the `CAP_` form and upper case, as Podman does. */
  defaultCapabilities: string[];
  defaultSysctls: string[];
  /**
   * "name=soft:hard" entries. Empty by default: Podman derives nproc from pid_max and asks
   * the runtime for it, which fails where the caller's hard limit is lower; skiff's runtime
   * layer keeps rlimits within the caller's hard limit instead.
   */
  defaultUlimits: string[];
  devices: string[];
  dnsOptions: string[];
  dnsSearches: string[];
  dnsServers: string[];
  env: string[];
  envHost: boolean;
  hostContainersInternalIp: string;
  httpProxy: boolean;
  init: boolean;
  /** '' means: catatonit from `engine.helperBinariesDir`, then $PATH. */
  initPath: string;
  ipcns: string;
  keyring: boolean;
  label: boolean;
  logDriver: string;
  logSizeMax: number;
  logTag: string;
  netns: string;
  noHosts: boolean;
  pidns: string;
  pidsLimit: number;
  prepareVolumeOnCreate: boolean;
  readOnly: boolean;
  seccompProfile: string;
  shmSize: string;
  tz: string;
  umask: string;
  userns: string;
  usernsSize: number;
  utsns: string;
  volumes: string[];
}

/** `[network]` */
export interface NetworkSection {
  networkBackend: string;
  cniPluginDirs: string[];
  defaultNetwork: string;
  defaultSubnet: string;
  defaultSubnetPools: SubnetPool[];
  /**
   * '' means the network layer's own choice (for netavark: /etc/containers/networks as
   * root, <graphroot>/networks rootless).
   */
  networkConfigDir: string;
  dnsBindPort: number;
}

/** `[engine]` */
export interface EngineSection {
  activeService: string;
  cgroupManager: string;
  chownCopiedFiles: boolean;
  compressionFormat: string;
  conmonEnvVars: string[];
  conmonPath: string[];
  detachKeys: string;
  enablePortReservation: boolean;
  /** Environment for skiff itself (not for containers). */
  env: string[];
  eventsLogger: string;
  /** '' means `<tmpDir>/events/events.log`. */
  eventsLogfilePath: string;
  eventsLogfileMaxSize: string;
  exitCommandDelay: number;
  helperBinariesDir: string[];
  hooksDir: string[];
  imageBuildFormat: string;
  imageCopyTmpDir: string;
  imageDefaultFormat: string;
  imageDefaultTransport: string;
  imageParallelCopies: number;
  imageVolumeMode: string;
  infraCommand: string;
  infraImage: string;
  lockType: string;
  multiImageArchive: boolean;
  namespace: string;
  networkCmdOptions: string[];
  networkCmdPath: string;
  noPivotRoot: boolean;
  numLocks: number;
  podExitPolicy: string;
  pullPolicy: string;
  remote: boolean;
  /** '' means auto: the runtime layer picks crun, then runc, then kata from `runtimes`. */
  runtime: string;
  /** Runtime name → candidate paths of its binary. */
  runtimes: Record<string, string[]>;
  runtimeSupportsJson: string[];
  runtimeSupportsKvm: string[];
  runtimeSupportsNocgroups: string[];
  serviceDestinations: Record<string, ServiceDestination>;
  serviceTimeout: number;
  /** '' means derived from skiff's storage root (Podman: <graphroot>/libpod). */
  staticDir: string;
  stopTimeout: number;
  /** '' means derived from skiff's run root (Podman: /run/libpod). */
  tmpDir: string;
  volumePath: string;
  volumePlugins: Record<string, string>;
}

/** `[secrets]` */
export interface SecretsSection {
  driver: string;
  opts: Record<string, string>;
}

export interface ContainersConf {
  containers: ContainersSection;
  network: NetworkSection;
  engine: EngineSection;
  secrets: SecretsSection;
  /** The files that were read, in order. */
  files: string[];
}

export interface LoadContainersConfOptions extends ConfigOptions {
  /** Host facts the defaults depend on; probed when not given. */
  host?: Partial<HostFacts>;
}

/** Built-in defaults merged with every containers.conf that exists. */
export function loadContainersConf(opts: LoadContainersConfOptions = {}): ContainersConf {
  const ctx = configContext(opts);
  const host = probeHost(ctx, opts.host);
  const conf = defaultContainersConf(ctx, host);
  for (const path of containersConfPaths(opts)) {
    const file = readTomlFile(path);
    if (!file) continue;
    mergeFile(conf, file);
    conf.files.push(path);
  }
  adjust(conf, ctx, host);
  return conf;
}

/** Applies one parsed file on top of `conf`. */
function mergeFile(conf: ContainersConf, file: TomlSection): void {
  const containers = file.table('containers');
  if (containers) applySchema(conf.containers, containers, containersSchema);
  const network = file.table('network');
  if (network) applySchema(conf.network, network, networkSchema);
  const engine = file.table('engine');
  if (engine) applySchema(conf.engine, engine, engineSchema);
  const secrets = file.table('secrets');
  if (secrets) applySchema(conf.secrets, secrets, secretsSchema);
}

/** Podman's spellings of the pull policies, by the name skiff uses. */
const pullPolicies: Record<string, string> = {
  always: 'always', true: 'always', missing: 'missing', ifmissing: 'missing', notpresent: 'missing',
  newer: 'newer', ifnewer: 'newer', never: 'never', false: 'never',
};

/** Podman's fix-ups after loading. */
function adjust(conf: ContainersConf, ctx: ConfigContext, host: HostFacts): void {
  conf.containers.defaultCapabilities = conf.containers.defaultCapabilities.map((c) => {
    const upper = c.toUpperCase();
    return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  });
  conf.engine.pullPolicy = pullPolicies[conf.engine.pullPolicy.toLowerCase()] ?? conf.engine.pullPolicy;
  // Rootless systemd cgroups need the user's session bus; Podman falls back to cgroupfs.
  if (ctx.rootless && conf.engine.cgroupManager === 'systemd' && !host.sessionBus) {
    conf.engine.cgroupManager = 'cgroupfs';
  }
}

type Kind = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'stringsMap' | 'subnetPools' | 'destinations';

/** The TOML kind each field is read as; checked against the field's type. */
type KindOf<V> = V extends string
  ? 'string'
  : V extends boolean
    ? 'bool'
    : V extends number
      ? 'int'
      : V extends string[]
        ? 'strings'
        : V extends SubnetPool[]
          ? 'subnetPools'
          : V extends Record<string, ServiceDestination>
            ? 'destinations'
            : V extends Record<string, string[]>
              ? 'stringsMap'
              : 'stringMap';

interface FieldSpec<V> {
  kind: KindOf<V>;
  /** Returns a problem with the value, if any. */
  check?: (v: V) => string | undefined;
}

/** One entry per field; the TOML key is the field name in snake_case. */
type Schema<T> = { [K in keyof T]-?: KindOf<T[K]> | FieldSpec<T[K]> };

const oneOf =
  (...values: string[]) =>
  (v: string): string | undefined =>
    values.includes(v) ? undefined : `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

const containersSchema: Schema<ContainersSection> = {
  annotations: 'strings', apparmorProfile: 'string', baseHostsFile: 'string', cgroupns: 'string',
  cgroups: { kind: 'string', check: oneOf('enabled', 'disabled', 'no-conmon') },
  defaultCapabilities: 'strings', defaultSysctls: 'strings', defaultUlimits: 'strings', devices: 'strings',
  dnsOptions: 'strings', dnsSearches: 'strings', dnsServers: 'strings', env: 'strings', envHost: 'bool',
  hostContainersInternalIp: 'string', httpProxy: 'bool', init: 'bool', initPath: 'string', ipcns: 'string',
  keyring: 'bool', label: 'bool', logDriver: 'string',
  logSizeMax: { kind: 'int', check: (v) => (v >= 0 && v < 8192 ? 'must be negative or >= 8192' : undefined) },
  logTag: 'string', netns: 'string', noHosts: 'bool', pidns: 'string', pidsLimit: 'int',
  prepareVolumeOnCreate: 'bool', readOnly: 'bool', seccompProfile: 'string', shmSize: 'string', tz: 'string',
  umask: { kind: 'string', check: (v) => (/^0?[0-7]{1,4}$/.test(v) ? undefined : 'must be an octal umask') },
  userns: 'string', usernsSize: 'int', utsns: 'string', volumes: 'strings',
};

const networkSchema: Schema<NetworkSection> = {
  networkBackend: 'string', cniPluginDirs: 'strings', defaultNetwork: 'string', defaultSubnet: 'string',
  defaultSubnetPools: 'subnetPools', networkConfigDir: 'string', dnsBindPort: 'int',
};

const engineSchema: Schema<EngineSection> = {
  activeService: 'string',
  cgroupManager: { kind: 'string', check: oneOf('systemd', 'cgroupfs') },
  chownCopiedFiles: 'bool', compressionFormat: 'string', conmonEnvVars: 'strings', conmonPath: 'strings',
  detachKeys: 'string', enablePortReservation: 'bool', env: 'strings',
  eventsLogger: { kind: 'string', check: oneOf('file', 'journald', 'none') },
  eventsLogfilePath: 'string', eventsLogfileMaxSize: 'string', exitCommandDelay: 'int',
  helperBinariesDir: 'strings', hooksDir: 'strings', imageBuildFormat: 'string', imageCopyTmpDir: 'string',
  imageDefaultFormat: 'string', imageDefaultTransport: 'string', imageParallelCopies: 'int',
  imageVolumeMode: 'string', infraCommand: 'string', infraImage: 'string', lockType: 'string',
  multiImageArchive: 'bool', namespace: 'string', networkCmdOptions: 'strings', networkCmdPath: 'string',
  noPivotRoot: 'bool', numLocks: 'int', podExitPolicy: 'string',
  pullPolicy: { kind: 'string', check: (v) => oneOf(...Object.keys(pullPolicies))(v.toLowerCase()) },
  remote: 'bool', runtime: 'string', runtimes: 'stringsMap', runtimeSupportsJson: 'strings',
  runtimeSupportsKvm: 'strings', runtimeSupportsNocgroups: 'strings', serviceDestinations: 'destinations',
  serviceTimeout: 'int', staticDir: 'string', stopTimeout: 'int', tmpDir: 'string', volumePath: 'string',
  volumePlugins: 'stringMap',
};

const secretsSchema: Schema<SecretsSection> = { driver: 'string', opts: 'stringMap' };

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function applySchema<T extends object>(target: T, section: TomlSection, schema: Schema<T>): void {
  const out = target as Record<string, unknown>;
  type Spec = Kind | { kind: Kind; check?: (v: unknown) => string | undefined };
  for (const [field, spec] of Object.entries(schema) as [string, Spec][]) {
    const key = snake(field);
    if (!section.has(key)) continue;
    const { kind, check } = typeof spec === 'string' ? { kind: spec, check: undefined } : spec;
    const value = readKind(section, key, kind, out[field]);
    const problem = check?.(value);
    if (problem) throw section.error(key, `${JSON.stringify(value)}: ${problem}`);
    out[field] = value;
  }
}

function readKind(section: TomlSection, key: string, kind: Kind, previous: unknown): unknown {
  switch (kind) {
    case 'string':
      return section.string(key);
    case 'bool':
      return section.bool(key);
    case 'int':
      return section.int(key);
    case 'strings':
      return section.strings(key);
    case 'stringMap':
      return { ...(previous as object), ...section.stringMap(key) };
    case 'stringsMap':
      return { ...(previous as object), ...section.stringsMap(key) };
    case 'subnetPools':
      return section.tables(key).map((t) => {
        const base = t.string('base');
        const size = t.int('size');
        if (base === undefined || size === undefined) throw section.error(key, 'each pool needs "base" and "size"');
        return { base, size };
      });
    case 'destinations': {
      const merged = { ...(previous as Record<string, ServiceDestination>) };
      const t = section.table(key)!;
      for (const name of t.keys()) {
        const d = t.table(name)!;
        merged[name] = { uri: d.string('uri') ?? '', identity: d.string('identity') ?? '' };
      }
      return merged;
    }
  }
}
