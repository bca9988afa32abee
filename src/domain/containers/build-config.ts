/**
 * `create`: the user's options plus the image config and containers.conf become the
 * container's ContainerConfig, with Podman 4.3's precedence (flag > image > containers.conf)
 * and its checks. Pure except for reading env and label files and stat-ing bind sources.
 */
import { hostname as osHostname } from 'node:os';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { ContainersConf } from '../../infra/config/containers-conf.ts';
import type { ContainerConfig as ImageContainerConfig } from '../images/image-config.ts';
import type { ContainerCreateOptions } from './create-options.ts';
import type { ContainerConfig, MountSpec } from './model.ts';
import { parseNetworkFlags } from './network-flags.ts';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from './mount-flags.ts';
import { parseExpose, parsePublish } from './port-mappings.ts';
import {
  checkContainerName, checkSeconds, parseEntrypoint, parseKeyValues, parseLogDriver, parseLogOpts, parseMemorySwap,
  parseHumanSize, parseRestartPolicy, parseSizeFlag, readLinesFile,
} from './option-parsers.ts';
import { normalizeCapabilities } from './spec/capabilities.ts';
import { applyEnvEntries, parseSignal, parseUmask } from './spec/process-config.ts';
import { parseUlimit } from './spec/rlimits.ts';

export interface BuildConfigInput {
  id: string;
  name: string;
  options: ContainerCreateOptions;
  image: { id: string; name: string; digest: string; config: ImageContainerConfig };
  conf: ContainersConf;
  /** the OCI runtime chosen (name or path) */
  runtime: string;
  cgroupManager: string;
  /** global flags replayed by conmon's exit command */
  engineArgs: string[];
  /** where a k8s-file log goes unless `--log-opt path=` says otherwise */
  defaultLogPath: string;
  created: string;
  /** rootless containers get slirp4netns by default, and no bridge networks */
  rootless?: boolean;
}

const proxyVars = ['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY'];

/** Podman's order: defaults, container=podman, host env, image env, env files, -e; then --unsetenv. */
export function containerEnv(opts: ContainerCreateOptions, image: ImageContainerConfig, conf: ContainersConf): string[] {
  const hostEnv = opts.hostEnv ?? {};
  const env = new Map<string, string>();
  if (!opts.unsetEnvAll) {
    applyEnvEntries(env, conf.containers.env, {});
    env.set('container', 'podman');
    if (opts.envHost ?? conf.containers.envHost) {
      for (const [k, v] of Object.entries(hostEnv)) if (v !== undefined) env.set(k, v);
    } else if (opts.httpProxy ?? conf.containers.httpProxy) {
      for (const k of proxyVars) if (hostEnv[k] !== undefined) env.set(k, hostEnv[k]!);
    }
    applyEnvEntries(env, image.Env ?? [], {});
  }
  for (const file of opts.envFiles ?? []) applyEnvEntries(env, readLinesFile(file, 'env'), hostEnv);
  applyEnvEntries(env, opts.env ?? [], hostEnv);
  for (const key of opts.unsetEnv ?? []) env.delete(key);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** What no `--network` gives: containers.conf's netns, where `private` is the bridge for root and slirp4netns rootless. */
function defaultNetworkMode(conf: ContainersConf, rootless: boolean): string {
  const netns = conf.containers.netns;
  if (netns === 'host' || netns === 'none' || netns === 'bridge' || /^(slirp4netns|pasta)(:|$)/.test(netns)) return netns;
  return rootless ? 'slirp4netns' : 'bridge';
}

function shmSize(text: string): number {
  try {
    return parseHumanSize(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid value for shm-size: ${(err as Error).message}`);
  }
}

function imageUsesHostUts(uts: string, net: string): boolean {
  return uts === 'host' || (uts === '' && net === 'host');
}

function resources(opts: ContainerCreateOptions, conf: ContainersConf): ContainerConfig['resources'] {
  const r: ContainerConfig['resources'] = {};
  if (opts.memory !== undefined) r.memory = parseSizeFlag('memory', opts.memory);
  if (opts.memorySwap !== undefined) {
    r.memorySwap = parseMemorySwap(opts.memorySwap);
    if (!r.memory) throw new InvalidArgumentError('you should always set a memory limit when using a memoryswap limit, see usage');
  }
  if (opts.memoryReservation !== undefined) r.memoryReservation = parseSizeFlag('memory-reservation', opts.memoryReservation);
  if (opts.memorySwappiness !== undefined && opts.memorySwappiness >= 0) {
    if (opts.memorySwappiness > 100) throw new InvalidArgumentError(`invalid value: ${opts.memorySwappiness}, valid memory swappiness range is 0-100`);
    r.memorySwappiness = opts.memorySwappiness;
  }
  if (opts.oomKillDisable) r.oomKillDisable = true;
  if (opts.cpus !== undefined && opts.cpus > 0) r.cpus = opts.cpus;
  if (opts.cpuShares !== undefined && opts.cpuShares > 0) r.cpuShares = opts.cpuShares;
  if (opts.cpusetCpus) r.cpusetCpus = opts.cpusetCpus;
  if (opts.cpusetMems) r.cpusetMems = opts.cpusetMems;
  if (opts.cpuPeriod !== undefined && opts.cpuPeriod > 0) r.cpuPeriod = opts.cpuPeriod;
  if (opts.cpuQuota !== undefined && opts.cpuQuota > 0) r.cpuQuota = opts.cpuQuota;
  const pids = opts.pidsLimit ?? conf.containers.pidsLimit;
  if (pids !== 0) r.pidsLimit = pids;
  if (opts.blkioWeight !== undefined && opts.blkioWeight > 0) r.blkioWeight = opts.blkioWeight;
  return r;
}

function mountsOf(opts: ContainerCreateOptions): { mounts: MountSpec[]; tmpfs: Record<string, string> } {
  const cwd = opts.cwd ?? process.cwd();
  const mounts = [...(opts.volumes ?? []).map((v) => parseVolumeFlag(v, cwd)), ...(opts.mounts ?? []).map((m) => parseMountFlag(m, cwd))];
  const tmpfs: Record<string, string> = {};
  for (const t of opts.tmpfs ?? []) {
    const [dest, o] = parseTmpfsFlag(t);
    tmpfs[dest] = o;
  }
  return { mounts, tmpfs };
}

function healthcheck(opts: ContainerCreateOptions, image: ImageContainerConfig): ContainerConfig['healthcheck'] {
  if (opts.noHealthcheck || opts.healthCmd === 'none') return undefined;
  const fromImage = image.Healthcheck;
  let test: string[] | undefined;
  if (opts.healthCmd !== undefined) {
    const parsed = parseEntrypoint(opts.healthCmd);
    test = opts.healthCmd.trimStart().startsWith('[') && parsed.length > 0 && parsed[0] !== opts.healthCmd ? parsed : ['CMD-SHELL', opts.healthCmd];
  } else if (fromImage?.Test && fromImage.Test.length > 0 && fromImage.Test[0] !== 'NONE') {
    test = fromImage.Test;
  }
  if (!test) return undefined;
  return {
    test,
    interval: opts.healthInterval ?? '30s',
    timeout: opts.healthTimeout ?? '30s',
    startPeriod: opts.healthStartPeriod ?? '0s',
    retries: opts.healthRetries ?? 3,
    onFailure: opts.healthOnFailure ?? 'none',
  };
}

export function buildContainerConfig(input: BuildConfigInput): ContainerConfig {
  const { options: opts, image, conf, id } = input;
  checkContainerName(input.name);
  const img = image.config;
  const entrypoint = opts.entrypoint !== undefined ? parseEntrypoint(opts.entrypoint) : [...(img.Entrypoint ?? [])];
  const command = opts.command && opts.command.length > 0 ? [...opts.command] : opts.entrypoint !== undefined ? [] : [...(img.Cmd ?? [])];
  const argv = [...entrypoint, ...command];
  if (argv.length === 0) throw new InvalidArgumentError('no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  const choice = parseNetworkFlags(
    { values: opts.network, ip: opts.ip, ip6: opts.ip6, macAddress: opts.macAddress, aliases: opts.networkAliases },
    defaultNetworkMode(conf, input.rootless === true),
    conf.network.defaultNetwork || 'podman',
  );
  const net = choice.mode;
  if (!input.rootless && net === 'pasta') throw new InvalidArgumentError('pasta networking is only supported for rootless mode');
  const uts = opts.uts ?? (conf.containers.utsns === 'private' ? '' : conf.containers.utsns);
  const hostname = opts.hostname ?? (imageUsesHostUts(uts, net) ? osHostname() : img.Hostname || id.slice(0, 12));
  const restartPolicy = parseRestartPolicy(opts.restart ?? '');
  if (opts.autoRemove && restartPolicy.name !== '' && restartPolicy.name !== 'no') {
    throw new InvalidArgumentError('the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"');
  }
  const logOpts = parseLogOpts(opts.logOpts ?? []);
  const stopSignal = opts.stopSignal ?? img.StopSignal ?? 'SIGTERM';
  parseSignal(stopSignal);
  for (const u of opts.ulimits ?? []) if (u !== 'host') parseUlimit(u);
  const umask = opts.umask ?? conf.containers.umask;
  parseUmask(umask);
  const { mounts, tmpfs } = mountsOf(opts);
  const labels = { ...(img.Labels ?? {}) };
  for (const f of opts.labelFiles ?? []) Object.assign(labels, parseKeyValues(readLinesFile(f, 'label'), 'label'));
  Object.assign(labels, parseKeyValues(opts.labels ?? [], 'label'));
  const exposed = new Set(Object.keys(img.ExposedPorts ?? {}));
  for (const e of opts.expose ?? []) for (const p of e.split(',')) for (const port of parseExpose(p)) exposed.add(port);
  const cgroupsMode = opts.cgroups ?? conf.containers.cgroups;
  if (!['enabled', 'disabled', 'no-conmon', 'split'].includes(cgroupsMode)) throw new InvalidArgumentError(`invalid cgroup mode ${JSON.stringify(cgroupsMode)}`);
  return {
    id,
    name: input.name,
    imageId: image.id,
    imageName: image.name,
    imageDigest: image.digest,
    created: input.created,
    command,
    entrypoint,
    path: argv[0]!,
    args: argv.slice(1),
    env: containerEnv(opts, img, conf),
    workingDir: opts.workdir || img.WorkingDir || '/',
    user: opts.user ?? img.User ?? '',
    groupAdd: opts.groupAdd ?? [],
    hostname,
    labels,
    annotations: { ...parseKeyValues(conf.containers.annotations, 'annotation'), ...parseKeyValues(opts.annotations ?? [], 'annotation') },
    stopSignal,
    stopTimeout: checkSeconds(opts.stopTimeout ?? img.StopTimeout ?? conf.engine.stopTimeout, 'stop-timeout'),
    tty: opts.tty === true,
    stdin: opts.interactive === true,
    interactive: opts.interactive === true,
    init: opts.init ?? conf.containers.init,
    initPath: opts.initPath ?? conf.containers.initPath,
    readOnly: opts.readOnly ?? conf.containers.readOnly,
    readOnlyTmpfs: opts.readOnlyTmpfs ?? true,
    privileged: opts.privileged === true,
    mounts,
    anonymousVolumes: [],
    ports: (opts.publish ?? []).map(parsePublish),
    exposedPorts: [...exposed],
    networkMode: net,
    networks: choice.networks,
    ...(Object.keys(choice.options).length > 0 ? { networkOptions: choice.options } : {}),
    ...(choice.modeOptions ? { networkModeOptions: choice.modeOptions } : {}),
    ...(opts.publishAll ? { publishAll: true } : {}),
    dns: {
      servers: opts.dns ?? conf.containers.dnsServers,
      searches: opts.dnsSearch ?? conf.containers.dnsSearches,
      options: opts.dnsOptions ?? conf.containers.dnsOptions,
    },
    addHosts: opts.addHosts ?? [],
    noHosts: opts.noHosts ?? conf.containers.noHosts,
    restartPolicy,
    autoRemove: opts.autoRemove === true,
    logDriver: parseLogDriver(opts.logDriver ?? conf.containers.logDriver),
    logPath: logOpts.path ?? input.defaultLogPath,
    logOpts,
    logTag: logOpts.tag ?? conf.containers.logTag,
    runtime: input.runtime,
    cgroupManager: input.cgroupManager,
    cgroupParent: opts.cgroupParent ?? '',
    cgroupsMode,
    namespaces: {
      ipc: opts.ipc ?? conf.containers.ipcns,
      pid: opts.pid ?? conf.containers.pidns,
      uts,
      cgroupns: opts.cgroupns ?? conf.containers.cgroupns,
      net,
      user: opts.userns ?? '',
    },
    capAdd: normalizeCapabilities(opts.capAdd ?? []),
    capDrop: normalizeCapabilities(opts.capDrop ?? []),
    securityOpts: opts.securityOpts ?? [],
    ulimits: opts.ulimits ?? [],
    devices: opts.devices ?? [],
    resources: resources(opts, conf),
    shmSize: shmSize(opts.shmSize ?? conf.containers.shmSize),
    tmpfs,
    timezone: opts.tz ?? conf.containers.tz,
    umask,
    timeout: checkSeconds(opts.timeout ?? 0, 'timeout'),
    pidFile: opts.pidFile ?? '',
    conmonPidFile: opts.conmonPidFile ?? '',
    cidFile: opts.cidFile ?? '',
    sdNotifyMode: sdNotifyMode(opts.sdNotify),
    healthcheck: healthcheck(opts, img),
    detachKeys: opts.detachKeys ?? conf.engine.detachKeys,
    engineArgs: input.engineArgs,
    createCommand: opts.createCommand ?? [],
    sysctls: parseKeyValues((opts.sysctls ?? []).flatMap((s) => s.split(',')), 'sysctl'),
    ...(opts.oomScoreAdj !== undefined ? { oomScoreAdj: opts.oomScoreAdj } : {}),
    attach: opts.attach ?? [],
  };
}

/** Podman's --sdnotify values and its message for any other. */
function sdNotifyMode(value: string | undefined): string {
  const mode = value ?? 'container';
  if (!['container', 'conmon', 'ignore'].includes(mode)) {
    throw new InvalidArgumentError(`sdnotify option "${mode}" not found: invalid argument`);
  }
  return mode;
}
