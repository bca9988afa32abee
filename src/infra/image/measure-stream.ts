/** A pass-through stream that hashes (sha256) and counts what flows through it: a blob's digest and size as it is written. */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class MeasureStream extends Transform {
  readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}
