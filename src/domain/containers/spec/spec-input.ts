/**
 * Everything generateSpec() needs, already read from disk: the image config, the resolved
 * user, the caller's limits and capabilities (host-info.ts), the seccomp profile
 * (seccomp-profile.ts), devices (devices.ts) and the per-container files (run-files.ts).
 * Flags keep Podman's spelling where they are free text (`--ulimit`, `--security-opt`, …).
 */
import type { ContainerConfig as ImageContainerConfig } from '../../images/image-config.ts';
import type { IdMapping } from '../../../infra/oci/runtime-spec.ts';
import type { DeviceInput } from './devices.ts';
import type { LimitPair } from './rlimits.ts';
import type { SeccompProfile } from './seccomp.ts';
import type { ResolvedUser } from './user.ts';

/** How a namespace is set up: new, the host's, or joined by path (`/proc/<pid>/ns/<type>`). */
export type NamespaceMode = { mode: 'private' } | { mode: 'host' } | { mode: 'path'; path: string };

export interface Namespaces {
  pid: NamespaceMode;
  /** `private` is a new, unconfigured network namespace (`--network none`) */
  net: NamespaceMode;
  ipc: NamespaceMode;
  uts: NamespaceMode;
  cgroup: NamespaceMode;
  /** a user namespace with these mappings (rootless, `--userns`, `--uidmap`) */
  user?: { uidMappings: IdMapping[]; gidMappings: IdMapping[] } | { path: string };
}

/** A `-v`, `--mount` or named-volume mount; `volume` has its host path resolved already. */
export interface MountInput {
  type: 'bind' | 'volume' | 'tmpfs' | 'devpts';
  /** host path (bind, volume); ignored for tmpfs and devpts */
  source: string;
  destination: string;
  options: readonly string[];
}

/** Host files bind-mounted into the container, written by prepareRunFiles(). */
export interface RunFiles {
  hosts?: string;
  resolvConf?: string;
  hostname?: string;
  containerenv?: string;
  localtime?: string;
}

export interface ResourceInput {
  /** bytes */
  memory?: number;
  /** memory plus swap, bytes; -1 for unlimited; default twice `memory` */
  memorySwap?: number;
  memoryReservation?: number;
  memorySwappiness?: number;
  oomKillDisable?: boolean;
  /** fractional CPUs (`--cpus 1.5`) */
  cpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** -1 for unlimited, 0 to leave unset */
  pidsLimit?: number;
  blkioWeight?: number;
}

/** Where the host's view of the caller comes from; see readHostInfo(). */
export interface HostInfo {
  /** the caller's bounding capabilities: nothing beyond them can be granted */
  boundingCaps: readonly string[];
  /** the caller's rlimits by RLIMIT_* name */
  limits: Readonly<Record<string, LimitPair>>;
  /** Go/libseccomp architecture name (amd64, arm64, …) */
  arch: string;
  /** kernel release */
  kernel: string;
  /** /sys/fs/cgroup is the unified (v2) hierarchy */
  cgroupV2: boolean;
}

export interface SpecInput {
  /** full container ID */
  id: string;
  name: string;
  /** the container's root file system (mounted), config.json's root.path */
  rootfs: string;
  /** the `config` part of the image's OCI config */
  image: ImageContainerConfig;
  /** creation time (RFC 3339), for the annotation Podman sets */
  created?: string;

  /** `--entrypoint` (undefined keeps the image's; `['']` clears it) */
  entrypoint?: readonly string[];
  /** the command after the image name (undefined keeps the image's Cmd) */
  command?: readonly string[];
  /** `-e`/`--env-file` entries: `K=V`, `K` (copied from hostEnv) or `K*` (all matching) */
  env?: readonly string[];
  envHost?: boolean;
  /** copy the host's proxy variables (Podman's --http-proxy, default true) */
  httpProxy?: boolean;
  /** the caller's environment, for --env-host, bare `-e K` and proxies */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  workdir?: string;
  /** resolveUser() of `userSpec` */
  user: ResolvedUser;
  /** `--user` or the image's User, as written ('' for none) */
  userSpec: string;
  /**
   * default: the first 12 characters of the ID. With the host's UTS namespace the spec sets
   * no hostname; pass the host's name then, for $HOSTNAME.
   */
  hostname?: string;
  annotations?: Readonly<Record<string, string>>;
  terminal?: boolean;
  /** `--init`: the init binary (catatonit) mounted at /run/podman-init */
  initPath?: string;
  readOnly?: boolean;
  /** with readOnly: tmpfs on /tmp, /var/tmp and /run (Podman's --read-only-tmpfs, default true) */
  readOnlyTmpfs?: boolean;
  mounts?: readonly MountInput[];
  /** `--tmpfs` destination → comma-separated options */
  tmpfs?: Readonly<Record<string, string>>;
  /** /dev/shm: a tmpfs of this many bytes (0: no limit), a host directory to bind, or none */
  shm?: { size: number } | { path: string } | null;
  /** resolveDevice() results; with privileged, hostDevices() */
  devices?: readonly DeviceInput[];
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  /** containers.conf default_capabilities */
  defaultCapabilities?: readonly string[];
  privileged?: boolean;
  securityOpts?: readonly string[];
  /** the profile to apply (seccompProfileFor()), undefined for none */
  seccompProfile?: SeccompProfile;
  ulimits?: readonly string[];
  /** containers.conf default_ulimits */
  defaultUlimits?: readonly string[];
  resources?: ResourceInput;
  namespaces: Namespaces;
  /** `--sysctl` values */
  sysctls?: Readonly<Record<string, string>>;
  /** containers.conf default_sysctls, dropped where the namespace is the host's */
  defaultSysctls?: readonly string[];
  runFiles?: RunFiles;
  /** `--umask`, octal text, default 0022 */
  umask?: string;
  /** `--stop-signal` or the image's StopSignal: name or number, default SIGTERM */
  stopSignal?: string | number;
  oomScoreAdj?: number;
  /** cgroups: the manager and parent, or none at all (`--cgroups disabled`) */
  cgroups?: { manager: 'cgroupfs' | 'systemd'; parent?: string } | 'disabled';
  /**
   * `--sdnotify container`: the directory where conmon (given `sdNotifySocket`) creates
   * notify.sock, `<bundle>/notify`, made by the caller; mounted at /run/notify.
   */
  notifySocketDir?: string;
  autoRemove?: boolean;
  publishAll?: boolean;
  /** the engine itself runs in a user namespace (rootless): sysfs cannot be mounted with the host's network */
  inUserNamespace?: boolean;
  host: HostInfo;
}
