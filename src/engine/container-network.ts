/**
 * A container's bridge networking: a persistent network namespace under the run root,
 * addresses from the IPAM table, then netavark setup (veth, bridge, firewall, port
 * forwards, aardvark-dns). Teardown undoes all of it and is safe to repeat; a failed setup
 * leaves nothing behind. The container's lock must be held.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NetworkError } from '../define/errors.ts';
import type { ContainerRecord } from '../domain/containers/container-repo.ts';
import type { NetworkRunInfo } from '../domain/containers/container-spec.ts';
import type { ContainerConfig, PortMapping } from '../domain/containers/model.ts';
import { isUserModeNetwork } from '../domain/containers/network-flags.ts';
import { finalPortMappings } from '../domain/containers/port-mappings.ts';
import type { Network } from '../domain/networks/network-definition.ts';
import { netavarkSetup, netavarkTeardown, type NetavarkOptions, type StatusBlock } from '../infra/network/netavark.ts';
import { isRootless } from '../infra/config/paths.ts';
import { hostLocalIp } from '../infra/network/host-address.ts';
import { bindFailure, checkHostPorts, pickHostPorts } from '../infra/network/host-ports.ts';
import { reserveHostPorts } from '../infra/network/port-reservation.ts';
import { createNetns, removeNetns } from '../infra/network/netns.ts';
import type { ContainerEngine } from './container-engine.ts';
import type { NetworkEngine } from './network-engine.ts';

export function usesBridge(config: ContainerConfig): boolean {
  return config.networkMode === 'bridge' && config.networks.length > 0;
}

/**
 * At create: network names or IDs become names (NoSuchNetworkError for unknown ones), an
 * `ns:` path must exist, and the ports become Podman's final list (`-P`'s exposed ports
 * added, host port 0 a random free range); modes without a network of their own drop them.
 */
export async function resolveContainerNetworks(ce: ContainerEngine, config: ContainerConfig): Promise<void> {
  if (config.networkMode === 'bridge') {
    const store = await ce.engine.networks.load();
    const names = config.networks.map((n) => store.get(n).name);
    const options: NonNullable<ContainerConfig['networkOptions']> = {};
    for (const [n, o] of Object.entries(config.networkOptions ?? {})) options[store.get(n).name] = o;
    config.networks = names;
    if (config.networkOptions) config.networkOptions = options;
  } else if (!isUserModeNetwork(config.networkMode)) {
    if (config.networkMode.startsWith('ns:')) {
      const file = config.networkMode.slice(3);
      if (!fs.existsSync(file)) throw new InvalidArgumentError(`cannot find specified network namespace path: stat ${file}: no such file or directory`);
    } else if (config.ports.length > 0) {
      ce.engine.options.warn?.('Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use');
    }
    // as in Podman: these modes have no network of skiff's own to forward into
    config.ports = [];
    delete config.publishAll;
    return;
  }
  config.ports = await finalPortMappings(config.ports, config.publishAll ? config.exposedPorts : [], pickHostPorts);
}

/** Addresses (without prefix) a status block reports. */
export function statusIps(block: StatusBlock | undefined): string[] {
  return Object.values(block?.interfaces ?? {}).flatMap((i) => (i.subnets ?? []).map((s) => s.ipnet.split('/')[0]!));
}

function interfaceNames(config: ContainerConfig, names: readonly string[], status: Record<string, StatusBlock>): Map<string, string> {
  const taken = new Set(Object.values(status).flatMap((b) => Object.keys(b.interfaces ?? {})));
  const out = new Map<string, string>();
  for (const name of names) {
    const own = config.networkOptions?.[name]?.interfaceName ?? Object.keys(status[name]?.interfaces ?? {})[0];
    let iface = own;
    for (let i = 0; !iface; i++) if (!taken.has(`eth${i}`)) iface = `eth${i}`;
    taken.add(iface);
    out.set(name, iface);
  }
  return out;
}

/** netavark's input for `networks` of this container, with the given addresses. */
export function netavarkOptions(config: ContainerConfig, networks: readonly Network[], ips: ReadonlyMap<string, string[]>, status: Record<string, StatusBlock>, ports: boolean): NetavarkOptions {
  const ifaces = interfaceNames(config, networks.map((n) => n.name), status);
  const opts: NetavarkOptions = { container_id: config.id, container_name: config.name, networks: {}, network_info: {} };
  for (const net of networks) {
    const own = config.networkOptions?.[net.name];
    const aliases = net.dns_enabled ? [...(own?.aliases ?? []), config.id.slice(0, 12)] : [];
    opts.networks[net.name] = {
      interface_name: ifaces.get(net.name)!,
      static_ips: ips.get(net.name) ?? [],
      ...(aliases.length > 0 ? { aliases } : {}),
      ...(own?.staticMac ? { static_mac: own.staticMac } : {}),
    };
    opts.network_info[net.name] = net;
  }
  if (ports && config.ports.length > 0) {
    opts.port_mappings = config.ports.map((p) => ({ host_ip: p.hostIp, container_port: p.containerPort, host_port: p.hostPort, range: Math.max(1, p.range), protocol: p.protocol }));
  }
  if (config.dns.servers.length > 0) opts.dns_servers = config.dns.servers;
  return opts;
}

/**
 * Host ports must be free: not published by another container of this store, nor bound by
 * anything on the host (other engines' conmons, and skiff's, hold the ports they publish).
 */
export async function checkPorts(ce: ContainerEngine, config: ContainerConfig): Promise<void> {
  const clash = (a: PortMapping, b: PortMapping) =>
    a.protocol === b.protocol && a.hostPort < b.hostPort + Math.max(1, b.range) && b.hostPort < a.hostPort + Math.max(1, a.range) && (a.hostIp === '' || b.hostIp === '' || a.hostIp === b.hostIp);
  for (const other of ce.list()) {
    if (other.config.id === config.id || !other.state.netnsPath) continue;
    for (const p of config.ports) {
      const q = other.config.ports.find((o) => clash(p, o));
      if (q) throw bindFailure(p.protocol, Math.max(p.hostPort, q.hostPort), p.hostIp, 'address already in use');
    }
  }
  await checkHostPorts(config.ports);
}

/** What /etc/hosts and resolv.conf need from a set-up network. */
export function networkRunInfo(networks: readonly Network[], status: Record<string, StatusBlock>): NetworkRunInfo {
  const info: NetworkRunInfo = { ips: [], dnsServers: [], dnsSearch: [] };
  for (const net of networks) {
    const block = status[net.name];
    info.ips.push(...statusIps(block).filter((ip) => !ip.includes(':')));
    for (const s of block?.dns_server_ips ?? []) if (!info.dnsServers.includes(s)) info.dnsServers.push(s);
    for (const s of block?.dns_search_domains ?? []) if (!info.dnsSearch.includes(s)) info.dnsSearch.push(s);
    // Podman's choice: a bridge's gateway (internal ones too); a macvlan's belongs to the LAN
    const gw = net.driver === 'bridge' ? net.subnets?.find((s) => !s.subnet.includes(':'))?.gateway : undefined;
    if (gw && !info.hostAddress) info.hostAddress = gw;
  }
  info.hostAddress ||= hostLocalIp() || undefined;
  return info;
}

/**
 * Adds and drops the container's own entries in its /etc/hosts (connect, disconnect). The
 * file is rewritten in place: the container sees it through a bind mount of that inode.
 */
export function updateHostsFile(ce: ContainerEngine, config: ContainerConfig, add: readonly string[], remove: readonly string[]): void {
  if (config.noHosts) return;
  const file = path.join(ce.userdataDir(config.id), 'hosts');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const self = config.name && config.name !== config.hostname ? `${config.hostname} ${config.name}` : config.hostname;
  const lines = text.split('\n').filter((l) => l !== '' && !remove.some((ip) => l.startsWith(`${ip}\t`)));
  for (const ip of add) if (!ip.includes(':')) lines.push(`${ip}\t${self}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Adds (first) and drops name servers in the container's resolv.conf, unless `--dns` chose them. */
export function updateResolvConf(ce: ContainerEngine, config: ContainerConfig, add: readonly string[], remove: readonly string[]): void {
  if (config.dns.servers.length > 0) return;
  const file = path.join(ce.userdataDir(config.id), 'resolv.conf');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const lines = text.split('\n').filter((l) => l !== '' && !remove.some((ip) => l === `nameserver ${ip}`));
  const fresh = add.filter((ip) => !lines.includes(`nameserver ${ip}`)).map((ip) => `nameserver ${ip}`);
  const first = lines.findIndex((l) => l.startsWith('nameserver '));
  lines.splice(first < 0 ? lines.length : first, 0, ...fresh);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * Sets up the container's networks; returns the updated record, the info for its run files
 * and fds conmon must inherit (the caller closes them once conmon runs).
 */
export interface NetworkSetup {
  rec: ContainerRecord;
  info?: NetworkRunInfo;
  /** descriptors conmon must inherit (slirp4netns's exit pipe, held host ports) */
  conmonFds?: number[];
  /**
   * Bridge networks: the namespace exists (rec.state.netnsPath) but netavark is still
   * configuring it, which takes as long as `runtime create`, so the two run side by side.
   * Settles before the container's process may start; on failure everything is undone.
   */
  ready?: Promise<{ rec: ContainerRecord; info: NetworkRunInfo }>;
}

function networkError(err: unknown): NetworkError {
  return err instanceof NetworkError ? err : new NetworkError((err as Error).message, { cause: err });
}

export async function setupNetworkLocked(ce: ContainerEngine, rec: ContainerRecord): Promise<NetworkSetup> {
  const { config } = rec;
  if (isUserModeNetwork(config.networkMode)) return (await import('./rootless-network.ts')).setupUserModeNetwork(ce, rec);
  if (!usesBridge(config)) return { rec };
  if (isRootless()) return (await import('./rootless-netns.ts')).setupRootlessBridge(ce, rec);
  if (rec.state.netnsPath) rec = await teardownNetworkLocked(ce, rec);
  const nets = ce.engine.networks;
  const ips = new Map<string, string[]>();
  let netns = '';
  let held: number[] = [];
  const undo = async (opts?: NetavarkOptions, closeHeld = true): Promise<void> => {
    if (closeHeld) for (const fd of held) fs.closeSync(fd);
    if (netns && opts) await netavarkTeardown(await nets.netavarkContext(), netns, opts).catch(() => {});
    if (netns) removeNetns(netns);
    nets.ipam.release(config.id);
  };
  let opts: NetavarkOptions;
  let networks: Network[];
  try {
    networks = config.networks.map((n) => nets.store.get(n));
    await checkPorts(ce, config);
    held = reserveHostPorts(config.ports);
    for (const net of networks) ips.set(net.name, nets.ipam.allocate(net, config.id, config.networkOptions?.[net.name]?.staticIps ?? []));
    netns = await createNetns(path.join(ce.engine.store.paths.runRoot, 'netns'));
    opts = netavarkOptions(config, networks, ips, {}, true);
  } catch (err) {
    await undo();
    throw networkError(err);
  }
  const context = await nets.netavarkContext();
  const ready = netavarkSetup(context, netns, opts).then(
    (status) => {
      const next = ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: netns, networkStatus: status }));
      return { rec: next, info: networkRunInfo(networks, status) };
    },
    async (err: unknown) => {
      // the held ports are the caller's now (conmonFds): it closes them
      await undo(opts, false);
      throw networkError(err);
    },
  );
  // Observed here so a failure is never unhandled while the caller is still busy.
  ready.catch(() => {});
  const next = ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: netns }));
  return { rec: next, ready, ...(held.length > 0 ? { conmonFds: held } : {}) };
}

/**
 * The networks and addresses netavark must take down for a container. With no status yet,
 * setup never finished (a skiff killed while netavark ran), so what it may have done is
 * undone from the addresses skiff handed out.
 */
export function teardownTargets(nets: NetworkEngine, containerId: string, status: Record<string, StatusBlock>): { networks: Network[]; ips: Map<string, string[]> } {
  const allocated = nets.ipam.allocated(containerId);
  const names = Object.keys(status).length > 0 ? Object.keys(status) : [...allocated.keys()];
  const networks = names.map((n) => nets.store.find(n)).filter((n): n is Network => n !== undefined);
  const ips = new Map(networks.map((n) => [n.name, status[n.name] ? statusIps(status[n.name]) : (allocated.get(n.name) ?? [])]));
  return { networks, ips };
}

/** Undoes setup (idempotent): netavark teardown, the namespace file, the addresses. */
export async function teardownNetworkLocked(ce: ContainerEngine, rec: ContainerRecord): Promise<ContainerRecord> {
  const { config, state } = rec;
  if (isUserModeNetwork(config.networkMode)) {
    if (!state.netnsPath && Object.keys(state.networkStatus).length === 0) return rec;
    return (await import('./rootless-network.ts')).teardownUserModeNetwork(ce, rec);
  }
  if (!state.netnsPath && !usesBridge(config)) return rec;
  if (isRootless()) return (await import('./rootless-netns.ts')).teardownRootlessBridge(ce, rec);
  const nets = ce.engine.networks;
  if (state.netnsPath) {
    const status = state.networkStatus as Record<string, StatusBlock>;
    const { networks, ips } = teardownTargets(nets, config.id, status);
    if (fs.existsSync(state.netnsPath) && networks.length > 0) {
      await netavarkTeardown(await nets.netavarkContext(), state.netnsPath, netavarkOptions(config, networks, ips, status, true)).catch(() => {});
    }
    removeNetns(state.netnsPath);
  }
  nets.ipam.release(config.id);
  if (!state.netnsPath && Object.keys(state.networkStatus).length === 0) return rec;
  return ce.repo.updateState(config.id, (s) => ({ ...s, netnsPath: '', networkStatus: {} }));
}
