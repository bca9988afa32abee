/**
 * A minimal tar writer producing the same headers as Go's archive/tar does for
 * containers/image's archives (USTAR, uid/gid 0, mtime 0, no user names), so an archive skiff
 * writes is byte-identical to Podman's for the same content. It honours backpressure.
 */
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CorruptContentError, SkiffError } from '../../define/errors.ts';

const block = 512;
const maxOctalSize = 0o77777777777;

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new RangeError(`tar header field too long: ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

function writeSize(header: Buffer, size: number): void {
  if (size <= maxOctalSize) {
    writeOctal(header, size, 124, 12);
    return;
  }
  // GNU base-256 for members of 8 GiB and more, which every tar reader accepts.
  header[124] = 0x80;
  let value = BigInt(size);
  for (let i = 135; i > 124; i--) {
    header[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/** Splits a long name into USTAR's prefix and name fields, as Go does. */
function splitName(name: string): [prefix: string, rest: string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  throw new RangeError(`tar member name too long: ${name}`);
}

export type TarMemberType = 'file' | 'symlink' | 'dir';

export function tarHeader(name: string, type: TarMemberType, size: number, mode: number, linkname = ''): Buffer {
  const header = Buffer.alloc(block);
  const [prefix, rest] = splitName(name);
  writeString(header, rest, 0, 100);
  writeOctal(header, mode, 100, 8);
  writeOctal(header, 0, 108, 8);
  writeOctal(header, 0, 116, 8);
  writeSize(header, size);
  writeOctal(header, 0, 136, 12);
  header.write('        ', 148, 8, 'latin1');
  header.write(type === 'file' ? '0' : type === 'symlink' ? '2' : '5', 156, 1, 'latin1');
  writeString(header, linkname, 157, 100);
  header.write('ustar\u000000', 257, 8, 'latin1');
  writeOctal(header, 0, 329, 8);
  writeOctal(header, 0, 337, 8);
  writeString(header, prefix, 345, 155);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

/** Resolves on 'drain'; rejects if the stream fails or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error): void => {
      out.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (err: Error): void => settle(err);
    const onClose = (): void => settle(out.errored ?? new SkiffError('the output was closed before the archive was complete'));
    out.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

export class TarWriter {
  readonly #out: Writable;
  #error: Error | undefined;

  /** Listens for `out`'s errors at once, so a failure between writes is reported, not thrown at the process. */
  constructor(out: Writable) {
    this.#out = out;
    out.on('error', (err) => {
      this.#error ??= err;
    });
  }

  async #write(chunk: Buffer): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#out.destroyed) throw new SkiffError('the output was closed before the archive was complete');
    if (!this.#out.write(chunk)) await drained(this.#out);
  }

  /** A regular file of exactly `size` bytes (mode 0444, as containers/image writes them). */
  async file(name: string, size: number, data: Buffer | Readable, mode = 0o444): Promise<void> {
    await this.#write(tarHeader(name, 'file', size, mode));
    let written = 0;
    if (Buffer.isBuffer(data)) {
      written = data.length;
      if (written === size) await this.#write(data);
    } else {
      for await (const chunk of data) {
        written += (chunk as Buffer).length;
        if (written > size) throw new CorruptContentError(`${name} is longer than ${size} bytes`);
        await this.#write(chunk as Buffer);
      }
    }
    if (written !== size) throw new CorruptContentError(`${name}: expected ${size} bytes, got ${written}`);
    if (size % block !== 0) await this.#write(Buffer.alloc(block - (size % block)));
  }

  async symlink(name: string, target: string): Promise<void> {
    await this.#write(tarHeader(name, 'symlink', 0, 0, target));
  }

  async dir(name: string, mode = 0o755): Promise<void> {
    await this.#write(tarHeader(name.endsWith('/') ? name : `${name}/`, 'dir', 0, mode));
  }

  /** Writes the end-of-archive blocks and ends the output, resolving once it has flushed. */
  async finish(): Promise<void> {
    await this.#write(Buffer.alloc(2 * block));
    this.#out.end();
    await finished(this.#out);
  }
}
