/**
 * Random bytes straight from /dev/urandom. Loading node:crypto costs ~6 ms, a large share of
 * a short command such as `run`, which needs randomness only for IDs and names.
 */
import fs from 'node:fs';

export function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    for (let got = 0; got < n; ) got += fs.readSync(fd, buf, got, n - got, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** A uniform integer in [0, max), max ≤ 2^32. */
export function randomInt(max: number): number {
  // Rejection sampling: drawing from the largest multiple of max below 2^32 avoids bias.
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  for (;;) {
    const v = randomBytes(4).readUInt32LE(0);
    if (v < limit) return v % max;
  }
}

/** An RFC 4122 version 4 UUID. */
export function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
