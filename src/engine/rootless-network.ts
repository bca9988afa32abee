/**
 * User-mode networking (`--network slirp4netns|pasta`, the rootless default) as Podman does
 * it: skiff makes the container's network namespace file first, then starts slirp4netns or
 * pasta against it; the runtime joins that namespace. Published ports go through
 * slirp4netns's API socket (Podman's port_handler=slirp4netns) or pasta's -t/-u.
 *
 * slirp4netns stops when conmon exits (its exit pipe: see initLocked); pasta when its
 * namespace file is deleted. Teardown stops either anyway and deletes the file, so cleanup
 * and rm leave no process behind. Loaded only for these modes; the container's lock must
 * be held.
 */
import fs from 'node:fs';
import { isIPv6 } from '../infra/network/ip-syntax.ts';
import path from 'node:path';
import { InvalidArgumentError, NetworkError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import type { NetworkRunInfo } from '../domain/containers/container-spec.ts';
import type { ContainerConfig } from '../domain/containers/model.ts';
import { isRootless } from '../infra/config/paths.ts';
import { hostLocalIp } from '../infra/network/host-address.ts';
import { findPasta, startPasta, stopPasta } from '../infra/network/pasta.ts';
import { createNetns, removeNetns } from '../infra/network/netns.ts';
import { addHostForward, findSlirp4netns, startSlirp4netns, stopSlirp4netns } from '../infra/network/slirp4netns.ts';
import { parseSlirp4netnsOptions, slirp4netnsAddresses, slirp4netnsArgs } from '../infra/network/slirp4netns-options.ts';
import type { ContainerEngine } from './container-engine.ts';
import { checkPorts } from './container-network.ts';

/** What state.networkStatus holds for these modes, under the mode's name. */
interface UserModeStatus {
  pid: number;
  apiSocket?: string;
}

export interface UserModeSetup {
  rec: ContainerRecord;
  info: NetworkRunInfo;
  /** fds conmon must hold for the container's lifetime (slirp4netns's exit pipe); the caller closes them after */
  conmonFds: number[];
}

/** Longest unix socket path the kernel takes (sun_path less its NUL). */
const maxSocketPath = 107;

function apiSocketPath(ce: ContainerEngine, id: string): string {
  const socket = path.join(ce.runRoot, 'slirp4netns', `${id.slice(0, 16)}.sock`);
  if (Buffer.byteLength(socket) > maxSocketPath) throw new NetworkError(`slirp4netns API socket path ${socket} is longer than ${maxSocketPath} bytes: use a shorter --runroot`);
  fs.mkdirSync(path.dirname(socket), { recursive: true, mode: 0o700 });
  return socket;
}

/** Rootless, host ports below ip_unprivileged_port_start cannot be bound (Podman's message). */
function checkUnprivilegedPorts(config: ContainerConfig): void {
  if (!isRootless() || config.ports.length === 0) return;
  let start = 1024;
  try {
    start = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    // an older kernel: the classic limit
  }
  const low = config.ports.find((p) => p.hostPort < start);
  if (low) throw new NetworkError(`rootless containers cannot expose privileged port ${low.hostPort}, you can add 'net.ipv4.ip_unprivileged_port_start=${low.hostPort}' to /etc/sysctl.conf (currently ${start})`);
}

function statusOf(rec: ContainerRecord): UserModeStatus | undefined {
  const s = rec.state.networkStatus as Record<string, UserModeStatus | undefined>;
  return s.slirp4netns ?? s.pasta;
}

async function setupSlirp4netns(ce: ContainerEngine, config: ContainerConfig, netns: string, record: (s: UserModeStatus) => void): Promise<Omit<UserModeSetup, 'rec'>> {
  const conf = await ce.conf();
  const opts = parseSlirp4netnsOptions([...conf.engine.networkCmdOptions, ...(config.networkModeOptions ?? [])]);
  const addrs = slirp4netnsAddresses(opts.cidr);
  for (const p of config.ports) {
    if (p.protocol === 'sctp') throw new InvalidArgumentError(`slirp4netns cannot forward ${p.protocol} port ${p.hostPort}: use tcp or udp`);
    if (isIPv6(p.hostIp)) throw new InvalidArgumentError(`slirp4netns forwards IPv4 only, not host address ${p.hostIp}: use --network pasta`);
  }
  const apiSocket = config.ports.length > 0 ? apiSocketPath(ce, config.id) : undefined;
  if (apiSocket) fs.rmSync(apiSocket, { force: true });
  const proc = await startSlirp4netns({
    binary: findSlirp4netns(conf.engine.networkCmdPath),
    netnsPath: netns,
    args: slirp4netnsArgs(opts, conf.engine.noPivotRoot),
    ...(apiSocket ? { apiSocket } : {}),
    logFile: path.join(ce.userdataDir(config.id), 'slirp4netns.log'),
  });
  try {
    record({ pid: proc.pid, ...(apiSocket ? { apiSocket } : {}) });
    for (const p of config.ports) {
      for (let i = 0; i < Math.max(1, p.range); i++) {
        await addHostForward(apiSocket!, { proto: p.protocol as 'tcp' | 'udp', hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort + i, guestPort: p.containerPort + i });
      }
    }
  } catch (err) {
    fs.closeSync(proc.exitFd);
    throw err;
  }
  const host = opts.allowHostLoopback ? addrs.gateway : hostLocalIp();
  return { info: { ips: [addrs.guest], dnsServers: [addrs.dns], dnsSearch: [], ...(host ? { hostAddress: host } : {}) }, conmonFds: [proc.exitFd] };
}

async function setupPasta(ce: ContainerEngine, config: ContainerConfig, netns: string, record: (s: UserModeStatus) => void): Promise<Omit<UserModeSetup, 'rec'>> {
  const pidFile = path.join(ce.userdataDir(config.id), 'pasta.pid');
  fs.rmSync(pidFile, { force: true });
  const pid = await startPasta(findPasta(), { ports: config.ports, options: config.networkModeOptions ?? [], netnsPath: netns, pidFile });
  record({ pid });
  // pasta gives the namespace the host's own address.
  const own = hostLocalIp();
  return { info: { ips: own ? [own] : [], dnsServers: [], dnsSearch: [] }, conmonFds: [] };
}

/** Creates the namespace and starts the container's network stack; a failure leaves nothing behind. */
export async function setupUserModeNetwork(ce: ContainerEngine, rec: ContainerRecord): Promise<UserModeSetup> {
  if (rec.state.netnsPath || statusOf(rec)) rec = await teardownUserModeNetwork(ce, rec);
  const { config } = rec;
  const mode = config.networkMode as 'slirp4netns' | 'pasta';
  let netns = '';
  try {
    if (mode === 'pasta') findPasta();
    else findSlirp4netns((await ce.conf()).engine.networkCmdPath);
    checkUnprivilegedPorts(config);
    await checkPorts(ce, config);
    netns = await createNetns(path.join(ce.runRoot, 'netns'));
    ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: netns, networkStatus: {} }));
    const record = (status: UserModeStatus) => ce.repo.updateState(config.id, (s) => ({ ...s, networkStatus: { [mode]: status } }));
    const result = mode === 'pasta' ? await setupPasta(ce, config, netns, record) : await setupSlirp4netns(ce, config, netns, record);
    return { rec: ce.byId(config.id) ?? rec, ...result };
  } catch (err) {
    if (netns) await teardownUserModeNetwork(ce, ce.byId(config.id) ?? rec);
    // NetworkError: `run` exits 125 for it, as for the bridge's setup failures.
    throw err instanceof NetworkError ? err : new NetworkError((err as Error).message, { cause: err });
  }
}

/** Stops slirp4netns or pasta and deletes the namespace file and API socket (idempotent). */
export async function teardownUserModeNetwork(ce: ContainerEngine, rec: ContainerRecord): Promise<ContainerRecord> {
  const { state } = rec;
  const status = statusOf(rec);
  if (!state.netnsPath && !status) return rec;
  if (status?.pid && state.netnsPath) {
    if (rec.config.networkMode === 'pasta') stopPasta(status.pid, state.netnsPath);
    else stopSlirp4netns(status.pid, state.netnsPath);
  }
  if (status?.apiSocket) fs.rmSync(status.apiSocket, { force: true });
  if (state.netnsPath) removeNetns(state.netnsPath);
  return ce.repo.updateState(rec.config.id, (s) => ({ ...s, netnsPath: '', networkStatus: {} }));
}
