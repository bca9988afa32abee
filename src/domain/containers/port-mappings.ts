/**
 * Published and exposed ports as Podman 4.3 reads them: `-p` (specgenutil's
 * CreatePortBindings), `--expose` (CreateExpose), and the final list its specgen stores at
 * create (generate.ParsePortMapping): mappings grouped per host IP and protocol, neighbours
 * joined into ranges, host port 0 given a random free host range, and `-P` adding the exposed
 * ports nobody published. Messages are Podman's, word for word.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { isIP } from '../../infra/network/ip-syntax.ts';
import type { PortMapping } from './model.ts';

type Protocol = PortMapping['protocol'];

const protocols: readonly string[] = ['tcp', 'udp', 'sctp'];

function fail(message: string): never {
  throw new InvalidArgumentError(message);
}

/** Go's %q for the ASCII text users type. */
const quote = (s: string) => JSON.stringify(s);

/** strconv.Atoi, then Podman's 1–65535 check. */
function parsePort(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) fail(`invalid port number: strconv.Atoi: parsing ${quote(text)}: invalid syntax`);
  const num = Number(text);
  if (!Number.isSafeInteger(num)) fail(`invalid port number: strconv.Atoi: parsing ${quote(text)}: value out of range`);
  if (num < 1 || num > 65535) fail(`port numbers must be between 1 and 65535 (inclusive), got ${num}`);
  return num;
}

/** `start[-end]` → [start, length]. */
function parseRange(text: string): [number, number] {
  const parts = text.split('-');
  if (parts.length > 2) fail('invalid port format - port ranges are formatted as startPort-stopPort');
  if (parts[0] === '') fail('port numbers cannot be negative');
  const start = parsePort(parts[0]!);
  if (parts.length === 1) return [start, 1];
  if (parts[1] === '') fail('must provide ending number for port range');
  const end = parsePort(parts[1]!);
  if (end <= start) fail(`the end port of a range must be higher than the start port - ${end} is not higher than ${start}`);
  return [start, end - start + 1];
}

function prefixed<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) fail(`${prefix}: ${err.message}`);
    throw err;
  }
}

/** Podman's checkProtocol for one protocol: lower-cased, '' is tcp. */
function checkProtocol(text: string, what: 'publish' | 'expose'): Protocol {
  const p = text.toLowerCase() || 'tcp';
  if (!protocols.includes(p)) fail(`unrecognized protocol ${quote(p)} in port mapping`);
  if (p === 'sctp' && what === 'expose') fail('protocol SCTP is not allowed for exposed ports');
  return p as Protocol;
}

/** `[[hostIP:][hostPort]:]containerPort[/protocol]`, ranges `a-b`, IPv6 as `[addr]`; host port 0 = random. */
export function parsePublish(spec: string): PortMapping {
  const byProto = spec.split('/');
  if (byProto.length > 2) fail('invalid port format - protocol can only be specified once');
  let rest = byProto[0]!;
  let hostIp: string | undefined;
  const byV6 = rest.split(']');
  if (byV6.length > 2) fail('invalid port format - at most one IPv6 address can be specified in a --publish');
  const haveV6 = byV6.length === 2;
  if (haveV6) {
    if (!byV6[0]!.startsWith('[')) fail('invalid port format - IPv6 addresses must be enclosed by []');
    if (!byV6[1]!.startsWith(':')) fail("invalid port format - IPv6 address must be followed by a colon (':')");
    hostIp = byV6[0]!.slice(1);
    rest = byV6[1]!.slice(1);
  }
  const parts = rest.split(':');
  let hostPort: string | undefined;
  let ctrPort: string;
  if (parts.length === 1) {
    if (haveV6) fail('invalid port format - must provide host and destination port if specifying an IP');
    ctrPort = parts[0]!;
  } else if (parts.length === 2) {
    [hostPort, ctrPort] = parts as [string, string];
  } else if (parts.length === 3) {
    if (haveV6) fail('invalid port format - when v6 address specified, must be [ipv6]:hostPort:ctrPort');
    [hostIp, hostPort, ctrPort] = parts as [string, string, string];
  } else {
    fail('invalid port format - format is [[hostIP:]hostPort:]containerPort');
  }
  if (ctrPort === '') fail('must provide a non-empty container port to publish');
  const [containerPort, range] = prefixed('parsing container port', () => parseRange(ctrPort));
  if (byProto.length === 2 && byProto[1] === '') fail('must provide a non-empty protocol to publish');
  let ip = '';
  if (hostIp !== undefined) {
    if (hostIp === '') fail('must provide a non-empty container host IP to publish');
    // 0.0.0.0 stays unset, as in Podman: every address is what an empty one means
    if (hostIp !== '0.0.0.0') {
      if (isIP(hostIp) === 0) fail(`cannot parse ${quote(hostIp)} as an IP address`);
      ip = hostIp;
    }
  }
  let host = 0;
  if (hostPort !== undefined && hostPort !== '') {
    const [start, length] = prefixed('parsing host port', () => parseRange(hostPort));
    if (length !== range) fail(`host and container port ranges have different lengths: ${length} vs ${range}`);
    host = start;
  }
  return { hostIp: ip, hostPort: host, containerPort, protocol: checkProtocol(byProto[1] ?? '', 'publish'), range };
}

/** strconv.ParseUint(text, 10, 16)'s complaint, or undefined when it parses. */
function parseUint16Error(text: string): string | undefined {
  if (!/^\d+$/.test(text)) return `strconv.ParseUint: parsing ${quote(text)}: invalid syntax`;
  if (Number(text) > 65535) return `strconv.ParseUint: parsing ${quote(text)}: value out of range`;
  return undefined;
}

/** `--expose port[-end][/protocol]` → one `port/protocol` entry per port. */
export function parseExpose(spec: string): string[] {
  const byProto = spec.split('/');
  if (byProto.length > 2) fail('invalid expose format - protocol can only be specified once');
  const ports = byProto[0]!;
  if (ports === '') fail('invalid range format for --expose: : Empty string specified for ports.');
  const bounds = ports.includes('-') ? ports.split('-').slice(0, 2) : [ports];
  for (const b of bounds) {
    const why = parseUint16Error(b);
    if (why) fail(`invalid range format for --expose: ${ports}: ${why}`);
  }
  if (bounds.length === 2 && Number(bounds[1]) < Number(bounds[0])) fail(`invalid range format for --expose: ${ports}: Invalid range specified for the Port: ${ports}`);
  const [start, length] = parseRange(ports);
  const proto = prefixed(`validating protocols for exposed port ${start}`, () => checkProtocol(byProto[1] ?? '', 'expose'));
  return Array.from({ length }, (_, i) => `${start + i}/${proto}`);
}

/**
 * Finds `range` consecutive free host ports for a mapping, avoiding `used`; undefined when
 * none turned up.
 */
export type PickHostPorts = (mapping: PortMapping, used: ReadonlySet<number>) => Promise<number | undefined>;

async function withRandomHostPort(p: PortMapping, used: Set<number>, pick: PickHostPorts): Promise<PortMapping> {
  const port = await pick(p, used);
  if (port === undefined) {
    fail(`failed to find an open port to expose container port ${p.containerPort} ${p.range > 1 ? `with range ${p.range} ` : ''}on the host`);
  }
  return { ...p, hostPort: port };
}

function markUsed(p: PortMapping, out: PortMapping[], hostPorts: Set<number>, containerPorts: Set<number>, groupPorts: Set<number>): void {
  for (let i = 0; i < p.range; i++) {
    hostPorts.add(p.hostPort + i);
    groupPorts.add(p.hostPort + i);
    containerPorts.add(p.containerPort + i);
  }
  out.push(p);
}

/**
 * The container's final mappings: per host IP and protocol, fixed host ports sorted and
 * joined where they continue each other, then the random ones (overlapping container
 * ranges joined) placed on free host ranges; with `exposed` (`-P`), every exposed port not
 * yet published gets its own random host port.
 */
export async function finalPortMappings(ports: readonly PortMapping[], exposed: readonly string[], pick: PickHostPorts): Promise<PortMapping[]> {
  const groups = new Map<string, PortMapping[]>();
  for (const p of ports) {
    const key = `${p.protocol}/${p.hostIp}`;
    groups.set(key, [...(groups.get(key) ?? []), { ...p, range: Math.max(1, p.range) }]);
  }
  const out: PortMapping[] = [];
  const hostUsed = new Map<Protocol, Set<number>>();
  const ctrUsed = new Map<Protocol, Set<number>>();
  const setOf = (m: Map<Protocol, Set<number>>, proto: Protocol) => m.get(proto) ?? m.set(proto, new Set()).get(proto)!;
  for (const group of groups.values()) {
    const proto = group[0]!.protocol;
    const hosts = setOf(hostUsed, proto);
    const ctrs = setOf(ctrUsed, proto);
    const inGroup = new Set<number>();
    group.sort((a, b) => (a.hostPort === b.hostPort ? a.containerPort - b.containerPort : a.hostPort === 0 ? 1 : b.hostPort === 0 ? -1 : a.hostPort - b.hostPort));
    let prev: PortMapping | undefined;
    const fixed = group.filter((p) => p.hostPort !== 0);
    for (const p of fixed) {
      if (prev && prev.hostPort + prev.range >= p.hostPort) {
        const diff = p.hostPort - prev.hostPort;
        if (diff === p.containerPort - prev.containerPort) {
          prev.range = Math.max(prev.range, p.range + diff);
          continue;
        }
        if (prev.hostPort + prev.range - 1 > p.hostPort) fail(`conflicting port mappings for host port ${p.hostPort} (protocol ${proto})`);
      }
      if (prev) markUsed(prev, out, hosts, ctrs, inGroup);
      prev = { ...p };
    }
    if (prev) markUsed(prev, out, hosts, ctrs, inGroup);
    prev = undefined;
    for (const p of group.filter((q) => q.hostPort === 0)) {
      if (prev && prev.containerPort + prev.range > p.containerPort) {
        prev.range = Math.max(prev.range, p.containerPort - prev.containerPort + p.range);
        continue;
      }
      if (prev) markUsed(await withRandomHostPort(prev, inGroup, pick), out, hosts, ctrs, inGroup);
      prev = { ...p };
    }
    if (prev) markUsed(await withRandomHostPort(prev, inGroup, pick), out, hosts, ctrs, inGroup);
  }
  for (const e of exposed) {
    const [port, proto = 'tcp'] = e.split('/') as [string, string?];
    const containerPort = Number(port);
    if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535 || !protocols.includes(proto)) continue;
    const p = proto as Protocol;
    if (setOf(ctrUsed, p).has(containerPort)) continue;
    const hosts = setOf(hostUsed, p);
    const mapping = await withRandomHostPort({ hostIp: '', hostPort: 0, containerPort, protocol: p, range: 1 }, hosts, pick);
    markUsed(mapping, out, hosts, setOf(ctrUsed, p), new Set());
  }
  return out;
}
