/**
 * Network definitions in netavark's JSON, as Podman 4.3 writes them: the default `podman`
 * bridge, and new networks built from `network create` options (pure: the caller passes in
 * what exists, on the host and in the store).
 */
import { sha256Hex } from '../../infra/storage/ids.ts';
import { randomBytes } from '../../infra/sys/random.ts';
import { InvalidArgumentError } from '../../define/errors.ts';
import type { NetavarkNetwork } from '../../infra/network/netavark.ts';
import { checkDriverOptions } from './driver-options.ts';
import { isIP } from '../../infra/network/ip-syntax.ts';
import { contains, formatSubnet, hostRange, intToIp, ipToInt, isIPv6Subnet, overlaps, parseSubnet4, type Subnet4 } from './ipv4.ts';
import { isValidObjectName } from '../object-names.ts';

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
  /** `--ipam-driver`: host-local (the default), none; dhcp is refused */
  ipamDriver?: string;
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
    id: sha256Hex(name),
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

export function checkNetworkName(name: string): void {
  if (!isValidObjectName(name)) throw new InvalidArgumentError(`network name ${name} invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
}

/** A random ULA /64 (fdXX:XXXX:XXXX:XXXX::/64), as Podman picks for `--ipv6` without an IPv6 `--subnet`. */
export function randomUlaSubnet(): string {
  const b = randomBytes(7);
  const group = (i: number) => b.readUInt16BE(i).toString(16);
  return `fd${b[0]!.toString(16).padStart(2, '0')}:${group(1)}:${group(3)}:${group(5)}::/64`;
}

export interface NewNetworkContext {
  name: string;
  /** the bridge name when none was asked for */
  interfaceName: string;
  /** an IPv4 subnet from the pools, when none was given */
  freeSubnet: () => Subnet4;
  /** other networks' subnets and this host's own: a new bridge must overlap none */
  usedSubnets: readonly Subnet4[];
  /** whether another network already uses this bridge name */
  bridgeTaken: (name: string) => boolean;
  /** whether this host has an interface by that name (a macvlan/ipvlan parent) */
  hostInterface: (name: string) => boolean;
}

/** `--ip-range` as Podman stores it: from the range's first host address to its last address. */
function leaseRange(text: string, s: Subnet4): { start_ip: string; end_ip: string } {
  const r = parseSubnet4(text);
  const last = r.base + 2 ** (32 - r.prefix) - 1;
  const first = r.prefix === 32 ? r.base : r.base + 1;
  if (!contains(s, first)) throw new InvalidArgumentError(`lease range start ip ${intToIp(first)} not in subnet ${formatSubnet(s)}`);
  if (!contains(s, last)) throw new InvalidArgumentError(`lease range end ip ${intToIp(last)} not in subnet ${formatSubnet(s)}`);
  return { start_ip: intToIp(first), end_ip: intToIp(last) };
}

function checkIpamDriver(driver: string, hasSubnets: boolean): void {
  if (driver === '' || driver === 'host-local') return;
  if (driver === 'none') {
    if (hasSubnets) throw new InvalidArgumentError('none ipam driver is set but subnets are given');
    return;
  }
  if (driver === 'dhcp') throw new InvalidArgumentError('dhcp ipam driver is not yet supported with netavark');
  throw new InvalidArgumentError(`unsupported ipam driver ${JSON.stringify(driver)}`);
}

type Subnets = NonNullable<Network['subnets']>;

/** The subnets given, parsed and checked against each other in Podman's order (gateways come later). */
function givenSubnets(opts: NetworkCreateOptions): { subnets: Subnets; gateways: (string | undefined)[] } {
  const given = opts.subnets ?? [];
  const gateways = opts.gateways ?? [];
  const ranges = opts.ipRanges ?? [];
  if (given.length === 0 && (gateways.length > 0 || ranges.length > 0)) throw new InvalidArgumentError('cannot set gateway or range without subnet');
  if (gateways.length > given.length) throw new InvalidArgumentError('cannot set more gateways than subnets');
  if (ranges.length > given.length) throw new InvalidArgumentError('cannot set more ranges than subnets');
  for (const gw of gateways) {
    if (isIP(gw) === 0) throw new InvalidArgumentError(`invalid argument ${JSON.stringify(gw)} for "--gateway" flag: invalid string being converted to IP address: ${gw}`);
  }
  const subnets: Subnets = given.map((text, i) => {
    if (isIPv6Subnet(text)) {
      if (ranges[i]) throw new InvalidArgumentError(`--ip-range is only supported for IPv4 subnets, not ${text}`);
      return { subnet: text };
    }
    const s = parseSubnet4(text);
    return { subnet: formatSubnet(s), ...(ranges[i] ? { lease_range: leaseRange(ranges[i]!, s) } : {}) };
  });
  return { subnets, gateways: given.map((_, i) => gateways[i]) };
}

/** The network `network create` writes, checked as Podman 4.3 checks it, with its messages. */
export function buildNetwork(opts: NetworkCreateOptions, ctx: NewNetworkContext): Network {
  const driver = opts.driver ?? 'bridge';
  const { subnets, gateways } = givenSubnets(opts);
  const ipam = opts.ipamDriver ?? '';
  checkIpamDriver(ipam, subnets.length > 0);
  const { parent, 'com.docker.network.bridge.name': bridgeOpt, ...rest } = opts.options ?? {};
  let iface: string | undefined;
  let options: Record<string, string>;
  if (driver === 'bridge') {
    iface = opts.interfaceName ?? bridgeOpt;
    if (iface !== undefined) {
      if (ctx.bridgeTaken(iface)) throw new InvalidArgumentError(`bridge name ${iface} already in use`);
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(iface)) throw new InvalidArgumentError(`bridge name ${iface} invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`);
    } else iface = ctx.interfaceName;
    if (ipam !== 'none') {
      const hasV4 = subnets.some((s) => !s.subnet.includes(':'));
      const hasV6 = subnets.some((s) => s.subnet.includes(':'));
      if (subnets.length === 0 || (opts.ipv6 && !hasV4)) subnets.push({ subnet: formatSubnet(ctx.freeSubnet()) });
      if (opts.ipv6 && !hasV6) subnets.push({ subnet: randomUlaSubnet() });
    }
    options = checkDriverOptions(driver, { ...rest, ...(parent !== undefined ? { parent } : {}) });
  } else if (driver === 'macvlan' || driver === 'ipvlan') {
    iface = opts.interfaceName ?? parent;
    if (iface !== undefined && !ctx.hostInterface(iface)) throw new InvalidArgumentError(`parent interface ${iface} does not exist`);
    if (ipam === '' && subnets.length === 0) throw new InvalidArgumentError(`${driver} driver needs at least one subnet specified, DHCP is not yet supported with netavark`);
    if (ipam === 'host-local' && subnets.length === 0) throw new InvalidArgumentError(`${driver} driver needs at least one subnet specified, when the host-local ipam driver is set`);
    options = checkDriverOptions(driver, { ...rest, ...(bridgeOpt !== undefined ? { 'com.docker.network.bridge.name': bridgeOpt } : {}) });
  } else {
    throw new InvalidArgumentError(`unsupported driver ${driver}: invalid argument`);
  }
  const dnsEnabled = opts.disableDns !== true && ipam !== 'none';
  const addGateway = !opts.internal || dnsEnabled;
  subnets.forEach((entry, i) => {
    const v6 = entry.subnet.includes(':');
    if (!v6 && driver === 'bridge') {
      const s = parseSubnet4(entry.subnet);
      if (ctx.usedSubnets.some((u) => overlaps(u, s))) throw new InvalidArgumentError(`subnet ${entry.subnet} is already used on the host or by another config`);
    }
    const gw = gateways[i];
    if (gw !== undefined) {
      if (v6 ? !gw.includes(':') : gw.includes(':') || !contains(parseSubnet4(entry.subnet), ipToInt(gw))) throw new InvalidArgumentError(`gateway ${gw} not in subnet ${entry.subnet}`);
    }
    const gateway = gw ?? (addGateway ? (v6 ? ipv6Gateway(entry.subnet) : intToIp(hostRange(parseSubnet4(entry.subnet))[0])) : undefined);
    subnets[i] = { subnet: entry.subnet, ...(gateway ? { gateway } : {}), ...(entry.lease_range ? { lease_range: entry.lease_range } : {}) };
  });
  const labels = Object.fromEntries(Object.entries(opts.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    name: ctx.name,
    id: randomBytes(32).toString('hex'),
    driver,
    ...(iface ? { network_interface: iface } : {}),
    created: nowRfc3339Nano(),
    ...(subnets.length > 0 ? { subnets } : {}),
    ipv6_enabled: opts.ipv6 === true || subnets.some((s) => s.subnet.includes(':')),
    internal: opts.internal === true,
    dns_enabled: dnsEnabled,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ipam_options: { driver: ipam || 'host-local' },
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
