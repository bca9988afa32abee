/**
 * Network definitions in netavark's JSON, as Podman 4.3 writes them: the default `podman`
 * bridge, and new networks built from `network create` options (pure; the store checks
 * names and overlaps against what exists).
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { NetavarkNetwork } from '../../infra/network/netavark.ts';
import { contains, formatSubnet, hostRange, intToIp, ipToInt, isIPv6Subnet, parseSubnet4, type Subnet4 } from './ipv4.ts';

export type Network = NetavarkNetwork;

export interface NetworkCreateOptions {
  name?: string;
  driver?: string;
  subnets?: string[];
  gateways?: string[];
  ipRanges?: string[];
  ipv6?: boolean;
  internal?: boolean;
  disableDns?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  interfaceName?: string;
}

export const defaultNetworkName = 'podman';

export function nowRfc3339Nano(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** The default network Podman synthesises when it has no file: `podman`, bridge podman0. */
export function defaultNetwork(name: string, subnet: string): Network {
  const s = parseSubnet4(subnet);
  return {
    name,
    id: createHash('sha256').update(name).digest('hex'),
    driver: 'bridge',
    network_interface: 'podman0',
    created: nowRfc3339Nano(),
    subnets: [{ subnet: formatSubnet(s), gateway: intToIp(s.base + 1) }],
    ipv6_enabled: false,
    internal: false,
    dns_enabled: false,
    ipam_options: { driver: 'host-local' },
  };
}

const validName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function checkNetworkName(name: string): void {
  if (!validName.test(name)) throw new InvalidArgumentError(`network name ${name} invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
}

const knownOptions: Record<string, string[]> = {
  bridge: ['mtu', 'vlan', 'isolate', 'com.docker.network.bridge.name'],
  macvlan: ['mtu', 'parent', 'mode'],
  ipvlan: ['mtu', 'parent', 'mode'],
};

function checkOptions(driver: string, options: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    if (!knownOptions[driver]!.includes(k)) throw new InvalidArgumentError(`unsupported ${driver} network option ${k}`);
    if ((k === 'mtu' || k === 'vlan') && !/^\d+$/.test(v)) throw new InvalidArgumentError(`${k} ${JSON.stringify(v)} is not a number`);
    if (k === 'isolate' && !['true', 'false', 'strict'].includes(v)) throw new InvalidArgumentError(`isolate ${JSON.stringify(v)} is not a boolean`);
    // both name the host interface, which the network keeps as network_interface
    if (k === 'com.docker.network.bridge.name' || k === 'parent') continue;
    out[k] = v;
  }
  return out;
}

/** A random ULA /64, as Podman picks for `--ipv6` without an IPv6 `--subnet`. */
export function randomUlaSubnet(): string {
  const b = randomBytes(5);
  const hex = (i: number) => b.readUInt16BE(i).toString(16);
  return `fd${b[0]!.toString(16).padStart(2, '0')}:${hex(1)}:${hex(3)}::/64`;
}

export interface NewNetworkContext {
  name: string;
  /** the bridge name when none was asked for */
  interfaceName: string;
  /** an IPv4 subnet from the pools, when none was given */
  freeSubnet: () => Subnet4;
}

/** The network `network create` writes; subnets and gateways checked against each other. */
export function buildNetwork(opts: NetworkCreateOptions, ctx: NewNetworkContext): Network {
  const driver = opts.driver ?? 'bridge';
  if (!(driver in knownOptions)) throw new InvalidArgumentError(`unsupported driver ${driver}: invalid argument`);
  const options = checkOptions(driver, opts.options ?? {});
  const given = opts.subnets ?? [];
  const gateways = opts.gateways ?? [];
  const ranges = opts.ipRanges ?? [];
  if (gateways.length > given.length) throw new InvalidArgumentError('cannot set more gateways than subnets');
  if (ranges.length > given.length) throw new InvalidArgumentError('cannot set more ranges than subnets');
  if ((driver === 'macvlan' || driver === 'ipvlan') && given.length === 0) {
    throw new InvalidArgumentError(`the ${driver} driver needs --subnet (DHCP is not supported)`);
  }
  const subnets: NonNullable<Network['subnets']> = [];
  given.forEach((text, i) => {
    if (isIPv6Subnet(text)) {
      subnets.push({ subnet: text, gateway: gateways[i] ?? ipv6Gateway(text) });
      return;
    }
    const s = parseSubnet4(text);
    const [first, last] = hostRange(s);
    const gw = gateways[i] ?? intToIp(first);
    if (!contains(s, ipToInt(gw))) throw new InvalidArgumentError(`gateway ${gw} not in subnet ${formatSubnet(s)}`);
    const entry: (typeof subnets)[number] = { subnet: formatSubnet(s), gateway: gw };
    if (ranges[i]) {
      const r = parseSubnet4(ranges[i]!);
      if (!contains(s, r.base)) throw new InvalidArgumentError(`ip range ${ranges[i]} is not in subnet ${formatSubnet(s)}`);
      const [rf, rl] = hostRange(r);
      entry.lease_range = { start_ip: intToIp(Math.max(rf, first)), end_ip: intToIp(Math.min(rl, last)) };
    }
    subnets.push(entry);
  });
  const hasV4 = subnets.some((s) => !s.subnet.includes(':'));
  const hasV6 = subnets.some((s) => s.subnet.includes(':'));
  if (!hasV4 && (!opts.ipv6 || given.length === 0)) {
    const s = ctx.freeSubnet();
    subnets.push({ subnet: formatSubnet(s), gateway: intToIp(s.base + 1) });
  }
  if (opts.ipv6 && !hasV6) {
    const ula = randomUlaSubnet();
    subnets.push({ subnet: ula, gateway: ipv6Gateway(ula) });
  }
  const iface = opts.interfaceName ?? (driver === 'bridge' ? (opts.options?.['com.docker.network.bridge.name'] ?? ctx.interfaceName) : opts.options?.parent);
  return {
    name: ctx.name,
    id: randomBytes(32).toString('hex'),
    driver,
    ...(iface ? { network_interface: iface } : {}),
    created: nowRfc3339Nano(),
    subnets,
    ipv6_enabled: opts.ipv6 === true || hasV6,
    internal: opts.internal === true,
    dns_enabled: driver === 'bridge' && opts.disableDns !== true,
    ...(opts.labels && Object.keys(opts.labels).length > 0 ? { labels: opts.labels } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ipam_options: { driver: 'host-local' },
  };
}

/** The first address of an IPv6 subnet written `prefix::/len`. */
function ipv6Gateway(subnet: string): string {
  const addr = subnet.slice(0, subnet.lastIndexOf('/'));
  if (!addr.endsWith('::')) throw new InvalidArgumentError(`give --gateway for IPv6 subnet ${subnet}`);
  return `${addr}1`;
}

/** The IPv4 subnets of a network, parsed. */
export function ipv4Subnets(net: Network): Subnet4[] {
  return (net.subnets ?? []).filter((s) => !s.subnet.includes(':')).map((s) => parseSubnet4(s.subnet));
}
