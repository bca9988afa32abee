/**
 * A client for a SOCK_SEQPACKET unix socket, such as conmon's attach socket. Node's `net`
 * refuses these descriptors, so the socket is made with socket(2)/connect(2) through koffi
 * and then read and written with `fs` calls on the raw descriptor: each read(2) returns one
 * packet and each write(2) sends one, so packet boundaries survive.
 *
 * A pending read blocks one libuv thread-pool thread until a packet arrives; close() shuts
 * the socket down first so that read returns and the process can exit.
 */
import { closeSync, openSync, read, write } from 'node:fs';
import { libcFunc, lastErrno, SyscallError } from './libc.ts';

const AF_UNIX = 1;
const SOCK_SEQPACKET = 5;
const SOCK_CLOEXEC = 0o2000000;
const O_PATH = 0o10000000;
const SHUT_WR = 1;
const SHUT_RDWR = 2;
/** sizeof(struct sockaddr_un): 2 bytes of family, 108 of path. */
const SOCKADDR_UN_SIZE = 110;

/** Largest packet a reader is expected to take whole; conmon reads 32 KiB minus one. */
const MAX_PACKET = 8192;

export class SeqpacketSocket {
  readonly fd: number;
  private closed = false;
  /** The read in flight; close() waits for it so the fd is not closed under a pool thread. */
  private reading: Promise<unknown> = Promise.resolve();
  /** Writes in flight; close() waits for them so the fd is not closed under a pool thread. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * The packets as they arrive, one Buffer each, until the peer closes or close() is called.
   * Plain read(2)s on the pool: an fs read stream would load node:fs/promises and readline
   * (~2 ms of every attached run) for the same reads.
   */
  async *packets(): AsyncGenerator<Buffer> {
    const buf = Buffer.allocUnsafe(64 * 1024);
    while (!this.closed) {
      const next = new Promise<number>((resolve) => read(this.fd, buf, 0, buf.length, null, (err, n) => resolve(err ? 0 : n)));
      this.reading = next;
      const n = await next;
      if (n <= 0) return;
      yield Buffer.from(buf.subarray(0, n));
    }
  }

  /** Sends data, split into packets a peer reading 8 KiB at a time takes whole. */
  write(data: Buffer): Promise<void> {
    const done = (async () => {
      for (let off = 0; off < data.length; off += MAX_PACKET) {
        if (this.closed) throw new Error('socket closed');
        const packet = data.subarray(off, off + MAX_PACKET);
        await new Promise<void>((resolve, reject) => {
          write(this.fd, packet, 0, packet.length, null, (err) => (err ? reject(err) : resolve()));
        });
      }
    })();
    this.writing = Promise.allSettled([this.writing, done]);
    return done;
  }

  /** Half-closes: the peer reads end-of-file (conmon then closes the container's stdin). */
  shutdownWrite(): void {
    if (!this.closed) libcFunc('int shutdown(int fd, int how)')(this.fd, SHUT_WR);
  }

  /** Shuts both directions down, waits for a pending read to return, and closes the fd. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    libcFunc('int shutdown(int fd, int how)')(this.fd, SHUT_RDWR);
    await Promise.allSettled([this.writing, this.reading]);
    closeSync(this.fd);
  }
}

/**
 * Connects to the SOCK_SEQPACKET socket at `path`. The socket is opened with O_PATH and
 * reached through /proc/self/fd/N, so paths longer than sun_path's 108 bytes work (as
 * Podman does for conmon's sockets under deep bundle directories).
 */
export function connectSeqpacket(path: string): SeqpacketSocket {
  const pathFd = openSync(path, O_PATH);
  try {
    const fd = libcFunc('int socket(int domain, int type, int protocol)')(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0) as number;
    if (fd < 0) throw new SyscallError('socket', lastErrno());
    const addr = Buffer.alloc(SOCKADDR_UN_SIZE);
    addr.writeUInt16LE(AF_UNIX, 0);
    addr.write(`/proc/self/fd/${pathFd}`, 2, 'utf8');
    const rc = libcFunc('int connect(int fd, const void *addr, uint32_t len)')(fd, addr, SOCKADDR_UN_SIZE) as number;
    if (rc < 0) {
      const errno = lastErrno();
      closeSync(fd);
      throw new SyscallError('connect', errno, path);
    }
    return new SeqpacketSocket(fd);
  } finally {
    closeSync(pathFd);
  }
}
