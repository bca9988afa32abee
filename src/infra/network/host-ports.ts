/**
 * Host ports for publishing: whether they can be taken (netavark's DNAT rules never bind, so
 * a clash would go unnoticed; Podman binds them itself and fails with Go's error, which
 * checkHostPorts repeats) and random free ranges for `-p CTRPORT` and `-P`.
 */
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../../define/errors.ts';

type Proto = 'tcp' | 'udp' | 'sctp';

// Loaded on first use: `run` reaches this module even when it publishes nothing.
const net = () => process.getBuiltinModule('node:net');
const dgram = () => process.getBuiltinModule('node:dgram');

export interface HostPortRange {
  hostIp: string;
  hostPort: number;
  protocol: Proto;
  range: number;
}

function bindTcp(port: number, hostIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net().createServer();
    server.once('error', reject);
    server.listen({ port, host: hostIp || '0.0.0.0', exclusive: true }, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdp(port: number, hostIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = dgram().createSocket(hostIp.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', reject);
    sock.bind({ port, address: hostIp || '0.0.0.0', exclusive: true }, () => {
      const bound = sock.address().port;
      sock.close(() => resolve(bound));
    });
  });
}

function bind(proto: Proto, port: number, hostIp: string): Promise<number> {
  return proto === 'udp' ? bindUdp(port, hostIp) : bindTcp(port, hostIp);
}

/** Go's wording of the errnos a bind meets. */
const errnoText: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
};

/** Podman's error for a host port it could not bind: `cannot listen on the TCP port: listen tcp4 :80: bind: …`. */
export function bindFailure(proto: Proto, port: number, hostIp: string, why: string): InvalidArgumentError {
  const v6 = net().isIPv6(hostIp);
  const addr = v6 ? `[${hostIp}]:${port}` : `${hostIp}:${port}`;
  return new InvalidArgumentError(`cannot listen on the ${proto.toUpperCase()} port: listen ${proto}${v6 ? '6' : '4'} ${addr}: bind: ${why}`);
}

/** Why `port` cannot be bound now (Go's wording), or undefined when it can. */
async function bindError(proto: Proto, port: number, hostIp: string): Promise<string | undefined> {
  try {
    await bind(proto, port, hostIp);
    return undefined;
  } catch (err) {
    return errnoText[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message;
  }
}

/**
 * Throws Podman's error for the first host port of `ports` something on this machine holds
 * (sctp is not probed, as in Podman).
 */
export async function checkHostPorts(ports: readonly HostPortRange[]): Promise<void> {
  for (const p of ports) {
    if (p.protocol === 'sctp') continue;
    for (let i = 0; i < Math.max(1, p.range); i++) {
      const why = await bindError(p.protocol, p.hostPort + i, p.hostIp);
      if (why) throw bindFailure(p.protocol, p.hostPort + i, p.hostIp, why);
    }
  }
}

/**
 * The first port of `range` consecutive host ports that are free now and not in `used`,
 * starting at a port the kernel hands out; undefined after a few tries.
 */
export async function pickHostPorts(p: HostPortRange, used: ReadonlySet<number>): Promise<number | undefined> {
  const proto = p.protocol === 'sctp' ? 'tcp' : p.protocol;
  const range = Math.max(1, p.range);
  outer: for (let i = 0; i < 30; i++) {
    // an address this host lacks still gets a port now, and Podman's bind error at start
    const start = await bind(proto, 0, p.hostIp).catch(() => bind(proto, 0, '')).catch(() => 0);
    if (start === 0 || start + range - 1 > 65535) continue;
    for (let j = 0; j < range; j++) {
      if (used.has(start + j)) continue outer;
      if (j > 0 && (await bindError(proto, start + j, p.hostIp)) === errnoText.EADDRINUSE) continue outer;
    }
    return start;
  }
  return undefined;
}
