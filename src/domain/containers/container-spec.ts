/**
 * From a ContainerConfig to what generateSpec() and prepareRunFiles() take, at init time:
 * the rootfs is mounted, the user resolved in it, volumes and devices resolved by the
 * caller. The config already holds the merged image settings (env, command, workdir…), so
 * the image part given to the generator carries nothing more.
 */
import type { ContainersConf } from '../../infra/config/containers-conf.ts';
import type { NamespaceType } from '../../infra/oci/runtime-spec.ts';
import type { ContainerConfig } from './model.ts';
import type { DeviceInput } from './spec/devices.ts';
import { parseNamespaceMode } from './spec/namespaces.ts';
import type { RunFilesOptions } from './spec/run-files.ts';
import { seccompProfileFor } from './spec/seccomp-profile.ts';
import type { HostInfo, MountInput, Namespaces, RunFiles, SpecInput } from './spec/spec-input.ts';
import type { ResolvedUser } from './spec/user.ts';

export interface ContainerSpecContext {
  config: ContainerConfig;
  /** the mounted root file system */
  rootfs: string;
  user: ResolvedUser;
  runFiles: RunFiles;
  conf: ContainersConf;
  host: HostInfo;
  /** host paths of the config's `volume` mounts, by destination */
  volumePaths: ReadonlyMap<string, string>;
  devices: readonly DeviceInput[];
  /** catatonit, for --init */
  initPath?: string;
  /** `--sdnotify container`: where conmon makes the notify socket the container gets */
  notifySocketDir?: string;
  /** `container:<name>` namespace modes resolved to `ns:/proc/<pid>/ns/<type>` */
  resolveNamespace?: (value: string, type: NamespaceType) => string;
}

/** `none`, and a bridge or user-mode network not yet set up (a create-time check), are a fresh namespace. */
const privateNet = (value: string) => (['none', 'bridge', 'slirp4netns', 'pasta'].includes(value) ? 'private' : value);

/** Podman's namespace words: `none` networking is a private namespace with loopback only. */
/** Before the engine can resolve `container:NAME` (create-time checks), it stands for a namespace of its own. */
const unresolved = (value: string) => (/^container:(?!\d+$)/.test(value) ? 'private' : value);

export function containerNamespaces(config: ContainerConfig, resolve: (value: string, type: NamespaceType) => string = unresolved): Namespaces {
  const ns = config.namespaces;
  const mode = (value: string, type: NamespaceType) => parseNamespaceMode(resolve(value, type), type);
  return {
    pid: mode(ns.pid, 'pid'),
    net: parseNamespaceMode(privateNet(resolve(ns.net, 'network')), 'network'),
    ipc: mode(ns.ipc, 'ipc'),
    uts: mode(ns.uts === '' ? (ns.net === 'host' ? 'host' : 'private') : ns.uts, 'uts'),
    cgroup: mode(ns.cgroupns, 'cgroup'),
  };
}

function mountInputs(config: ContainerConfig, volumePaths: ReadonlyMap<string, string>): MountInput[] {
  return config.mounts.map((m) => ({
    type: m.type,
    source: m.type === 'volume' ? (volumePaths.get(m.destination) ?? '') : m.source,
    destination: m.destination,
    options: m.options,
  }));
}

export function containerSpecInput(ctx: ContainerSpecContext): SpecInput {
  const c = ctx.config;
  const namespaces = containerNamespaces(c, ctx.resolveNamespace);
  const r = c.resources;
  return {
    id: c.id,
    name: c.name,
    rootfs: ctx.rootfs,
    image: { WorkingDir: c.workingDir, StopSignal: c.stopSignal },
    created: c.created,
    entrypoint: c.entrypoint,
    command: c.command,
    env: c.env,
    httpProxy: false,
    workdir: c.workingDir,
    user: ctx.user,
    userSpec: c.user,
    hostname: c.hostname,
    annotations: c.annotations,
    terminal: c.tty,
    ...(c.init && ctx.initPath ? { initPath: ctx.initPath } : {}),
    ...(ctx.notifySocketDir !== undefined ? { notifySocketDir: ctx.notifySocketDir } : {}),
    readOnly: c.readOnly,
    readOnlyTmpfs: c.readOnlyTmpfs,
    mounts: mountInputs(c, ctx.volumePaths),
    tmpfs: c.tmpfs,
    shm: namespaces.ipc.mode === 'host' ? { path: '/dev/shm' } : { size: c.shmSize },
    devices: ctx.devices,
    capAdd: c.capAdd,
    capDrop: c.capDrop,
    defaultCapabilities: ctx.conf.containers.defaultCapabilities,
    privileged: c.privileged,
    securityOpts: c.securityOpts,
    seccompProfile: seccompProfileFor({ securityOpts: c.securityOpts, privileged: c.privileged, defaultProfilePath: ctx.conf.containers.seccompProfile }),
    ulimits: c.ulimits,
    defaultUlimits: ctx.conf.containers.defaultUlimits,
    resources: {
      memory: r.memory,
      memorySwap: r.memorySwap,
      memoryReservation: r.memoryReservation,
      memorySwappiness: r.memorySwappiness,
      oomKillDisable: r.oomKillDisable,
      cpus: r.cpus,
      cpuShares: r.cpuShares,
      cpuQuota: r.cpuQuota,
      cpuPeriod: r.cpuPeriod,
      cpusetCpus: r.cpusetCpus,
      cpusetMems: r.cpusetMems,
      pidsLimit: r.pidsLimit,
      blkioWeight: r.blkioWeight,
    },
    namespaces,
    sysctls: c.sysctls ?? {},
    defaultSysctls: ctx.conf.containers.defaultSysctls,
    runFiles: ctx.runFiles,
    umask: c.umask,
    stopSignal: c.stopSignal,
    ...(c.oomScoreAdj !== undefined ? { oomScoreAdj: c.oomScoreAdj } : {}),
    cgroups: c.cgroupsMode === 'disabled' ? 'disabled' : { manager: c.cgroupManager === 'systemd' ? 'systemd' : 'cgroupfs', ...(c.cgroupParent ? { parent: c.cgroupParent } : {}) },
    autoRemove: c.autoRemove,
    host: ctx.host,
  };
}

/** What bridge networking set up, for /etc/hosts and /etc/resolv.conf. */
export interface NetworkRunInfo {
  /** the container's addresses */
  ips: string[];
  /** aardvark-dns servers of its DNS-enabled networks */
  dnsServers: string[];
  dnsSearch: string[];
  /** the address the host answers on (host.containers.internal) */
  hostAddress?: string;
}

/** The per-container files: no resolv.conf without networking (as Podman does for `none`). */
export function containerRunFilesOptions(c: ContainerConfig, conf: ContainersConf, rootless: boolean, network?: NetworkRunInfo): RunFilesOptions {
  const net = c.namespaces.net;
  return {
    hostname: c.hostname,
    name: c.name,
    hosts: c.noHosts
      ? null
      : {
          addHosts: c.addHosts,
          ips: network?.ips ?? [],
          ...(network?.hostAddress ? { hostContainersInternal: network.hostAddress } : {}),
          ...(conf.containers.baseHostsFile ? { baseHostsFile: conf.containers.baseHostsFile } : {}),
        },
    resolvConf:
      net === 'none'
        ? null
        : {
            dnsServers: c.dns.servers,
            dnsSearch: c.dns.searches.length > 0 ? c.dns.searches : (network?.dnsSearch ?? []),
            dnsOptions: c.dns.options,
            privateNetwork: net !== 'host',
            ...(network && network.dnsServers.length > 0 && c.dns.servers.length === 0 ? { networkServers: network.dnsServers } : {}),
          },
    containerenv: { privileged: c.privileged, info: { engine: 'skiff', name: c.name, id: c.id, image: c.imageName, imageId: c.imageId, rootless } },
    ...(c.timezone ? { timezone: c.timezone } : {}),
  };
}
