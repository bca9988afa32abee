/**
 * Networks (Podman's network commands): definitions in the network config directory,
 * addresses in the state database, and netavark for connect, disconnect and reload of
 * running containers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, InvalidStateError, NameInUseError, SkiffError } from '../define/errors.ts';
import { Ipam } from '../domain/networks/ipam.ts';
import { freeSubnet, parseSubnet4, type Subnet4 } from '../domain/networks/ipv4.ts';
import { buildNetwork, checkNetworkName, ipv4Subnets, type Network, type NetworkCreateOptions } from '../domain/networks/network-definition.ts';
import { NetworkStore } from '../domain/networks/network-store.ts';
import { isRootless } from '../infra/config/paths.ts';
import { netavarkSetup, netavarkTeardown, netavarkVersion, type NetavarkContext, type StatusBlock } from '../infra/network/netavark.ts';
import { forEachContainer } from './container-batch.ts';
import { netavarkOptions, statusIps, updateHostsFile, updateResolvConf, usesBridge } from './container-network.ts';
import type { BatchReport } from './container-reports.ts';
import type { Engine } from './engine.ts';

export interface NetworkRmReport {
  name: string;
  error?: Error;
}

export interface NetworkConnectOptions {
  aliases?: string[];
  ip?: string;
  ip6?: string;
  macAddress?: string;
}

/** Subnets of this machine's interfaces (loopback too, as Podman counts it): new bridges must not overlap them. */
function hostSubnets(): Subnet4[] {
  const out: Subnet4[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && a.cidr) out.push(parseSubnet4(a.cidr));
  }
  return out;
}

function hostInterfaces(): Set<string> {
  try {
    return new Set(fs.readdirSync('/sys/class/net'));
  } catch {
    return new Set();
  }
}

export class NetworkEngine {
  readonly #engine: Engine;
  #store: NetworkStore | undefined;
  readonly ipam: Ipam;

  constructor(engine: Engine) {
    this.#engine = engine;
    this.ipam = new Ipam(engine.store.db);
  }

  /** The definitions; needs containers.conf, so first use is after `await conf()`. */
  get store(): NetworkStore {
    if (!this.#store) throw new SkiffError('network store used before configuration was loaded');
    return this.#store;
  }

  async load(): Promise<NetworkStore> {
    if (!this.#store) {
      const conf = await this.#engine.containers.conf();
      const dir = conf.network.networkConfigDir || path.join(this.#engine.store.paths.graphRoot, 'networks');
      this.#store = new NetworkStore(dir, conf.network.defaultNetwork || 'podman', conf.network.defaultSubnet || '10.88.0.0/16');
    }
    return this.#store;
  }

  async netavarkContext(): Promise<NetavarkContext> {
    const conf = await this.#engine.containers.conf();
    const configDir = path.join(this.#engine.store.paths.runRoot, 'networks');
    // As root every store shares the host's firewall and bridges, whatever its run root.
    const lockFile = isRootless() ? path.join(configDir, 'netavark.lock') : '/run/lock/skiff-netavark.lock';
    return { configDir, helperDirs: conf.engine.helperBinariesDir, lockFile };
  }

  /**
   * Where netavark runs for a container's namespace: a rootless one's bridges live in the
   * user's rootless-netns, so netavark runs in there.
   */
  async #containerContext(): Promise<NetavarkContext> {
    if (!isRootless()) return this.netavarkContext();
    return (await import('./rootless-netns.ts')).rootlessNetavarkContext(this.#engine.containers);
  }

  /** Containers (by ID) that join `name`. */
  users(name: string): string[] {
    return this.#engine.containers
      .list()
      .filter((r) => r.config.networks.includes(name))
      .map((r) => r.config.id);
  }

  async create(opts: NetworkCreateOptions): Promise<Network> {
    const store = await this.load();
    const conf = await this.#engine.containers.conf();
    if (opts.driver === 'ipvlan') await this.#checkIpvlan();
    return this.#engine.store.db.write(() => {
      const existing = store.list();
      let name = opts.name;
      if (name === undefined) for (let i = 1; !name; i++) if (!existing.some((n) => n.name === `podman${i}`)) name = `podman${i}`;
      checkNetworkName(name);
      if (existing.some((n) => n.name === name)) throw new NameInUseError(`network name ${name} already used: network already exists`);
      const ifaces = hostInterfaces();
      const taken = new Set(existing.map((n) => n.network_interface));
      let bridge = '';
      for (let i = 0; !bridge; i++) if (!taken.has(`podman${i}`) && !ifaces.has(`podman${i}`)) bridge = `podman${i}`;
      const used = [...existing.flatMap(ipv4Subnets), ...hostSubnets()];
      const net = buildNetwork(opts, {
        name,
        interfaceName: bridge,
        freeSubnet: () => {
          const s = freeSubnet(conf.network.defaultSubnetPools, used);
          if (!s) throw new InvalidArgumentError('could not find free subnet from subnet pools');
          return s;
        },
        usedSubnets: used,
        bridgeTaken: (iface) => existing.some((n) => n.driver === 'bridge' && n.network_interface === iface),
        hostInterface: (iface) => ifaces.has(iface),
      });
      store.create(net);
      return net;
    });
  }

  /** netavark gained its ipvlan driver in 1.6; an older one would only fail at `run`. */
  async #checkIpvlan(): Promise<void> {
    const version = await netavarkVersion(await this.netavarkContext());
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 1 || (major === 1 && minor < 6)) {
      throw new InvalidArgumentError(`unsupported driver ipvlan: netavark ${version} has no ipvlan driver (1.6 and later have one): invalid argument`);
    }
  }

  async list(): Promise<Network[]> {
    return (await this.load()).list();
  }

  async inspect(nameOrId: string): Promise<Network> {
    return (await this.load()).get(nameOrId);
  }

  async exists(nameOrId: string): Promise<boolean> {
    return (await this.load()).find(nameOrId) !== undefined;
  }

  /** `network rm`: in use is an error unless `force`, which removes those containers first. */
  async remove(namesOrIds: string[], opts: { force?: boolean; timeout?: number }): Promise<NetworkRmReport[]> {
    const store = await this.load();
    const out: NetworkRmReport[] = [];
    for (const nameOrId of namesOrIds) {
      try {
        const net = store.get(nameOrId);
        if (net.name === store.defaultName) throw new InvalidArgumentError(`default network ${net.name} cannot be removed`);
        const users = this.users(net.name);
        if (users.length > 0) {
          if (!opts.force) throw new InvalidStateError(`"${net.name}" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used`);
          const reports = await this.#engine.containers.remove(users, { force: true, ignore: true, timeout: opts.timeout ?? 10 });
          const failed = reports.find((r) => r.Err);
          if (failed?.Err) throw failed.Err;
        }
        store.remove(net.name);
        out.push({ name: net.name });
      } catch (err) {
        out.push({ name: nameOrId, error: err as Error });
      }
    }
    return out;
  }

  /** Removes every network no container uses, except the default one. */
  async prune(): Promise<NetworkRmReport[]> {
    const store = await this.load();
    const unused = store.list().filter((n) => n.name !== store.defaultName && this.users(n.name).length === 0);
    return this.remove(
      unused.map((n) => n.name),
      {},
    );
  }

  /** Joins a container to a network; one whose network is set up (created, running) gets its interface at once. */
  async connect(network: string, nameOrId: string, opts: NetworkConnectOptions): Promise<void> {
    const store = await this.load();
    const net = store.get(network);
    const ce = this.#engine.containers;
    const rec = ce.lookup(nameOrId);
    await ce.withLock(rec.config.id, async () => {
      const cur = await ce.sync(rec.config.id);
      if (cur.config.networkMode !== 'bridge') throw new InvalidArgumentError(`container ${cur.config.name} is not on a bridge network: network mode ${cur.config.networkMode} cannot connect to networks`);
      if (cur.config.networks.includes(net.name)) throw new InvalidArgumentError(`container ${cur.config.id} is already connected to network "${net.name}": network is already connected`);
      const own = {
        ...(opts.ip || opts.ip6 ? { staticIps: [opts.ip, opts.ip6].filter((x): x is string => !!x) } : {}),
        ...(opts.macAddress ? { staticMac: opts.macAddress } : {}),
        ...(opts.aliases && opts.aliases.length > 0 ? { aliases: opts.aliases } : {}),
      };
      const config = { ...cur.config, networks: [...cur.config.networks, net.name], networkOptions: { ...cur.config.networkOptions, ...(Object.keys(own).length > 0 ? { [net.name]: own } : {}) } };
      if (cur.state.netnsPath) {
        const status = cur.state.networkStatus as Record<string, StatusBlock>;
        const ips = new Map([[net.name, this.ipam.allocate(net, config.id, own.staticIps ?? [])]]);
        try {
          const result = await netavarkSetup(await this.#containerContext(), cur.state.netnsPath, netavarkOptions(config, [net], ips, status, false));
          ce.repo.updateState(config.id, (s) => ({ ...s, networkStatus: { ...s.networkStatus, ...result } }));
          updateHostsFile(ce, config, statusIps(result[net.name]), []);
          updateResolvConf(ce, config, result[net.name]?.dns_server_ips ?? [], []);
        } catch (err) {
          this.ipam.release(config.id, net.name);
          throw err;
        }
      }
      ce.repo.updateConfig(config.id, () => config);
    });
    await this.#engine.events.emit({ ID: rec.config.id, Name: rec.config.name, Network: net.name, Status: 'connect', Type: 'network', Attributes: null });
  }

  /** Takes a container off a network; a running one loses the interface at once. */
  async disconnect(network: string, nameOrId: string): Promise<void> {
    const store = await this.load();
    const net = store.get(network);
    const ce = this.#engine.containers;
    const rec = ce.lookup(nameOrId);
    await ce.withLock(rec.config.id, async () => {
      const cur = await ce.sync(rec.config.id);
      if (!cur.config.networks.includes(net.name)) throw new InvalidArgumentError(`container ${cur.config.id} is not connected to network ${net.name}`);
      const status = cur.state.networkStatus as Record<string, StatusBlock>;
      if (cur.state.netnsPath && status[net.name]) {
        const ips = new Map([[net.name, statusIps(status[net.name])]]);
        await netavarkTeardown(await this.#containerContext(), cur.state.netnsPath, netavarkOptions(cur.config, [net], ips, status, false));
        updateHostsFile(ce, cur.config, [], ips.get(net.name) ?? []);
        const still = new Set(Object.entries(status).flatMap(([n, b]) => (n === net.name ? [] : (b.dns_server_ips ?? []))));
        updateResolvConf(ce, cur.config, [], (status[net.name]?.dns_server_ips ?? []).filter((ip) => !still.has(ip)));
        ce.repo.updateState(cur.config.id, (s) => {
          const rest = { ...s.networkStatus };
          delete rest[net.name];
          return { ...s, networkStatus: rest };
        });
      }
      this.ipam.release(cur.config.id, net.name);
      const { [net.name]: _dropped, ...options } = cur.config.networkOptions ?? {};
      ce.repo.updateConfig(cur.config.id, (c) => ({ ...c, networks: c.networks.filter((n) => n !== net.name), networkOptions: options }));
    });
    await this.#engine.events.emit({ ID: rec.config.id, Name: rec.config.name, Network: net.name, Status: 'disconnect', Type: 'network', Attributes: null });
  }

  /** `network reload`: re-applies a running container's networking (firewall rules after a flush). */
  async reload(namesOrIds: string[], opts: { all?: boolean; latest?: boolean }): Promise<BatchReport[]> {
    const store = await this.load();
    const ce = this.#engine.containers;
    return forEachContainer(ce, namesOrIds, opts, (rec) =>
      ce.withLock(rec.config.id, async () => {
        const cur = await ce.sync(rec.config.id);
        if (cur.state.status !== 'running' || !usesBridge(cur.config) || !cur.state.netnsPath) return;
        const status = cur.state.networkStatus as Record<string, StatusBlock>;
        const networks = Object.keys(status).map((n) => store.get(n));
        const ips = new Map(networks.map((n) => [n.name, statusIps(status[n.name])]));
        const options = netavarkOptions(cur.config, networks, ips, status, true);
        const ctx = await this.#containerContext();
        await netavarkTeardown(ctx, cur.state.netnsPath, options).catch(() => {});
        const result = await netavarkSetup(ctx, cur.state.netnsPath, options);
        ce.repo.updateState(cur.config.id, (s) => ({ ...s, networkStatus: result }));
      }),
    );
  }
}
