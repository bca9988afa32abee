/**
 * Pull-style reading of a byte stream in exact amounts, handing out slices of the incoming
 * chunks without copying where possible. Every chunk is shown to `onChunk` once, in order,
 * which is where the diff ID gets hashed.
 */
import { CorruptContentError } from '../../../define/errors.ts';

const EMPTY = Buffer.alloc(0);

export class ByteSource {
  readonly #it: AsyncIterator<Buffer>;
  readonly #onChunk: (chunk: Buffer) => void;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #ended = false;
  /** Bytes handed out so far. */
  offset = 0;

  constructor(chunks: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void) {
    this.#it = chunks[Symbol.asyncIterator]();
    this.#onChunk = onChunk;
  }

  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#buf.length) {
      if (this.#ended) return false;
      const r = await this.#it.next();
      if (r.done) {
        this.#ended = true;
        return false;
      }
      this.#onChunk(r.value);
      this.#buf = r.value;
      this.#pos = 0;
    }
    return true;
  }

  /** Exactly `n` bytes; null at a clean end of stream; CorruptContentError if it ends within them. */
  async read(n: number): Promise<Buffer | null> {
    if (this.#pos + n <= this.#buf.length) return this.#slice(n);
    if (!(await this.#fill())) return null;
    if (this.#pos + n <= this.#buf.length) return this.#slice(n);
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (!(await this.#fill())) throw this.truncated();
      const piece = this.#slice(Math.min(n - got, this.#buf.length - this.#pos));
      piece.copy(out, got);
      got += piece.length;
    }
    return out;
  }

  /** Up to `max` (> 0) bytes, at least one; CorruptContentError at end of stream. */
  async readSome(max: number): Promise<Buffer> {
    if (!(await this.#fill())) throw this.truncated();
    return this.#slice(Math.min(max, this.#buf.length - this.#pos));
  }

  /** Everything left, chunk by chunk. */
  async *rest(): AsyncGenerator<Buffer> {
    while (await this.#fill()) yield this.#slice(this.#buf.length - this.#pos);
  }

  truncated(): CorruptContentError {
    return new CorruptContentError(`truncated layer archive: unexpected end of data at byte ${this.offset}`);
  }

  #slice(n: number): Buffer {
    const s = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    this.offset += n;
    return s;
  }
}
