/**
 * `inspect` of a container: Podman 4.3's InspectContainerData, field for field and in its
 * order. What only the generated spec knows (environment with HOME, capabilities, rlimits,
 * annotations) is read from config.json once the container has been initialised.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import { currentHealth, healthReport } from '../domain/containers/health.ts';
import type { ContainerConfig, MountSpec } from '../domain/containers/model.ts';
import { withoutSecretEnv } from '../domain/secrets/secret.ts';
import { goMap } from '../domain/go-map.ts';
import { parseHumanSize } from '../domain/containers/option-parsers.ts';
import { parseSignal } from '../domain/containers/spec/process-config.ts';
import type { RuntimeSpec } from '../infra/oci/runtime-spec.ts';
import type { ContainerEngine } from './container-engine.ts';
import { networkSettings, portBindings } from './container-network-inspect.ts';
import type { ContainerInspectReport } from './container-reports.ts';

const zeroTime = '0001-01-01T00:00:00Z';

/** Podman's state word: a container never initialised reads as created. */
export function stateWord(rec: ContainerRecord): string {
  return rec.state.status === 'configured' ? 'created' : rec.state.status;
}

/** Docker's default capability set: Podman reports CapAdd/CapDrop relative to it. */
const dockerDefaultCaps = [
  'CAP_AUDIT_WRITE', 'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_MKNOD', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
];

function readSpec(file: string): RuntimeSpec | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeSpec;
  } catch {
    return undefined;
  }
}

function ifExists(file: string): string {
  return fs.existsSync(file) ? file : '';
}

/** go-units HumanSize (decimal, 4 significant digits): "1MB", "0B". */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(4))}${units[i]}`;
}

function mountOptions(m: MountSpec): { rw: boolean; propagation: string; options: string[] } {
  const rw = !m.options.includes('ro');
  const propagation = m.options.find((o) => /^r?(private|shared|slave|unbindable)$/.test(o)) ?? 'rprivate';
  const options = m.options.filter((o) => o !== 'ro' && o !== 'rw' && o !== propagation && !/^[zZUO]$/.test(o));
  if (m.type === 'volume') {
    for (const o of ['nosuid', 'nodev']) if (!options.includes(o) && !options.includes(o.slice(2))) options.push(o);
  }
  if (!options.includes('bind') && !options.includes('rbind')) options.push('rbind');
  return { rw, propagation, options };
}

function inspectMounts(ce: ContainerEngine, c: ContainerConfig): Record<string, unknown>[] {
  const volumes = c.mounts.filter((m) => m.type === 'volume').reverse();
  const binds = c.mounts.filter((m) => m.type === 'bind');
  return [...volumes, ...binds].map((m) => {
    const { rw, propagation, options } = mountOptions(m);
    return m.type === 'volume'
      ? { Type: 'volume', Name: m.name, Source: path.join(ce.engine.store.paths.volumes, m.name ?? '', '_data'), Destination: m.destination, Driver: 'local', Mode: '', Options: options, RW: rw, Propagation: propagation }
      : { Type: 'bind', Source: m.source, Destination: m.destination, Driver: '', Mode: '', Options: options, RW: rw, Propagation: propagation };
  });
}

function binds(c: ContainerConfig): string[] {
  const volumes = c.mounts.filter((m) => m.type === 'volume').reverse();
  const bindMounts = c.mounts.filter((m) => m.type === 'bind');
  return [...volumes, ...bindMounts].map((m) => {
    const { rw, propagation, options } = mountOptions(m);
    return `${m.type === 'volume' ? m.name : m.source}:${m.destination}:${[rw ? 'rw' : 'ro', propagation, ...options].join(',')}`;
  });
}

function tmpfsMap(c: ContainerConfig): Record<string, string> {
  const out: Record<string, string> = {};
  const withDefaults = (opts: string) => {
    const list = opts === '' ? [] : opts.split(',');
    for (const d of ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup']) if (!list.some((o) => o === d || (d === 'rw' && o === 'ro'))) list.push(d);
    return list.join(',');
  };
  if (c.readOnly && c.readOnlyTmpfs) for (const d of ['/run', '/tmp', '/var/tmp']) out[d] = withDefaults('');
  for (const [dest, opts] of Object.entries(c.tmpfs)) out[dest] = withDefaults(opts);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function namespaceMode(value: string, fallback: string): string {
  return value === '' ? fallback : value;
}

export function inspectContainer(ce: ContainerEngine, rec: ContainerRecord, _opts: { size?: boolean }): ContainerInspectReport {
  const { config: c, state: s } = rec;
  const userdata = ce.userdataDir(c.id);
  const initialised = s.status !== 'configured' || !s.startedAt.startsWith('0001');
  const spec = initialised ? readSpec(path.join(userdata, 'config.json')) : undefined;
  const caps = spec?.process?.capabilities;
  const bounding = caps?.bounding ?? [];
  const store = ce.engine.store;
  const image = store.images.get(c.imageId);
  const chain = image ? store.layers.chain(image.topLayer) : [];
  const running = s.status === 'running' || s.status === 'paused';
  const r = c.resources;
  const stopSignal = (() => {
    try {
      return parseSignal(c.stopSignal);
    } catch {
      return 15;
    }
  })();
  const state: Record<string, unknown> = {
    OciVersion: '1.0.2-dev',
    Status: stateWord(rec),
    Running: s.status === 'running',
    Paused: s.status === 'paused',
    Restarting: false,
    OOMKilled: s.oomKilled,
    Dead: false,
    Pid: running ? s.pid : 0,
    ...(running && s.conmonPid ? { ConmonPid: s.conmonPid } : {}),
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
    Health: healthReport(currentHealth(c, s)),
    ...(running ? { CgroupPath: `${c.cgroupParent || '/libpod_parent'}/libpod-${c.id}` } : {}),
    CheckpointedAt: zeroTime,
    RestoredAt: zeroTime,
  };
  // Podman 4.3's InspectContainerState.Healthcheck(): `{{.State.Healthcheck}}` in templates, not in the JSON.
  Object.defineProperty(state, 'Healthcheck', { value: state['Health'], enumerable: false });
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: state,
    Image: c.imageId,
    ImageDigest: c.imageDigest ?? '',
    ImageName: c.imageName,
    Rootfs: '',
    Pod: '',
    ResolvConfPath: ifExists(path.join(userdata, 'resolv.conf')),
    HostnamePath: ifExists(path.join(userdata, 'hostname')),
    HostsPath: ifExists(path.join(userdata, 'hosts')),
    StaticDir: userdata,
    OCIConfigPath: path.join(userdata, 'config.json'),
    OCIRuntime: path.basename(c.runtime),
    ConmonPidFile: c.conmonPidFile || path.join(userdata, 'conmon.pid'),
    PidFile: path.join(userdata, 'pidfile'),
    Name: c.name,
    RestartCount: s.restartCount,
    Driver: 'overlay',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: spec?.process?.apparmorProfile ?? '',
    EffectiveCaps: caps?.effective ?? [],
    BoundingCaps: bounding,
    ExecIDs: [],
    GraphDriver: {
      Name: 'overlay',
      Data: {
        LowerDir: chain.map((l) => store.paths.layerDiff(l.id)).reverse().join(':'),
        MergedDir: ce.mountPoint(c.id),
        UpperDir: path.join(ce.containerDir(c.id), 'diff'),
        WorkDir: path.join(ce.containerDir(c.id), 'work'),
      },
    },
    Mounts: inspectMounts(ce, c),
    Dependencies: [],
    NetworkSettings: networkSettings(c, s),
    Namespace: '',
    IsInfra: false,
    IsService: false,
    Config: {
      Hostname: c.hostname,
      Domainname: '',
      User: c.user,
      AttachStdin: (c.attach ?? []).includes('stdin'),
      AttachStdout: (c.attach ?? []).includes('stdout'),
      AttachStderr: (c.attach ?? []).includes('stderr'),
      Tty: c.tty,
      OpenStdin: c.interactive,
      StdinOnce: c.interactive && (c.attach ?? []).includes('stdin'),
      // an env secret's value stays out of inspect (the spec has it, for the runtime)
      Env: withoutSecretEnv(spec?.process?.env ?? c.env, c.secrets),
      Cmd: c.command,
      Image: c.imageName,
      Volumes: null,
      WorkingDir: c.workingDir,
      Entrypoint: c.entrypoint.join(' '),
      OnBuild: null,
      Labels: goMap(c.labels),
      Annotations: goMap(spec?.annotations ?? c.annotations),
      StopSignal: stopSignal,
      ...(c.healthcheck ? { Healthcheck: { Test: c.healthcheck.test, Interval: c.healthcheck.interval, Timeout: c.healthcheck.timeout, StartPeriod: c.healthcheck.startPeriod, Retries: c.healthcheck.retries } } : {}),
      HealthcheckOnFailureAction: c.healthcheck?.onFailure ?? 'none',
      CreateCommand: c.createCommand,
      Umask: c.umask,
      ...(c.secrets?.length ? { Secrets: c.secrets.map((s) => ({ Name: s.Name, ID: s.ID, UID: s.UID, GID: s.GID, Mode: s.Mode })) } : {}),
      Timeout: c.timeout,
      StopTimeout: c.stopTimeout,
      Passwd: true,
      sdNotifyMode: c.sdNotifyMode,
    },
    HostConfig: {
      Binds: binds(c),
      CgroupManager: c.cgroupManager,
      CgroupMode: c.namespaces.cgroupns === 'private' ? 'private' : 'host',
      ContainerIDFile: c.cidFile,
      LogConfig: { Type: c.logDriver, Config: null, Path: c.logPath, Tag: c.logTag, Size: humanSize(logMaxSize(c)) },
      NetworkMode: c.networkMode,
      PortBindings: portBindings(c),
      RestartPolicy: { Name: c.restartPolicy.name, MaximumRetryCount: c.restartPolicy.maxRetries },
      AutoRemove: c.autoRemove,
      VolumeDriver: '',
      VolumesFrom: null,
      CapAdd: c.privileged ? [] : bounding.filter((x) => !dockerDefaultCaps.includes(x)),
      CapDrop: c.privileged ? [] : dockerDefaultCaps.filter((x) => bounding.length > 0 && !bounding.includes(x)),
      Dns: c.dns.servers,
      DnsOptions: c.dns.options,
      DnsSearch: c.dns.searches,
      ExtraHosts: c.addHosts,
      GroupAdd: c.groupAdd,
      IpcMode: namespaceMode(c.namespaces.ipc, 'private'),
      Cgroup: '',
      Cgroups: c.cgroupsMode === 'enabled' ? 'default' : c.cgroupsMode,
      Links: null,
      OomScoreAdj: c.oomScoreAdj ?? 0,
      PidMode: namespaceMode(c.namespaces.pid, 'private'),
      Privileged: c.privileged,
      PublishAllPorts: c.publishAll === true,
      ReadonlyRootfs: c.readOnly,
      SecurityOpt: c.securityOpts,
      Tmpfs: tmpfsMap(c),
      UTSMode: namespaceMode(c.namespaces.uts, c.namespaces.net === 'host' ? 'host' : 'private'),
      UsernsMode: /^(ns|container):/.test(c.namespaces.user) ? c.namespaces.user : c.idMappings ? 'private' : '',
      ...(c.idMappings && !c.namespaces.user.startsWith('ns:') ? { IDMappings: { UidMap: c.idMappings.uidMap.map(idMapText), GidMap: c.idMappings.gidMap.map(idMapText) } } : {}),
      ShmSize: c.shmSize,
      Runtime: 'oci',
      ConsoleSize: [0, 0],
      Isolation: '',
      CpuShares: r.cpuShares ?? 0,
      Memory: r.memory ?? 0,
      NanoCpus: r.cpus ? Math.round(r.cpus * 1e9) : 0,
      CgroupParent: c.cgroupParent,
      BlkioWeight: r.blkioWeight ?? 0,
      BlkioWeightDevice: null,
      BlkioDeviceReadBps: null,
      BlkioDeviceWriteBps: null,
      BlkioDeviceReadIOps: null,
      BlkioDeviceWriteIOps: null,
      CpuPeriod: r.cpuPeriod ?? (r.cpus ? 100000 : 0),
      CpuQuota: r.cpuQuota ?? (r.cpus ? Math.round(r.cpus * 100000) : 0),
      CpuRealtimePeriod: 0,
      CpuRealtimeRuntime: 0,
      CpusetCpus: r.cpusetCpus ?? '',
      CpusetMems: r.cpusetMems ?? '',
      Devices: c.devices.map((d) => {
        const [host, ctr, perms] = d.split(':');
        return { PathOnHost: host, PathInContainer: ctr && !/^[rwm]+$/.test(ctr) ? ctr : host, CgroupPermissions: perms ?? (ctr && /^[rwm]+$/.test(ctr) ? ctr : 'rwm') };
      }),
      DiskQuota: 0,
      KernelMemory: 0,
      MemoryReservation: r.memoryReservation ?? 0,
      MemorySwap: r.memorySwap ?? (r.memory ? 2 * r.memory : 0),
      MemorySwappiness: r.memorySwappiness ?? (r.memory || r.memorySwap || r.memoryReservation ? -1 : 0),
      OomKillDisable: r.oomKillDisable ?? false,
      PidsLimit: r.pidsLimit ?? 0,
      Ulimits: (spec?.process?.rlimits ?? []).map((l) => ({ Name: l.type, Soft: l.soft, Hard: l.hard })),
      CpuCount: 0,
      CpuPercent: 0,
      IOMaximumIOps: 0,
      IOMaximumBandwidth: 0,
      CgroupConf: null,
    },
  };
}

/** Podman's `container:host:size` text of one id mapping. */
function idMapText(m: { containerID: number; hostID: number; size: number }): string {
  return `${m.containerID}:${m.hostID}:${m.size}`;
}

/** `--log-opt max-size` in bytes (decimal units, as Podman reads it), 0 when unset. */
export function logMaxSize(c: ContainerConfig): number {
  const text = c.logOpts['max-size'];
  return text ? parseHumanSize(text) : 0;
}

