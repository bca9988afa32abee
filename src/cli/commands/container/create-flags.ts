/**
 * The flags `create` and `run` share (Podman 4.3's `run --help`), and their translation
 * into the engine's ContainerCreateOptions. Flags Podman reads as comma-separated lists
 * ("strings") are split here; free-text values are checked by the engine.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';
import type { ContainerCreateOptions } from '../../../engine/container-engine.ts';
import type { ImagePullOptions } from '../../../engine/image-pull.ts';
import type { FlagSpec } from '../../command.ts';
import type { CliContext } from '../../context.ts';
import type { ParsedFlags } from '../../flags.ts';
import { splitList } from '../split-list.ts';

const s = (name: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: 'string', description, ...extra });
const a = (name: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: 'stringArray', description, ...extra });
const b = (name: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: 'bool', description, ...extra });
const i = (name: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ name, type: 'int', description, ...extra });

export const createFlags: FlagSpec[] = [
  a('add-host', 'Add a custom host-to-IP mapping (host:ip)'),
  a('annotation', 'Add annotations to container (key=value)'),
  s('arch', 'use ARCH instead of the architecture of the machine for choosing images', { hidden: true }),
  a('attach', 'Attach to STDIN, STDOUT or STDERR', { short: 'a' }),
  s('authfile', 'Path of the authentication file', { hidden: true }),
  s('blkio-weight', 'Block IO weight (relative weight) accepts a weight value between 10 and 1000.'),
  a('cap-add', 'Add capabilities to the container'),
  a('cap-drop', 'Drop capabilities from the container'),
  s('cgroup-parent', 'Optional parent cgroup for the container'),
  s('cgroupns', 'cgroup namespace to use'),
  s('cgroups', 'control container cgroup configuration ("enabled"|"disabled"|"no-conmon"|"split")', { default: 'enabled' }),
  s('cidfile', 'Write the container ID to the file'),
  s('conmon-pidfile', 'Path to the file that will receive the PID of conmon'),
  i('cpu-period', 'Limit the CPU CFS (Completely Fair Scheduler) period'),
  i('cpu-quota', 'Limit the CPU CFS (Completely Fair Scheduler) quota'),
  i('cpu-shares', 'CPU shares (relative weight)', { short: 'c' }),
  s('cpus', 'Number of CPUs. The default is 0.000 which means no limit'),
  s('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'),
  s('cpuset-mems', 'Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective on NUMA systems.'),
  a('device', 'Add a host device to the container'),
  b('disable-content-trust', 'This is a Docker specific option and is a NOOP', { hidden: true }),
  a('dns', 'Set custom DNS servers'),
  a('dns-option', 'Set custom DNS options'),
  a('dns-search', 'Set custom DNS search domains'),
  s('entrypoint', 'Overwrite the default ENTRYPOINT of the image'),
  a('env', 'Set environment variables in container', { short: 'e' }),
  a('env-file', 'Read in a file of environment variables'),
  b('env-host', 'Use all current host environment variables in container'),
  a('expose', 'Expose a port or a range of ports'),
  a('gidmap', 'GID map to use for the user namespace'),
  a('group-add', "Add additional groups to the primary container process. 'keep-groups' allows container processes to use supplementary groups."),
  s('health-cmd', "set a healthcheck command for the container ('none' disables the existing healthcheck)"),
  s('health-interval', 'set an interval for the healthchecks (a value of disable results in no automatic timer setup)', { default: '30s' }),
  s('health-on-failure', 'action to take once the container turns unhealthy', { default: 'none' }),
  i('health-retries', 'the number of retries allowed before a healthcheck is considered to be unhealthy', { default: 3 }),
  s('health-start-period', 'the initialization time needed for a container to bootstrap', { default: '0s' }),
  s('health-timeout', 'the maximum time allowed to complete the healthcheck before an interval is considered failed', { default: '30s' }),
  s('hostname', 'Set container hostname', { short: 'h' }),
  b('http-proxy', 'Set proxy environment variables in the container based on the host proxy vars', { default: true }),
  b('init', 'Run an init binary inside the container that forwards signals and reaps processes'),
  s('init-path', 'Path to the container-init binary'),
  b('interactive', 'Keep STDIN open even if not attached', { short: 'i' }),
  s('ip', 'Specify a static IPv4 address for the container'),
  s('ip6', 'Specify a static IPv6 address for the container'),
  s('ipc', 'IPC namespace to use'),
  a('label', 'Set metadata on container', { short: 'l' }),
  a('label-file', 'Read in a line delimited file of labels'),
  s('log-driver', 'Logging driver for the container', { default: 'k8s-file' }),
  a('log-opt', 'Logging driver options'),
  s('mac-address', 'Container MAC address (e.g. 92:d0:c6:0a:29:33)'),
  s('memory', 'Memory limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))', { short: 'm' }),
  s('memory-reservation', 'Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))'),
  s('memory-swap', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
  i('memory-swappiness', 'Tune container memory swappiness (0 to 100, or -1 for system default)', { default: -1 }),
  a('mount', 'Attach a filesystem mount to the container'),
  s('name', 'Assign a name to the container'),
  a('network', 'Connect a container to a network'),
  s('net', 'Connect a container to a network', { hidden: true }),
  a('network-alias', 'Add network-scoped alias for the container'),
  b('no-healthcheck', 'Disable healthchecks on container'),
  b('no-hosts', 'Do not create /etc/hosts within the container, instead use the version from the image'),
  b('oom-kill-disable', 'Disable OOM Killer'),
  i('oom-score-adj', "Tune the host's OOM preferences (-1000 to 1000)"),
  s('os', 'use OS instead of the running OS for choosing images', { hidden: true }),
  b('passwd', 'add entries to /etc/passwd and /etc/group', { default: true, hidden: true }),
  s('pid', 'PID namespace to use'),
  s('pidfile', 'Write the container process ID to the file'),
  i('pids-limit', 'Tune container pids limit (set -1 for unlimited)', { default: 2048 }),
  s('platform', 'Specify the platform for selecting the image.', { hidden: true }),
  b('privileged', 'Give extended privileges to container'),
  a('publish', "Publish a container's port, or a range of ports, to the host", { short: 'p' }),
  b('publish-all', 'Publish all exposed ports to random ports on the host interface', { short: 'P' }),
  s('pull', 'Pull image policy', { default: 'missing' }),
  b('quiet', 'Suppress output information when pulling images', { short: 'q' }),
  b('read-only', 'Make containers root filesystem read-only'),
  b('read-only-tmpfs', 'When running containers in read-only mode mount a read-write tmpfs on /run, /tmp and /var/tmp', { default: true }),
  b('replace', 'If a container with the same name exists, replace it'),
  s('restart', 'Restart policy to apply when a container exits ("always"|"no"|"on-failure"|"unless-stopped")'),
  b('rm', 'Remove container (and pod if created) after exit'),
  s('sdnotify', 'control sd-notify behavior ("container"|"conmon"|"ignore")', { default: 'container' }),
  a('secret', 'Add secret to container'),
  a('security-opt', 'Security Options'),
  s('shm-size', 'Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), or g (gibibytes))', { default: '65536k' }),
  s('stop-signal', 'Signal to stop a container. Default is SIGTERM'),
  i('stop-timeout', 'Timeout (in seconds) that containers stopped by user command have to exit. If exceeded, the container will be forcibly stopped via SIGKILL.', { default: 10 }),
  s('subgidname', 'Name of range listed in /etc/subgid for use in user namespace'),
  s('subuidname', 'Name of range listed in /etc/subuid for use in user namespace'),
  a('sysctl', 'Sysctl options'),
  s('systemd', 'Run container in systemd mode ("true"|"false"|"always")', { default: 'true', hidden: true }),
  i('timeout', 'Maximum length of time a container is allowed to run. The container will be killed automatically after the time expires.'),
  b('tls-verify', 'Require HTTPS and verify certificates when contacting registries for pulling images', { hidden: true }),
  a('tmpfs', 'Mount a temporary filesystem (tmpfs) into a container'),
  b('tty', 'Allocate a pseudo-TTY for container', { short: 't' }),
  s('tz', 'Set timezone in container'),
  a('uidmap', 'UID map to use for the user namespace'),
  a('ulimit', 'Ulimit options'),
  s('umask', 'Set umask in container', { default: '0022' }),
  a('unsetenv', 'Unset environment default variables in container'),
  b('unsetenv-all', 'Unset all default environment variables in container'),
  s('user', 'Username or UID (format: <name|uid>[:<group|gid>])', { short: 'u' }),
  s('userns', 'User namespace to use'),
  s('uts', 'UTS namespace to use'),
  a('volume', 'Bind mount a volume into the container', { short: 'v' }),
  s('workdir', 'Working directory inside the container', { short: 'w' }),
];

/** Flags only `run` has. */
export const runOnlyFlags: FlagSpec[] = [
  b('detach', 'Run container in background and print container ID', { short: 'd' }),
  s('detach-keys', 'Override the key sequence for detaching a container. Format is a single character [a-Z] or a comma separated sequence of `ctrl-<value>`, where `<value>` is one of: `a-cf`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`', { default: 'ctrl-p,ctrl-q' }),
  i('preserve-fds', 'Pass a number of additional file descriptors into the container', { hidden: true }),
  b('sig-proxy', 'Proxy received signals to the process', { default: true }),
];

/** PODMAN_USERNS is `--userns`'s default, as in Podman; a mapping flag makes the namespace instead. */
function usernsFromEnvironment(flags: ParsedFlags): string | undefined {
  if (['uidmap', 'gidmap', 'subuidname', 'subgidname'].some((f) => flags.changed(f))) return undefined;
  return process.env.PODMAN_USERNS || undefined;
}

function changed<T>(flags: ParsedFlags, name: string, get: () => T): T | undefined {
  return flags.changed(name) ? get() : undefined;
}

function list(flags: ParsedFlags, name: string): string[] | undefined {
  return flags.changed(name) ? splitList(flags.array(name)) : undefined;
}

function nonNegative(flags: ParsedFlags, name: string): number | undefined {
  const v = changed(flags, name, () => flags.int(name)!);
  if (v !== undefined && v < 0) throw new InvalidArgumentError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseUint: parsing "${v}": invalid syntax`);
  return v;
}

function attachStreams(values: string[] | undefined): ('stdin' | 'stdout' | 'stderr')[] | undefined {
  if (!values) return undefined;
  return values.map((v) => {
    const lower = v.toLowerCase();
    if (lower !== 'stdin' && lower !== 'stdout' && lower !== 'stderr') throw new InvalidArgumentError(`invalid stream "${v}" for --attach - must be one of stdin, stdout, or stderr: invalid argument`);
    return lower;
  });
}

/** The image, the command after it and every create flag, as the engine takes them. */
export function createOptionsFrom(flags: ParsedFlags, args: string[], createCommand: string[]): ContainerCreateOptions {
  const cpus = changed(flags, 'cpus', () => {
    const text = flags.string('cpus')!;
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`invalid argument "${text}" for "--cpus" flag: strconv.ParseFloat: parsing "${text}": invalid syntax`);
    return n;
  });
  const blkio = changed(flags, 'blkio-weight', () => {
    const text = flags.string('blkio-weight')!;
    if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`invalid argument "${text}" for "--blkio-weight" flag: strconv.ParseUint: parsing "${text}": invalid syntax`);
    return Number(text);
  });
  const network = [...flags.array('network'), ...(flags.changed('net') ? [flags.string('net')!] : [])];
  return {
    image: args[0]!,
    command: args.slice(1),
    name: changed(flags, 'name', () => flags.string('name')!),
    replace: flags.bool('replace'),
    entrypoint: changed(flags, 'entrypoint', () => flags.string('entrypoint')!),
    env: flags.array('env'),
    envFiles: list(flags, 'env-file'),
    envHost: changed(flags, 'env-host', () => flags.bool('env-host')),
    httpProxy: changed(flags, 'http-proxy', () => flags.bool('http-proxy')),
    unsetEnv: flags.array('unsetenv'),
    unsetEnvAll: flags.bool('unsetenv-all'),
    workdir: changed(flags, 'workdir', () => flags.string('workdir')!),
    user: changed(flags, 'user', () => flags.string('user')!),
    groupAdd: list(flags, 'group-add'),
    hostname: changed(flags, 'hostname', () => flags.string('hostname')!),
    // a unit of `generate systemd` says which unit runs the container, for auto-update
    labels: [...flags.array('label'), ...(process.env['PODMAN_SYSTEMD_UNIT'] ? [`PODMAN_SYSTEMD_UNIT=${process.env['PODMAN_SYSTEMD_UNIT']}`] : [])],
    labelFiles: list(flags, 'label-file'),
    annotations: list(flags, 'annotation'),
    secrets: flags.changed('secret') ? flags.array('secret') : undefined,
    init: changed(flags, 'init', () => flags.bool('init')),
    initPath: changed(flags, 'init-path', () => flags.string('init-path')!),
    readOnly: changed(flags, 'read-only', () => flags.bool('read-only')),
    readOnlyTmpfs: flags.bool('read-only-tmpfs'),
    volumes: flags.array('volume'),
    mounts: flags.array('mount'),
    tmpfs: flags.array('tmpfs'),
    shmSize: changed(flags, 'shm-size', () => flags.string('shm-size')!),
    devices: list(flags, 'device'),
    capAdd: list(flags, 'cap-add'),
    capDrop: list(flags, 'cap-drop'),
    privileged: flags.bool('privileged'),
    securityOpts: flags.array('security-opt'),
    ulimits: list(flags, 'ulimit'),
    memory: changed(flags, 'memory', () => flags.string('memory')!),
    memorySwap: changed(flags, 'memory-swap', () => flags.string('memory-swap')!),
    memoryReservation: changed(flags, 'memory-reservation', () => flags.string('memory-reservation')!),
    memorySwappiness: changed(flags, 'memory-swappiness', () => flags.int('memory-swappiness')!),
    oomKillDisable: flags.bool('oom-kill-disable'),
    oomScoreAdj: changed(flags, 'oom-score-adj', () => flags.int('oom-score-adj')!),
    cpus,
    cpuShares: nonNegative(flags, 'cpu-shares'),
    cpusetCpus: changed(flags, 'cpuset-cpus', () => flags.string('cpuset-cpus')!),
    cpusetMems: changed(flags, 'cpuset-mems', () => flags.string('cpuset-mems')!),
    cpuPeriod: nonNegative(flags, 'cpu-period'),
    cpuQuota: changed(flags, 'cpu-quota', () => flags.int('cpu-quota')!),
    pidsLimit: changed(flags, 'pids-limit', () => flags.int('pids-limit')!),
    blkioWeight: blkio,
    sysctls: list(flags, 'sysctl'),
    ipc: changed(flags, 'ipc', () => flags.string('ipc')!),
    pid: changed(flags, 'pid', () => flags.string('pid')!),
    uts: changed(flags, 'uts', () => flags.string('uts')!),
    cgroupns: changed(flags, 'cgroupns', () => flags.string('cgroupns')!),
    userns: changed(flags, 'userns', () => flags.string('userns')!) ?? usernsFromEnvironment(flags),
    uidmap: list(flags, 'uidmap'),
    gidmap: list(flags, 'gidmap'),
    subuidname: changed(flags, 'subuidname', () => flags.string('subuidname')!),
    subgidname: changed(flags, 'subgidname', () => flags.string('subgidname')!),
    cgroupParent: changed(flags, 'cgroup-parent', () => flags.string('cgroup-parent')!),
    cgroups: changed(flags, 'cgroups', () => flags.string('cgroups')!),
    network: network.length > 0 ? network : undefined,
    ip: changed(flags, 'ip', () => flags.string('ip')!),
    ip6: changed(flags, 'ip6', () => flags.string('ip6')!),
    macAddress: changed(flags, 'mac-address', () => flags.string('mac-address')!),
    networkAliases: list(flags, 'network-alias'),
    publishAll: flags.bool('publish-all'),
    addHosts: list(flags, 'add-host'),
    dns: list(flags, 'dns'),
    dnsSearch: list(flags, 'dns-search'),
    dnsOptions: list(flags, 'dns-option'),
    noHosts: changed(flags, 'no-hosts', () => flags.bool('no-hosts')),
    expose: list(flags, 'expose'),
    publish: list(flags, 'publish'),
    stopSignal: changed(flags, 'stop-signal', () => flags.string('stop-signal')!),
    stopTimeout: nonNegative(flags, 'stop-timeout'),
    restart: changed(flags, 'restart', () => flags.string('restart')!),
    autoRemove: flags.bool('rm'),
    logDriver: changed(flags, 'log-driver', () => flags.string('log-driver')!),
    logOpts: list(flags, 'log-opt'),
    timeout: nonNegative(flags, 'timeout'),
    tz: changed(flags, 'tz', () => flags.string('tz')!),
    umask: changed(flags, 'umask', () => flags.string('umask')!),
    pull: flags.string('pull'),
    cidFile: changed(flags, 'cidfile', () => flags.string('cidfile')!),
    pidFile: changed(flags, 'pidfile', () => flags.string('pidfile')!),
    conmonPidFile: changed(flags, 'conmon-pidfile', () => flags.string('conmon-pidfile')!),
    sdNotify: flags.string('sdnotify'),
    healthCmd: changed(flags, 'health-cmd', () => flags.string('health-cmd')!),
    healthInterval: flags.string('health-interval'),
    healthTimeout: flags.string('health-timeout'),
    healthStartPeriod: flags.string('health-start-period'),
    healthRetries: flags.int('health-retries'),
    healthOnFailure: flags.string('health-on-failure'),
    noHealthcheck: flags.bool('no-healthcheck'),
    tty: flags.bool('tty'),
    interactive: flags.bool('interactive'),
    attach: attachStreams(list(flags, 'attach')),
    detachKeys: changed(flags, 'detach-keys', () => flags.string('detach-keys')!),
    createCommand,
    cwd: process.cwd(),
    hostEnv: process.env,
  };
}

/** How create/run pull a missing image: the registry flags, the platform, progress on stderr unless -q. */
export async function pullOptionsFrom(ctx: CliContext, flags: ParsedFlags): Promise<ImagePullOptions> {
  const { platformFrom, registryAccess } = await import('../image/registry-flags.ts');
  const { copyProgress } = await import('../image/copy-progress.ts');
  const { shortNamePrompt } = await import('../image/short-name-prompt.ts');
  const selectImage = shortNamePrompt();
  return { ...(await registryAccess(flags)), platform: platformFrom(flags), onEvent: copyProgress(ctx, flags.bool('quiet')), ...(selectImage ? { selectImage } : {}) };
}
