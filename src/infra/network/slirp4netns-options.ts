/**
 * slirp4netns's options as Podman 4.3 reads them (`--network slirp4netns:OPTS` after
 * containers.conf's `network_cmd_options`), the command-line flags they become, and the
 * addresses slirp4netns hands out in its network (guest .100, gateway .2, DNS .3).
 */
import { isIPv4, isIPv6 } from './ip-syntax.ts';
import { networkInterfaces } from 'node:os';
import { InvalidArgumentError } from '../../define/errors.ts';

export interface Slirp4netnsOptions {
  allowHostLoopback: boolean;
  /** '' keeps slirp4netns's 10.0.2.0/24 */
  cidr: string;
  enableIpv6: boolean;
  mtu: number;
  outboundAddr: string;
  outboundAddr6: string;
  /** skiff forwards ports through slirp4netns's API either way (it has no rootlessport) */
  portHandler: 'rootlesskit' | 'slirp4netns';
}

export interface Slirp4netnsAddresses {
  /** the container's address */
  guest: string;
  gateway: string;
  dns: string;
  prefixLength: number;
}

export const defaultSlirp4netnsMtu = 65520;

function bool(key: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`invalid value of ${key} for slirp4netns: ${JSON.stringify(value)}`);
}

function isInterface(name: string): boolean {
  return Object.hasOwn(networkInterfaces(), name);
}

/** Later options win, so containers.conf's defaults go first and the flag's after them. */
export function parseSlirp4netnsOptions(options: readonly string[]): Slirp4netnsOptions {
  const out: Slirp4netnsOptions = { allowHostLoopback: false, cidr: '', enableIpv6: true, mtu: defaultSlirp4netnsMtu, outboundAddr: '', outboundAddr6: '', portHandler: 'rootlesskit' };
  for (const opt of options) {
    const eq = opt.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`unknown option for slirp4netns: ${JSON.stringify(opt)}`);
    const key = opt.slice(0, eq);
    const value = opt.slice(eq + 1);
    switch (key) {
      case 'allow_host_loopback':
        out.allowHostLoopback = bool(key, value);
        break;
      case 'enable_ipv6':
        out.enableIpv6 = bool(key, value);
        break;
      case 'cidr':
        slirp4netnsAddresses(value);
        out.cidr = value;
        break;
      case 'mtu': {
        const mtu = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!(mtu >= 68 && mtu <= 65521)) throw new InvalidArgumentError(`invalid mtu ${JSON.stringify(value)}`);
        out.mtu = mtu;
        break;
      }
      case 'outbound_addr':
        if (!isIPv4(value) && !isInterface(value)) throw new InvalidArgumentError(`invalid outbound_addr ${JSON.stringify(value)}`);
        out.outboundAddr = value;
        break;
      case 'outbound_addr6':
        if (!isIPv6(value) && !isInterface(value)) throw new InvalidArgumentError(`invalid outbound_addr6: ${JSON.stringify(value)}`);
        out.outboundAddr6 = value;
        break;
      case 'port_handler':
        if (value !== 'rootlesskit' && value !== 'slirp4netns') throw new InvalidArgumentError(`unknown port_handler for slirp4netns: ${JSON.stringify(value)}`);
        out.portHandler = value;
        break;
      default:
        throw new InvalidArgumentError(`unknown option for slirp4netns: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}

/** Podman's flags for these options; `noPivotRoot` (containers.conf) turns the sandbox off. */
export function slirp4netnsArgs(o: Slirp4netnsOptions, noPivotRoot = false): string[] {
  const args: string[] = [];
  if (!o.allowHostLoopback) args.push('--disable-host-loopback');
  args.push(`--mtu=${o.mtu}`);
  if (!noPivotRoot) args.push('--enable-sandbox');
  args.push('--enable-seccomp');
  if (o.cidr) args.push(`--cidr=${o.cidr}`);
  if (o.enableIpv6) args.push('--enable-ipv6');
  if (o.outboundAddr) args.push(`--outbound-addr=${o.outboundAddr}`);
  if (o.outboundAddr6) args.push(`--outbound-addr6=${o.outboundAddr6}`);
  return args;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The addresses in `cidr` ('' for 10.0.2.0/24); the network must hold host 100. */
export function slirp4netnsAddresses(cidr: string): Slirp4netnsAddresses {
  const text = cidr || '10.0.2.0/24';
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(text);
  const prefixLength = m ? Number(m[2]) : NaN;
  if (!m || !isIPv4(m[1]!) || !(prefixLength >= 1 && prefixLength <= 25)) {
    throw new InvalidArgumentError(`invalid cidr ${JSON.stringify(cidr)}: an IPv4 network of /25 or more addresses is needed`);
  }
  const size = 2 ** (32 - prefixLength);
  const base = ipToInt(m[1]!) - (ipToInt(m[1]!) % size);
  return { guest: intToIp(base + 100), gateway: intToIp(base + 2), dns: intToIp(base + 3), prefixLength };
}
