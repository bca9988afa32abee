/**
 * The text of the files skiff bind-mounts into a container: /etc/hosts, /etc/resolv.conf,
 * /etc/hostname and /run/.containerenv, as Podman 4.3 (containers/common's etchosts and
 * resolvconf packages) writes them. Pure; run-files.ts reads the host's copies and writes.
 */
import { InvalidArgumentError } from '../../../define/errors.ts';

export interface HostsInput {
  /** the host's /etc/hosts text; undefined writes the localhost defaults instead */
  baseHosts: string | undefined;
  /** `--add-host name:ip` (also `name=ip`) */
  addHosts: readonly string[];
  hostname: string;
  /** the container's name, an alias next to the hostname */
  name: string;
  /** the container's addresses; none gives 127.0.0.1 */
  ips: readonly string[];
  /** the address of host.containers.internal, when the network has one */
  hostContainersInternal?: string;
}

const localhostDefaults = [
  ['127.0.0.1', 'localhost localhost.localdomain localhost4 localhost4.localdomain4'],
  ['::1', 'localhost localhost.localdomain localhost6 localhost6.localdomain6'],
] as const;

/** `name:ip` → [ip, name]; the address may be IPv6 (`name:::1`). */
export function parseAddHost(spec: string): [string, string] {
  const sep = /[:=]/.exec(spec);
  const name = sep ? spec.slice(0, sep.index) : '';
  const ip = sep ? spec.slice(sep.index + 1) : '';
  if (name === '' || ip === '' || !/^[0-9a-fA-F.:]+$/.test(ip)) throw new InvalidArgumentError(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  return [ip, name];
}

/** Entries of a hosts file as `[ip, names]`, comments and blank lines dropped. */
export function parseHosts(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [ip, ...names] = line.split(/\s+/);
    if (names.length > 0) out.push([ip!, names.join(' ')]);
  }
  return out;
}

/** Podman's order: --add-host entries, the base file, host.containers.internal, then the container itself. */
export function hostsContent(input: HostsInput): string {
  const entries: [string, string][] = input.addHosts.map(parseAddHost);
  entries.push(...(input.baseHosts === undefined ? localhostDefaults.map(([ip, n]) => [ip, n] as [string, string]) : parseHosts(input.baseHosts)));
  if (input.hostContainersInternal) entries.push([input.hostContainersInternal, 'host.containers.internal']);
  const self = input.name && input.name !== input.hostname ? `${input.hostname} ${input.name}` : input.hostname;
  for (const ip of input.ips.length > 0 ? input.ips : ['127.0.0.1']) entries.push([ip, self]);
  return entries.map(([ip, names]) => `${ip}\t${names}\n`).join('');
}

export interface ResolvConfInput {
  /** the host's resolv.conf text, undefined when it has none */
  hostResolvConf: string | undefined;
  /** `--dns`; replaces the host's name servers */
  dnsServers: readonly string[];
  /** `--dns-search`; `.` alone means no search domains */
  dnsSearch: readonly string[];
  /** `--dns-option` */
  dnsOptions: readonly string[];
  /** name servers of the container's networks (aardvark-dns), tried first */
  networkServers?: readonly string[];
  /** the container has its own network namespace, where the host's loopback resolvers are unreachable */
  privateNetwork: boolean;
  /** the network has IPv6: fall back to Google's IPv6 resolvers too */
  ipv6?: boolean;
}

interface ParsedResolvConf {
  servers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): ParsedResolvConf {
  const out: ParsedResolvConf = { servers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*/, '').trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'nameserver' && values[0]) out.servers.push(values[0]);
    else if (key === 'search' || key === 'domain') out.search = values;
    else if (key === 'options') out.options.push(...values);
  }
  return out;
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

/**
 * containers/common's resolvconf: the user's servers, else the host's minus loopback ones
 * when they cannot be reached, else Google's public resolvers; search and options from the
 * user when given, else the host's.
 */
export function resolvConfContent(input: ResolvConfInput): string {
  const host = input.hostResolvConf === undefined ? { servers: [], search: [], options: [] } : parseResolvConf(input.hostResolvConf);
  let servers = input.dnsServers.length > 0 ? [...input.dnsServers] : host.servers.filter((s) => !input.privateNetwork || !isLoopback(s));
  if (servers.length === 0 && (input.networkServers ?? []).length === 0) {
    servers = ['8.8.8.8', '8.8.4.4', ...(input.ipv6 ? ['2001:4860:4860::8888', '2001:4860:4860::8844'] : [])];
  }
  servers = [...(input.networkServers ?? []), ...servers];
  const search = input.dnsSearch.length > 0 ? (input.dnsSearch.length === 1 && input.dnsSearch[0] === '.' ? [] : [...input.dnsSearch]) : host.search;
  const options = input.dnsOptions.length > 0 ? [...input.dnsOptions] : host.options;
  let text = '';
  if (search.length > 0) text += `search ${search.join(' ')}\n`;
  for (const s of servers) text += `nameserver ${s}\n`;
  if (options.length > 0) text += `options ${options.join(' ')}\n`;
  return text;
}

export interface ContainerenvInput {
  /** e.g. `skiff-0.1.0` */
  engine: string;
  name: string;
  id: string;
  image: string;
  imageId: string;
  rootless: boolean;
}

/** /run/.containerenv: empty, except for privileged containers, which learn who they are. */
export function containerenvContent(privileged: boolean, info: ContainerenvInput): string {
  if (!privileged) return '';
  return `engine="${info.engine}"\nname="${info.name}"\nid="${info.id}"\nimage="${info.image}"\nimageid="${info.imageId}"\nrootless=${info.rootless ? 1 : 0}\n`;
}
