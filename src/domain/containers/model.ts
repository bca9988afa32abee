/**
 * A container as skiff records it: how it was created (immutable after create, except
 * through `update`/`rename`) and its live state. Podman's state names and one transition
 * table; engine methods lock the container, check the transition, then act.
 */
import type { ContainerSecret } from '../secrets/secret.ts';
import { InvalidStateError } from '../../define/errors.ts';
import type { ContainerHealth } from './health.ts';
import type { IdMapping } from '../../infra/oci/runtime-spec.ts';

export type ContainerStatus = 'configured' | 'created' | 'running' | 'stopped' | 'paused' | 'exited' | 'removing' | 'stopping';

/** States in which conmon (and the runtime) hold the container. */
export const liveStates: readonly ContainerStatus[] = ['created', 'running', 'paused', 'stopping'];

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs' | 'devpts';
  source: string;
  destination: string;
  options: string[];
  /** named volume, for `volume` mounts */
  name?: string;
}

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  range: number;
}

export interface PerNetworkConfig {
  staticIps?: string[];
  staticMac?: string;
  aliases?: string[];
  interfaceName?: string;
}

export interface RestartPolicy {
  name: 'no' | 'on-failure' | 'always' | 'unless-stopped' | '';
  maxRetries: number;
}

/** What `create` decided; the OCI spec in the bundle is generated from it. */
export interface ContainerConfig {
  id: string;
  name: string;
  imageId: string;
  /** the name the user gave (`busybox`), as Podman's ImageName */
  imageName: string;
  created: string;
  command: string[];
  entrypoint: string[];
  /** what `inspect` calls Path and Args */
  path: string;
  args: string[];
  env: string[];
  workingDir: string;
  user: string;
  groupAdd: string[];
  hostname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  stopSignal: string;
  stopTimeout: number;
  tty: boolean;
  stdin: boolean;
  /** keep stdin open: -i */
  interactive: boolean;
  init: boolean;
  readOnly: boolean;
  readOnlyTmpfs: boolean;
  privileged: boolean;
  mounts: MountSpec[];
  /** anonymous and named volumes created for this container (removed by rm -v) */
  anonymousVolumes: string[];
  /** `--secret`s, resolved to their IDs (absent: none) */
  secrets?: ContainerSecret[];
  ports: PortMapping[];
  exposedPorts: string[];
  networkMode: string;
  /** the networks joined in `bridge` mode, by name */
  networks: string[];
  /** per-network static addresses, MAC, aliases and interface name, by network name */
  networkOptions?: Record<string, PerNetworkConfig>;
  /** `--network slirp4netns:OPTS` or `pasta:OPTS`, split at commas */
  networkModeOptions?: string[];
  /** `-P` */
  publishAll?: boolean;
  dns: { servers: string[]; searches: string[]; options: string[] };
  addHosts: string[];
  noHosts: boolean;
  restartPolicy: RestartPolicy;
  autoRemove: boolean;
  logDriver: string;
  logPath: string;
  logOpts: Record<string, string>;
  logTag: string;
  runtime: string;
  cgroupManager: string;
  cgroupParent: string;
  cgroupsMode: string;
  namespaces: { ipc: string; pid: string; uts: string; cgroupns: string; net: string; user: string };
  /** the container's own user namespace mappings (`--uidmap`, `--userns=auto|keep-id|nomap`): host ids real for root, skiff's namespace's rootless */
  idMappings?: { uidMap: IdMapping[]; gidMap: IdMapping[] };
  capAdd: string[];
  capDrop: string[];
  securityOpts: string[];
  ulimits: string[];
  devices: string[];
  resources: {
    memory?: number;
    memorySwap?: number;
    memoryReservation?: number;
    cpus?: number;
    cpuShares?: number;
    cpusetCpus?: string;
    cpusetMems?: string;
    cpuQuota?: number;
    cpuPeriod?: number;
    pidsLimit?: number;
    blkioWeight?: number;
    memorySwappiness?: number;
    oomKillDisable?: boolean;
  };
  shmSize: number;
  tmpfs: Record<string, string>;
  timezone: string;
  umask: string;
  timeout: number;
  pidFile: string;
  conmonPidFile: string;
  cidFile: string;
  sdNotifyMode: string;
  healthcheck?: { test: string[]; interval: string; timeout: string; startPeriod: string; retries: number; onFailure: string };
  detachKeys: string;
  /** the global options of the creating command, replayed by conmon's exit command */
  engineArgs: string[];
  /** the command line that created it (Podman's CreateCommand) */
  createCommand: string[];
  /** the image's manifest digest (Podman's ImageDigest) */
  imageDigest?: string;
  /** `--sysctl` key → value */
  sysctls?: Record<string, string>;
  oomScoreAdj?: number;
  /** `--init-path`: the init binary mounted for `--init` ('' finds catatonit) */
  initPath?: string;
  /** streams a foreground run attaches: Podman's AttachStdin/AttachStdout/AttachStderr */
  attach?: ('stdin' | 'stdout' | 'stderr')[];
}

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  conmonPid: number;
  exitCode: number;
  oomKilled: boolean;
  /** an error seen at the last start or cleanup */
  error: string;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  /** where the rootfs is mounted while running, '' otherwise */
  mountPoint: string;
  /** set by `stop`, so the restart policy (unless-stopped, always) knows it was asked to */
  stoppedByUser: boolean;
  /** network namespace path when the container has its own network set up */
  netnsPath: string;
  /** net setup results by network name, as `inspect` prints them */
  networkStatus: Record<string, unknown>;
  checkpointed: boolean;
  /** the `run` process that created it and has not started it yet (a killed run leaves it behind) */
  runnerPid?: number;  /** results of `healthcheck run` (absent until the first one) */
  health?: ContainerHealth;
}

export function initialState(): ContainerState {
  return {
    status: 'configured',
    pid: 0,
    conmonPid: 0,
    exitCode: 0,
    oomKilled: false,
    error: '',
    startedAt: '0001-01-01T00:00:00Z',
    finishedAt: '0001-01-01T00:00:00Z',
    restartCount: 0,
    mountPoint: '',
    stoppedByUser: false,
    netnsPath: '',
    networkStatus: {},
    checkpointed: false,
  };
}

const transitions: Record<string, ContainerStatus[]> = {
  init: ['configured', 'stopped', 'exited'],
  start: ['configured', 'created', 'stopped', 'exited'],
  stop: ['running', 'paused', 'stopping'],
  kill: ['running', 'paused'],
  pause: ['running'],
  unpause: ['paused'],
  exec: ['running'],
  attach: ['created', 'running'],
  restart: ['configured', 'created', 'running', 'stopped', 'exited', 'paused'],
  update: ['created', 'running', 'paused', 'stopped', 'exited', 'configured'],
};

/** Podman's wording for a container in the wrong state for an operation. */
export function checkTransition(op: keyof typeof transitions, id: string, status: ContainerStatus): void {
  if (transitions[op]!.includes(status)) return;
  switch (op) {
    case 'exec':
      throw new InvalidStateError(`can only create exec sessions on running containers: container state improper`);
    case 'pause':
      // Podman 4.3 names the state here, not the container.
      throw new InvalidStateError(`"${status}" is not running, can't pause: container state improper`);
    case 'unpause':
      throw new InvalidStateError(`"${id}" is not paused, can't unpause: container state improper`);
    case 'kill':
      throw new InvalidStateError(`can only kill running containers. ${id} is in state ${status}: container state improper`);
    case 'start':
      throw new InvalidStateError(`container ${id} must be in Created or Stopped state to be started: container state improper`);
    case 'init':
      throw new InvalidStateError(`container ${id} has already been created in runtime: container state improper`);
    default:
      throw new InvalidStateError(`container ${id} is in state ${status}: container state improper`);
  }
}

/** Podman's capitalised status words for `ps` and `inspect`. */
export function statusWord(status: ContainerStatus): string {
  return status === 'configured' ? 'Created' : status === 'stopped' ? 'Exited' : status.charAt(0).toUpperCase() + status.slice(1);
}
