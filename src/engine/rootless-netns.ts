/**
 * Bridge networks of rootless containers, through the user's rootless-netns (Podman 4.3's
 * approach, see infra/network/rootless-netns.ts): the container gets its own namespace as
 * a root one does, but netavark runs inside the rootless-netns, so the bridge, firewall
 * and aardvark-dns live there. A published host port is forwarded by slirp4netns to
 * 10.0.2.100 on the same port, where netavark's DNAT takes it to the container.
 *
 * The rootless-netns starts with the first container that needs it and stops when the
 * last one's network is torn down. Loaded only for rootless bridge containers; the
 * container's lock must be held.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NetworkError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import type { ContainerConfig } from '../domain/containers/model.ts';
import type { Network } from '../domain/networks/network-definition.ts';
import { isIPv6 } from '../infra/network/ip-syntax.ts';
import { netavarkSetup, netavarkTeardown, type NetavarkContext, type NetavarkOptions, type StatusBlock } from '../infra/network/netavark.ts';
import { createNetns, removeNetns } from '../infra/network/netns.ts';
import {
  addRootlessForward,
  ensureRootlessNetns,
  removeRootlessForwards,
  rootlessNetnsEnter,
  rootlessNetnsEnv,
  rootlessNetnsLock,
  stopRootlessNetns,
  type HostPortForward,
  type RootlessNetns,
} from '../infra/network/rootless-netns.ts';
import { findSlirp4netns } from '../infra/network/slirp4netns.ts';
import { withFileLock } from '../infra/sys/flock.ts';
import type { ContainerEngine } from './container-engine.ts';
import { checkPorts, netavarkOptions, networkRunInfo, teardownTargets, usesBridge, type NetworkSetup } from './container-network.ts';

function netnsDir(ce: ContainerEngine): string {
  return path.join(ce.runRoot, 'rootless-netns');
}

function namespaceOf(ce: ContainerEngine): RootlessNetns {
  const dir = netnsDir(ce);
  return { netns: path.join(dir, 'netns'), apiSocket: path.join(dir, 'slirp4netns.sock') };
}

async function contextIn(ce: ContainerEngine, ns: RootlessNetns): Promise<NetavarkContext> {
  return { ...(await ce.engine.networks.netavarkContext()), enter: rootlessNetnsEnter(ns), env: rootlessNetnsEnv(ns) };
}

/** netavark's context inside the user's rootless-netns: `network connect`, `disconnect`, `reload`. */
export function rootlessNetavarkContext(ce: ContainerEngine): Promise<NetavarkContext> {
  return contextIn(ce, namespaceOf(ce));
}

function forwardsOf(config: ContainerConfig): HostPortForward[] {
  const out: HostPortForward[] = [];
  for (const p of config.ports) {
    for (let i = 0; i < Math.max(1, p.range); i++) out.push({ proto: p.protocol as 'tcp' | 'udp', hostAddr: p.hostIp || '0.0.0.0', hostPort: p.hostPort + i });
  }
  return out;
}

function checkForwardable(config: ContainerConfig): void {
  for (const p of config.ports) {
    if (p.protocol === 'sctp') throw new InvalidArgumentError(`slirp4netns cannot forward ${p.protocol} port ${p.hostPort}: use tcp or udp`);
    if (isIPv6(p.hostIp)) throw new InvalidArgumentError(`the rootless-netns forwards IPv4 only, not host address ${p.hostIp}`);
  }
}

/** Sets up the container's bridge networks inside the rootless-netns; a failure leaves nothing behind. */
export async function setupRootlessBridge(ce: ContainerEngine, rec: ContainerRecord): Promise<NetworkSetup> {
  if (rec.state.netnsPath) rec = await teardownRootlessBridge(ce, rec);
  const { config } = rec;
  const nets = ce.engine.networks;
  const ips = new Map<string, string[]>();
  let netns = '';
  let opts: NetavarkOptions | undefined;
  let ns: RootlessNetns | undefined;
  try {
    const networks: Network[] = config.networks.map((n) => nets.store.get(n));
    checkForwardable(config);
    await checkPorts(ce, config);
    const slirp4netns = findSlirp4netns((await ce.conf()).engine.networkCmdPath);
    // The container's netns is recorded under the lock, so a concurrent last teardown
    // counts it and leaves the rootless-netns running.
    ns = await withFileLock(rootlessNetnsLock(netnsDir(ce)), async () => {
      const started = await ensureRootlessNetns(netnsDir(ce), slirp4netns);
      netns = await createNetns(path.join(ce.runRoot, 'netns'));
      ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: netns, networkStatus: {} }));
      return started;
    });
    for (const net of networks) ips.set(net.name, nets.ipam.allocate(net, config.id, config.networkOptions?.[net.name]?.staticIps ?? []));
    opts = netavarkOptions(config, networks, ips, {}, true);
    const status = await netavarkSetup(await contextIn(ce, ns), netns, opts);
    const next = ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: netns, networkStatus: status }));
    for (const fwd of forwardsOf(config)) await addRootlessForward(ns, fwd);
    return { rec: next, info: networkRunInfo(networks, status) };
  } catch (err) {
    if (ns && netns && opts) await netavarkTeardown(await contextIn(ce, ns), netns, opts).catch(() => {});
    nets.ipam.release(config.id);
    if (netns) await teardownRootlessBridge(ce, ce.byId(config.id) ?? rec).catch(() => {});
    throw err instanceof NetworkError ? err : new NetworkError((err as Error).message, { cause: err });
  }
}

/** Whether another container still has a network namespace in the rootless-netns. */
function otherUsers(ce: ContainerEngine, id: string): boolean {
  return ce.list().some((r) => r.config.id !== id && r.state.netnsPath !== '' && usesBridge(r.config));
}

/** Undoes setup (idempotent); stops the rootless-netns when no other container uses it. */
export async function teardownRootlessBridge(ce: ContainerEngine, rec: ContainerRecord): Promise<ContainerRecord> {
  const { config, state } = rec;
  const nets = ce.engine.networks;
  const ns = namespaceOf(ce);
  if (state.netnsPath) {
    const status = state.networkStatus as Record<string, StatusBlock>;
    const { networks, ips } = teardownTargets(nets, config.id, status);
    if (fs.existsSync(ns.apiSocket) && config.ports.length > 0) await removeRootlessForwards(ns, forwardsOf(config)).catch(() => {});
    if (fs.existsSync(state.netnsPath) && fs.existsSync(ns.netns) && networks.length > 0) {
      await netavarkTeardown(await contextIn(ce, ns), state.netnsPath, netavarkOptions(config, networks, ips, status, true)).catch(() => {});
    }
    removeNetns(state.netnsPath);
  }
  nets.ipam.release(config.id);
  const next = state.netnsPath || Object.keys(state.networkStatus).length > 0 ? ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: '', networkStatus: {} })) : rec;
  await withFileLock(rootlessNetnsLock(netnsDir(ce)), async () => {
    if (!otherUsers(ce, config.id)) stopRootlessNetns(netnsDir(ce));
  });
  return next;
}
