/**
 * sd_notify(3): one datagram to the socket systemd named in NOTIFY_SOCKET. Node's dgram
 * has no unix sockets, so the datagram goes out through socket(2)/sendto(2) via koffi.
 */
import { closeSync } from 'node:fs';
import { libcFunc, lastErrno, SyscallError } from './libc.ts';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOCKADDR_UN_SIZE = 110;

/** Sends `message` (e.g. "MAINPID=123\nREADY=1") to `socketPath`; `@name` is an abstract socket. */
export function sdNotify(socketPath: string, message: string): void {
  const addr = Buffer.alloc(SOCKADDR_UN_SIZE);
  addr.writeUInt16LE(AF_UNIX, 0);
  const abstract = socketPath.startsWith('@');
  const name = Buffer.from(abstract ? socketPath.slice(1) : socketPath);
  if (name.length + 1 > SOCKADDR_UN_SIZE - 2) throw new SyscallError('sendto', 36, socketPath);
  name.copy(addr, abstract ? 3 : 2);
  const len = 2 + (abstract ? 1 : 0) + name.length + (abstract ? 0 : 1);
  const fd = libcFunc('int socket(int domain, int type, int protocol)')(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw new SyscallError('socket', lastErrno());
  try {
    const data = Buffer.from(message);
    const sent = libcFunc('intptr_t sendto(int fd, const void *buf, uintptr_t len, int flags, const void *addr, uint32_t alen)')(fd, data, data.length, 0, addr, len) as number;
    if (sent < 0) throw new SyscallError('sendto', lastErrno(), socketPath);
  } finally {
    closeSync(fd);
  }
}
