/**
 * Address management: each container gets free addresses on its networks, recorded in the
 * network_allocations table inside one write transaction, so concurrent skiff processes
 * never hand out the same address. Gateways and the lease range are respected.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import type { StateDb } from '../../infra/state/db.ts';
import { contains, hostRange, intToIp, ipToInt, parseSubnet4 } from './ipv4.ts';
import type { Network } from './network-definition.ts';

type SubnetEntry = NonNullable<Network['subnets']>[number];

/** The subnet's host addresses within its lease range (Podman stores the range's broadcast as its end). */
function v4Candidates(s: SubnetEntry): [number, number] {
  const net = parseSubnet4(s.subnet);
  let [first, last] = hostRange(net);
  if (s.lease_range?.start_ip) first = Math.max(first, ipToInt(s.lease_range.start_ip));
  if (s.lease_range?.end_ip) last = Math.min(last, ipToInt(s.lease_range.end_ip));
  return [first, last];
}

/** `prefix::/64` → `prefix::n` (IPv6 only in that spelling, which is what skiff writes). */
function v6Address(s: SubnetEntry, n: number): string {
  const addr = s.subnet.slice(0, s.subnet.lastIndexOf('/'));
  return `${addr}${n.toString(16)}`;
}

export class Ipam {
  readonly #db: StateDb;
  constructor(db: StateDb) {
    this.#db = db;
  }

  /**
   * Addresses for the container on `net`, one per subnet: the `wanted` static ones when
   * they fit a subnet and are free, else the lowest free ones.
   */
  allocate(net: Network, containerId: string, wanted: readonly string[] = []): string[] {
    return this.#db.write(() => {
      const used = new Set(this.#db.all<{ ip: string }>('SELECT ip FROM network_allocations WHERE network = ?', net.name).map((r) => r.ip));
      const out: string[] = [];
      for (const s of net.subnets ?? []) {
        const v6 = s.subnet.includes(':');
        const own = wanted.find((ip) => (v6 ? ip.includes(':') : !ip.includes(':') && contains(parseSubnet4(s.subnet), ipToInt(ip))));
        let ip: string | undefined;
        if (own) {
          if (used.has(own) || own === s.gateway) throw new InvalidArgumentError(`requested ip address ${own} is already allocated to another container: address already in use`);
          ip = own;
        } else if (v6) {
          for (let n = 2; n < 65536 && !ip; n++) if (!used.has(v6Address(s, n))) ip = v6Address(s, n);
        } else {
          const [first, last] = v4Candidates(s);
          for (let n = first; n <= last && !ip; n++) {
            const cand = intToIp(n);
            if (cand !== s.gateway && !used.has(cand)) ip = cand;
          }
        }
        if (!ip) throw new InvalidArgumentError(`IPAM error: failed to find free IP in range: ${s.subnet}`);
        used.add(ip);
        out.push(ip);
        this.#db.run('INSERT INTO network_allocations (network, ip, container_id) VALUES (?, ?, ?)', net.name, ip, containerId);
      }
      for (const ip of wanted) {
        if (!out.includes(ip)) throw new InvalidArgumentError(`requested static ip ${ip} not in any subnet on network ${net.name}`);
      }
      return out;
    });
  }

  /** The container's addresses by network. */
  allocated(containerId: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.#db.all<{ network: string; ip: string }>('SELECT network, ip FROM network_allocations WHERE container_id = ?', containerId)) {
      out.set(r.network, [...(out.get(r.network) ?? []), r.ip]);
    }
    return out;
  }

  /** Frees the container's addresses on one network, or on all of them. */
  release(containerId: string, network?: string): void {
    this.#db.write(() => {
      if (network === undefined) this.#db.run('DELETE FROM network_allocations WHERE container_id = ?', containerId);
      else this.#db.run('DELETE FROM network_allocations WHERE container_id = ? AND network = ?', containerId, network);
    });
  }
}
