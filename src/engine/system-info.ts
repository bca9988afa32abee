/**
 * `info`: facts about the host, the store and the configuration, in Podman's shape
 * (define.Info's JSON field names, in its field order). The version section is the
 * client's, so the CLI adds it.
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { ContainerRepo } from '../domain/containers/container-repo.ts';
import type { Engine } from './engine.ts';

export interface IdMap {
  container_id: number;
  host_id: number;
  size: number;
}

export interface HostInfo {
  arch: string;
  cgroupManager: string;
  cgroupVersion: string;
  cgroupControllers: string[];
  conmon: { path: string; version: string };
  cpus: number;
  distribution: { distribution: string; version: string; codename?: string };
  eventLogger: string;
  hostname: string;
  idMappings: { gidmap: IdMap[] | null; uidmap: IdMap[] | null };
  kernel: string;
  logDriver: string;
  memFree: number;
  memTotal: number;
  networkBackend: string;
  ociRuntime: { name: string; path: string; version: string };
  os: string;
  serviceIsRemote: boolean;
  security: {
    apparmorEnabled: boolean;
    capabilities: string;
    rootless: boolean;
    seccompEnabled: boolean;
    seccompProfilePath: string;
    selinuxEnabled: boolean;
  };
  swapFree: number;
  swapTotal: number;
  uptime: string;
}

export interface StoreInfo {
  configFile: string;
  containerStore: { number: number; paused: number; running: number; stopped: number };
  graphDriverName: string;
  graphOptions: Record<string, string>;
  graphRoot: string;
  graphRootAllocated: number;
  graphRootUsed: number;
  graphStatus: Record<string, string>;
  imageCopyTmpDir: string;
  imageStore: { number: number };
  runRoot: string;
  volumePath: string;
}

export interface RegistryInfo {
  Prefix: string;
  Location: string;
  Insecure: boolean;
  PullFromMirror: string;
  Mirrors: { Location: string; Insecure: boolean; PullFromMirror: string }[] | null;
  Blocked: boolean;
  MirrorByDigestOnly: boolean;
}

export interface SystemInfo {
  host: HostInfo;
  store: StoreInfo;
  /** `search` → the unqualified-search registries; each `[[registry]]` by its prefix */
  registries: Record<string, string[] | RegistryInfo>;
  plugins: { volume: string[]; network: string[]; log: string[]; authorization: string[] | null };
}

/** Go's GOARCH for Node's process.arch. */
export function goArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' };
  return map[arch] ?? arch;
}

export async function collectInfo(engine: Engine): Promise<SystemInfo> {
  const { loadContainersConf } = await import('../infra/config/containers-conf.ts');
  const conf = loadContainersConf();
  const { isRootless } = await import('../infra/config/paths.ts');
  const rootless = isRootless();
  const [runtime, conmon] = await Promise.all([runtimeInfo(engine, conf.engine.runtime, conf.engine.runtimes), conmonInfo(engine.options.conmon, conf.engine.conmonPath)]);
  const cgroup2 = isCgroup2();
  const meminfo = readMeminfo();
  const host: HostInfo = {
    arch: goArch(),
    cgroupManager: engine.options.cgroupManager ?? conf.engine.cgroupManager,
    cgroupVersion: cgroup2 ? 'v2' : 'v1',
    cgroupControllers: cgroupControllers(cgroup2),
    conmon,
    cpus: os.availableParallelism(),
    distribution: distribution(),
    eventLogger: engine.options.eventsBackend ?? conf.engine.eventsLogger,
    hostname: os.hostname(),
    idMappings: rootless ? { gidmap: idMap('/proc/self/gid_map'), uidmap: idMap('/proc/self/uid_map') } : { gidmap: null, uidmap: null },
    kernel: os.release(),
    logDriver: conf.containers.logDriver,
    memFree: os.freemem(),
    memTotal: os.totalmem(),
    networkBackend: conf.network.networkBackend || 'netavark',
    ociRuntime: runtime,
    os: process.platform,
    serviceIsRemote: false,
    security: {
      apparmorEnabled: readText('/sys/module/apparmor/parameters/enabled').trim() === 'Y',
      capabilities: [...conf.containers.defaultCapabilities].sort().join(','),
      rootless,
      seccompEnabled: /^Seccomp:/m.test(readText('/proc/self/status')),
      seccompProfilePath: existsSync(conf.containers.seccompProfile) ? conf.containers.seccompProfile : '',
      selinuxEnabled: existsSync('/sys/fs/selinux/enforce'),
    },
    swapFree: (meminfo.get('SwapFree') ?? 0) * 1024,
    swapTotal: (meminfo.get('SwapTotal') ?? 0) * 1024,
    uptime: uptimeText(os.uptime()),
  };
  return { host, store: await storeInfo(engine, conf.engine.imageCopyTmpDir, conf.engine.volumePath), registries: await registriesInfo(), plugins: plugins() };
}

async function runtimeInfo(engine: Engine, configured: string, runtimes: Record<string, string[]>): Promise<HostInfo['ociRuntime']> {
  const { findRuntime } = await import('../infra/oci/runtime.ts');
  try {
    const runtime = findRuntime(engine.options.runtime ?? (configured || undefined), runtimes);
    return { name: runtime.name, path: runtime.path, version: (await programVersion(runtime.path, runtime.name)).trim() };
  } catch {
    return { name: engine.options.runtime ?? configured, path: '', version: '' };
  }
}

async function conmonInfo(flagPath: string | undefined, configured: string[]): Promise<HostInfo['conmon']> {
  const { findConmon } = await import('../infra/oci/conmon.ts');
  try {
    const path = findConmon(flagPath ? [flagPath] : configured);
    // Podman joins conmon's two version lines into one.
    return { path, version: (await programVersion(path, 'conmon')).trim().split('\n').join(', ') };
  } catch {
    return { path: '', version: '' };
  }
}

async function programVersion(path: string, debianPackage: string): Promise<string> {
  const { runProgram } = await import('../infra/sys/process.ts');
  try {
    return (await runProgram(path, ['--version'], { debianPackage })).stdout;
  } catch {
    return '';
  }
}

async function storeInfo(engine: Engine, imageCopyTmpDir: string, volumePath: string): Promise<StoreInfo> {
  const { store } = engine;
  const containers = new ContainerRepo(store.db).list();
  const running = containers.filter((c) => c.state.status === 'running').length;
  const paused = containers.filter((c) => c.state.status === 'paused').length;
  const { loadStorageConf } = await import('../infra/config/storage-conf.ts');
  const storageConf = loadStorageConf();
  const fsInfo = statfsOrUndefined(store.paths.graphRoot);
  return {
    configFile: storageConf.files.at(-1) ?? '',
    containerStore: { number: containers.length, paused, running, stopped: containers.length - running - paused },
    graphDriverName: 'overlay',
    graphOptions: {},
    graphRoot: store.paths.graphRoot,
    graphRootAllocated: fsInfo ? fsInfo.blocks * fsInfo.bsize : 0,
    graphRootUsed: fsInfo ? (fsInfo.blocks - fsInfo.bfree) * fsInfo.bsize : 0,
    graphStatus: {
      'Backing Filesystem': fsInfo ? fsTypeName(fsInfo.type) : 'unknown',
      'Native Overlay Diff': 'true',
      'Supports d_type': 'true',
      'Using metacopy': 'false',
    },
    imageCopyTmpDir: imageCopyTmpDir || '/var/tmp',
    imageStore: { number: store.images.list().length },
    runRoot: store.paths.runRoot,
    volumePath: volumePath || store.paths.volumes,
  };
}

async function registriesInfo(): Promise<SystemInfo['registries']> {
  const { loadRegistriesConf } = await import('../infra/config/registries-conf.ts');
  const conf = loadRegistriesConf();
  const out: SystemInfo['registries'] = {};
  for (const r of conf.registries) {
    out[r.prefix] = {
      Prefix: r.prefix,
      Location: r.location,
      Insecure: r.insecure,
      PullFromMirror: r.pullFromMirror ?? '',
      Mirrors: r.mirrors.length ? r.mirrors.map((m) => ({ Location: m.location, Insecure: m.insecure, PullFromMirror: m.pullFromMirror ?? '' })) : null,
      Blocked: r.blocked,
      MirrorByDigestOnly: r.mirrorByDigestOnly,
    };
  }
  if (conf.unqualifiedSearchRegistries.length) out['search'] = conf.unqualifiedSearchRegistries;
  return out;
}

function plugins(): SystemInfo['plugins'] {
  return { volume: ['local'], network: ['bridge', 'macvlan'], log: ['k8s-file', 'none', 'passthrough', 'journald'], authorization: null };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isCgroup2(): boolean {
  const CGROUP2_SUPER_MAGIC = 0x63677270;
  return statfsOrUndefined('/sys/fs/cgroup')?.type === CGROUP2_SUPER_MAGIC;
}

/** v2: the root's cgroup.controllers; v1: the enabled controllers that are mounted. */
function cgroupControllers(cgroup2: boolean): string[] {
  if (cgroup2) return readText('/sys/fs/cgroup/cgroup.controllers').trim().split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (const line of readText('/proc/cgroups').split('\n')) {
    const [name, , , enabled] = line.split('\t');
    if (!name || name.startsWith('#') || enabled !== '1') continue;
    if (existsSync(`/sys/fs/cgroup/${name}`)) out.push(name);
  }
  return out;
}

function distribution(): HostInfo['distribution'] {
  const fields = new Map<string, string>();
  for (const line of readText('/etc/os-release').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1'));
  }
  const out: HostInfo['distribution'] = { distribution: fields.get('ID') ?? 'unknown', version: fields.get('VERSION_ID') ?? 'unknown' };
  if (fields.get('VERSION_CODENAME')) out.codename = fields.get('VERSION_CODENAME')!;
  return out;
}

/** The rootless user namespace's mapping (commands run inside it), as /proc/self/uid_map shows it. */
function idMap(file: string): IdMap[] {
  return readText(file)
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3)
    .map(([inner, outer, size]) => ({ container_id: inner!, host_id: outer!, size: size! }));
}

function readMeminfo(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readText('/proc/meminfo').split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Podman's "47h 15m 9.00s (Approximately 1.96 days)". */
export function uptimeText(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  const secs = Math.floor(seconds) % 60;
  const text = `${hours}h ${minutes}m ${secs.toFixed(2)}s`;
  return hours > 0 ? `${text} (Approximately ${(hours / 24).toFixed(2)} days)` : text;
}

function statfsOrUndefined(path: string): { type: number; bsize: number; blocks: number; bfree: number } | undefined {
  try {
    return statfsSync(path, { bigint: false });
  } catch {
    return undefined;
  }
}

/** containers/storage's names for the common filesystem magics. */
function fsTypeName(type: number): string {
  const names: Record<number, string> = {
    0xef53: 'extfs',
    0x58465342: 'xfs',
    0x9123683e: 'btrfs',
    0x01021994: 'tmpfs',
    0x794c7630: 'overlayfs',
    0x2fc12fc1: 'zfs',
    0x6969: 'nfs',
    0x65735546: 'fuseblk',
  };
  return names[type] ?? `<unknown>`;
}
