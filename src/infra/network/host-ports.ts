/**
 * Host ports for publishing: whether one is free (netavark's DNAT rules never bind, so a
 * clash would go unnoticed) and a random free one for `-p CTRPORT` and `-P`.
 */
import dgram from 'node:dgram';
import net from 'node:net';

type Proto = 'tcp' | 'udp' | 'sctp';

function bindTcp(port: number, hostIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: hostIp || '0.0.0.0', exclusive: true }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdp(port: number, hostIp: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(hostIp.includes(':') ? 'udp6' : 'udp4');
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

/** Whether a process on the host could take `port`; sctp is not probed. */
export async function hostPortFree(proto: Proto, port: number, hostIp: string): Promise<boolean> {
  if (proto === 'sctp') return true;
  try {
    await bind(proto, port, hostIp);
    return true;
  } catch {
    return false;
  }
}

/** A port the kernel considers free now, skipping `taken`. */
export async function randomHostPort(proto: Proto, hostIp: string, taken: ReadonlySet<number>): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await bind(proto === 'sctp' ? 'tcp' : proto, 0, hostIp);
    if (!taken.has(port)) return port;
  }
  throw new Error('no free host port found');
}
