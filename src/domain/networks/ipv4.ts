/**
 * IPv4 addresses and subnets as numbers: parsing, containment, overlap and the free-subnet
 * search of Podman's default_subnet_pools. IPv6 subnets are carried as text and only
 * checked for syntax.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import { isIPv4, isIPv6 } from '../../infra/network/ip-syntax.ts';

export interface Subnet4 {
  /** network address */
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number {
  if (!isIPv4(ip)) throw new InvalidArgumentError(`${JSON.stringify(ip)} is not an IP address`);
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const size = (prefix: number) => 2 ** (32 - prefix);

/** `10.89.0.0/24`; the address is masked to the network, as Podman stores it. */
export function parseSubnet4(text: string): Subnet4 {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) throw new InvalidArgumentError(`invalid CIDR address: ${text}`);
  const prefix = Number(m[2]);
  const ip = ipToInt(m[1]!);
  return { base: ip - (ip % size(prefix)), prefix };
}

export function formatSubnet(s: Subnet4): string {
  return `${intToIp(s.base)}/${s.prefix}`;
}

export function isIPv6Subnet(text: string): boolean {
  const slash = text.lastIndexOf('/');
  return slash > 0 && isIPv6(text.slice(0, slash)) && /^\d{1,3}$/.test(text.slice(slash + 1)) && Number(text.slice(slash + 1)) <= 128;
}

export function contains(s: Subnet4, ip: number): boolean {
  return ip >= s.base && ip < s.base + size(s.prefix);
}

export function overlaps(a: Subnet4, b: Subnet4): boolean {
  return a.base < b.base + size(b.prefix) && b.base < a.base + size(a.prefix);
}

/** First and last usable host addresses (network and broadcast excluded). */
export function hostRange(s: Subnet4): [number, number] {
  if (s.prefix >= 31) return [s.base, s.base + size(s.prefix) - 1];
  return [s.base + 1, s.base + size(s.prefix) - 2];
}

/** The first `size`-sized subnet of the pools that overlaps none of `used`. */
export function freeSubnet(pools: readonly { base: string; size: number }[], used: readonly Subnet4[]): Subnet4 | undefined {
  for (const pool of pools) {
    const p = parseSubnet4(pool.base);
    if (pool.size < p.prefix || pool.size > 32) continue;
    for (let base = p.base; base < p.base + size(p.prefix); base += size(pool.size)) {
      const cand = { base, prefix: pool.size };
      if (!used.some((u) => overlaps(u, cand))) return cand;
    }
  }
  return undefined;
}
