/**
 * This machine's own address, as Podman picks it for host.containers.internal when no bridge
 * gateway can stand in (macvlan and ipvlan gateways are routers elsewhere on the LAN).
 */
import os from 'node:os';

/** The first global IPv4 address of the host's interfaces, else the first global IPv6 one, else ''. */
export function hostLocalIp(): string {
  let v6 = '';
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') return a.address;
      if (!v6 && !/^fe80:/i.test(a.address)) v6 = a.address;
    }
  }
  return v6;
}
