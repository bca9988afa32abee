/**
 * What `create` and `run` take, flag by flag, as the user wrote it (Podman's spelling).
 * buildContainerConfig() checks and resolves it into a ContainerConfig. Unset means "the
 * image's or containers.conf's default".
 */
export interface ContainerCreateOptions {
  /** image name or ID as typed */
  image: string;
  name?: string;
  /** remove a container holding `name` first */
  replace?: boolean;
  /** the command after the image name; empty keeps the image's Cmd */
  command?: string[];
  /** `--entrypoint`: a JSON array or one string ('' clears the image's) */
  entrypoint?: string;
  env?: string[];
  envFiles?: string[];
  envHost?: boolean;
  httpProxy?: boolean;
  unsetEnv?: string[];
  unsetEnvAll?: boolean;
  workdir?: string;
  user?: string;
  groupAdd?: string[];
  hostname?: string;
  labels?: string[];
  labelFiles?: string[];
  annotations?: string[];
  /** `--secret NAME[,type=,target=,uid=,gid=,mode=]` */
  secrets?: string[];
  init?: boolean;
  initPath?: string;
  readOnly?: boolean;
  readOnlyTmpfs?: boolean;
  /** `-v [SRC:]DST[:OPTS]` */
  volumes?: string[];
  /** `--mount type=…,…` */
  mounts?: string[];
  /** `--tmpfs DST[:OPTS]` */
  tmpfs?: string[];
  shmSize?: string;
  devices?: string[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpts?: string[];
  ulimits?: string[];
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  memorySwappiness?: number;
  oomKillDisable?: boolean;
  oomScoreAdj?: number;
  cpus?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  cpuPeriod?: number;
  cpuQuota?: number;
  pidsLimit?: number;
  blkioWeight?: number;
  sysctls?: string[];
  ipc?: string;
  pid?: string;
  uts?: string;
  cgroupns?: string;
  userns?: string;
  /** `--uidmap`/`--gidmap` entries (`container:host:size`), `--subuidname`/`--subgidname` */
  uidmap?: string[];
  gidmap?: string[];
  subuidname?: string;
  subgidname?: string;
  cgroupParent?: string;
  cgroups?: string;
  /** `--network` values as given: modes, network names (`a,b`), `NAME:ip=…,mac=…,alias=…` */
  network?: string[];
  /** `--ip`, `--ip6`, `--mac-address`, `--network-alias`: for the one network joined */
  ip?: string;
  ip6?: string;
  macAddress?: string;
  networkAliases?: string[];
  /** `-P`: publish every exposed port on a random host port */
  publishAll?: boolean;
  addHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  noHosts?: boolean;
  expose?: string[];
  publish?: string[];
  stopSignal?: string;
  stopTimeout?: number;
  restart?: string;
  autoRemove?: boolean;
  logDriver?: string;
  logOpts?: string[];
  timeout?: number;
  tz?: string;
  umask?: string;
  /** missing | never | always | newer */
  pull?: string;
  cidFile?: string;
  pidFile?: string;
  conmonPidFile?: string;
  sdNotify?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthStartPeriod?: string;
  healthRetries?: number;
  healthOnFailure?: string;
  noHealthcheck?: boolean;
  tty?: boolean;
  interactive?: boolean;
  /** streams a foreground run or `start -a` attaches (Podman's AttachStdin/out/err) */
  attach?: ('stdin' | 'stdout' | 'stderr')[];
  detachKeys?: string;
  /** the command line that made the container (Podman's CreateCommand) */
  createCommand?: string[];
  /** the directory relative bind sources are resolved against (the caller's cwd) */
  cwd?: string;
  /** the caller's environment, for --env-host, bare `-e KEY` and proxies */
  hostEnv?: Readonly<Record<string, string | undefined>>;
}
