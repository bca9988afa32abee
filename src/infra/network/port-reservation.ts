/**
 * Published host ports held for a container's life, as Podman holds them: one bound socket
 * per port (listening, for TCP), handed to conmon, which keeps it open until the container
 * ends. netavark's DNAT rules take the traffic first; the socket only makes the port busy,
 * so nothing else on the host (another engine, another skiff store) can take it meanwhile.
 * Raw sockets through libc: Node's own cannot be handed to a child.
 */
import { libcFunc, lastErrno } from '../sys/libc.ts';
import { bindFailure, type HostPortRange } from './host-ports.ts';

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;

/** Go's words for the errnos bind meets. */
const errnoText: Record<number, string> = { 13: 'permission denied', 98: 'address already in use', 99: 'cannot assign requested address' };

function sockaddr(hostIp: string, port: number): Buffer {
  const v6 = hostIp.includes(':');
  const addr = Buffer.alloc(v6 ? 28 : 16);
  addr.writeUInt16LE(v6 ? AF_INET6 : AF_INET, 0);
  addr.writeUInt16BE(port, 2);
  if (hostIp !== '') {
    const inetPton = libcFunc('int inet_pton(int af, const char *src, void *dst)');
    const dst = addr.subarray(v6 ? 8 : 4, v6 ? 24 : 8);
    if (inetPton(v6 ? AF_INET6 : AF_INET, hostIp, dst) !== 1) throw bindFailure('tcp', port, hostIp, 'invalid address');
  }
  return addr;
}

function closeFd(fd: number): void {
  libcFunc('int close(int fd)')(fd);
}

/** One bound socket, or Podman's error (`cannot listen on the TCP port: listen tcp4 :80: bind: …`). */
function reserve(protocol: 'tcp' | 'udp', hostIp: string, port: number): number {
  const v6 = hostIp.includes(':');
  const fd = libcFunc('int socket(int domain, int type, int protocol)')(v6 ? AF_INET6 : AF_INET, (protocol === 'tcp' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw bindFailure(protocol, port, hostIp, `socket: errno ${lastErrno()}`);
  try {
    if (protocol === 'tcp') {
      // Go sets it on every TCP listener: a port in TIME_WAIT is still free
      const one = Buffer.alloc(4);
      one.writeInt32LE(1);
      libcFunc('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)')(fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
    }
    const addr = sockaddr(hostIp, port);
    if ((libcFunc('int bind(int fd, const void *addr, uint32_t len)')(fd, addr, addr.length) as number) !== 0) {
      const errno = lastErrno();
      throw bindFailure(protocol, port, hostIp, errnoText[errno] ?? `errno ${errno}`);
    }
    if (protocol === 'tcp' && (libcFunc('int listen(int fd, int backlog)')(fd, 128) as number) !== 0) {
      throw bindFailure(protocol, port, hostIp, `listen: errno ${lastErrno()}`);
    }
    return fd;
  } catch (err) {
    closeFd(fd);
    throw err;
  }
}

/**
 * Binds every host port of `ports` (sctp is not reserved, as in Podman); returns the fds,
 * close-on-exec, for conmon to inherit. On failure nothing stays open.
 */
export function reserveHostPorts(ports: readonly HostPortRange[]): number[] {
  const fds: number[] = [];
  try {
    for (const p of ports) {
      if (p.protocol === 'sctp') continue;
      for (let i = 0; i < Math.max(1, p.range); i++) fds.push(reserve(p.protocol, p.hostIp, p.hostPort + i));
    }
    return fds;
  } catch (err) {
    for (const fd of fds) closeFd(fd);
    throw err;
  }
}
