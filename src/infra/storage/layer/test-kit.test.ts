/**
 * Shared helpers for the layer tests (named *.test.ts so the build leaves it out; it holds
 * no tests of its own).
 */
import type { TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, ftruncateSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, openSync,
  readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import tarStream from 'tar-stream';
import { lgetxattr, llistxattr, lsetxattr, mknod, S_IFBLK, S_IFCHR, S_IFIFO } from '../../sys/fs-syscalls.ts';
import { applyLayer, type ApplyLayerOptions, type ApplyLayerReport } from './apply.ts';
import { layerTarStream } from './reassemble.ts';

const execFileP = promisify(execFile);

export function tempDir(t: TestContext, name = 'skiff-layer-'): string {
  const dir = mkdtempSync(join(tmpdir(), name));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const { stdout } = await execFileP(cmd, args, { cwd, maxBuffer: 1 << 28, encoding: 'utf8' });
  return stdout;
}

export interface PackEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  data?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  mtime?: Date;
  pax?: Record<string, string>;
}

/** A tar built with tar-stream's pack. */
export async function packTar(entries: PackEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const out = collect(pack as unknown as Readable);
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
    const type = e.type ?? 'file';
    const header: Partial<tarStream.Header> & { name: string } = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_600_000_000_000),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      ...(e.devmajor !== undefined ? { devmajor: e.devmajor, devminor: e.devminor ?? 0 } : {}),
      ...(e.pax ? { pax: e.pax } : {}),
    };
    if (type === 'file') pack.entry({ ...header, size: data?.length ?? 0 }, data ?? Buffer.alloc(0));
    else pack.entry(header);
  }
  pack.finalize();
  return out;
}

export async function collect(stream: AsyncIterable<Buffer> | Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export interface Applied extends ApplyLayerReport {
  dir: string;
  split: string;
}

/** Applies `blob` to a fresh directory under `base`. */
export async function applyBuffer(base: string, blob: Buffer, opts: Partial<ApplyLayerOptions> = {}): Promise<Applied> {
  const dir = mkdtempSync(join(base, 'diff-'));
  const split = `${dir}.tar-split.gz`;
  const report = await applyLayer(Readable.from([blob]), dir, { tarSplitPath: split, whiteoutFormat: 'overlay-root', ...opts });
  return { ...report, dir, split };
}

export async function reassembled(a: Applied): Promise<Buffer> {
  return collect(layerTarStream(a.dir, a.split));
}

export const CAP_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');
const T = 1_500_000_000;

/**
 * A tree with every kind of entry a layer holds: owners (one past the ustar range),
 * setuid/setgid/sticky modes, xattrs (user.* and security.capability), hard links, long
 * names (over 100 and 255 bytes), a long link target, devices, a fifo, a sparse file,
 * empty and block-sized files, non-ASCII names. Times are whole seconds.
 */
export function buildTree(dir: string, opts: { sparse?: boolean } = {}): void {
  const long = `${'l'.repeat(120)}/${'m'.repeat(150)}`;
  const dirs = ['etc', 'bin', 'tmp', 'dev', 'run', 'données', long, 'usr/share/empty'];
  for (const d of dirs) mkdirSync(join(dir, d), { recursive: true });
  const files: Array<[string, Buffer | string, number, number, number]> = [
    ['etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n', 0o640, 0, 42],
    ['bin/busybox', randomBytes(1_500_000), 0o755, 0, 0],
    ['bin/su', 'su', 0o4755, 0, 0],
    ['bin/sg', 'sg', 0o2711, 0, 5],
    ['bin/ping', 'ping', 0o755, 0, 0],
    ['empty', '', 0o600, 1000, 1000],
    ['block', Buffer.alloc(512, 1), 0o644, 0, 0],
    ['block1', Buffer.alloc(513, 2), 0o644, 0, 0],
    ['bigid', 'id', 0o644, 3_000_000, 3_000_001],
    ['données/é.txt', 'unicode', 0o644, 0, 0],
    [`${long}/${'n'.repeat(90)}.txt`, 'deep', 0o644, 0, 0],
  ];
  for (const [p, data, mode, uid, gid] of files) {
    writeFileSync(join(dir, p), data);
    chownSync(join(dir, p), uid, gid);
    chmodSync(join(dir, p), mode);
  }
  linkSync(join(dir, 'bin/busybox'), join(dir, 'bin/ash'));
  linkSync(join(dir, 'bin/busybox'), join(dir, `${long}/hardlink`));
  symlinkSync('busybox', join(dir, 'bin/sh'));
  symlinkSync(`/${long}/${'n'.repeat(90)}.txt`, join(dir, 'longlink'));
  lchownSync(join(dir, 'bin/sh'), 7, 8);
  mknod(join(dir, 'dev/null'), S_IFCHR | 0o666, 1, 3);
  mknod(join(dir, 'dev/loop0'), S_IFBLK | 0o660, 7, 0);
  mknod(join(dir, 'run/fifo'), S_IFIFO | 0o600, 0, 0);
  chmodSync(join(dir, 'dev/null'), 0o666);
  chmodSync(join(dir, 'tmp'), 0o1777);
  lsetxattr(join(dir, 'etc/passwd'), 'user.comment', Buffer.from('a note'));
  lsetxattr(join(dir, 'etc'), 'user.dir', Buffer.from([0, 1, 2, 255]));
  lsetxattr(join(dir, 'bin/ping'), 'security.capability', CAP_NET_RAW);
  if (opts.sparse) {
    const fd = openSync(join(dir, 'sparse'), 'w');
    writeSync(fd, 'start', 0, 'utf8');
    writeSync(fd, 'middle', 3_000_000, 'utf8');
    ftruncateSync(fd, 8_000_000);
    closeSync(fd);
  }
  for (const p of listTree(dir).reverse()) lutimesSync(join(dir, p), T, T);
}

function listTree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
    const p = rel ? `${rel}/${name}` : name;
    out.push(p);
    if (lstatSync(join(dir, p)).isDirectory()) out.push(...listTree(dir, p));
  }
  return out;
}

/** Everything a layer must preserve about a tree, path by path (hard links as link groups). */
export function describeTree(dir: string, opts: { xattrs?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const inodes = new Map<number, string>();
  for (const p of listTree(dir)) {
    const abs = join(dir, p);
    const st = lstatSync(abs);
    const parts = [`mode=${(st.mode >>> 0).toString(8)}`, `owner=${st.uid}:${st.gid}`];
    parts.push(`mtime=${Math.floor(st.mtimeMs / 1000)}`);
    if (st.isFile()) parts.push(`size=${st.size}`, sha256(readFileSync(abs)));
    if (st.isSymbolicLink()) parts.push(`-> ${readlinkSync(abs)}`);
    if (st.isCharacterDevice() || st.isBlockDevice()) parts.push(`rdev=${st.rdev}`);
    if (st.nlink > 1 && !st.isDirectory()) {
      const first = inodes.get(st.ino);
      if (first === undefined) inodes.set(st.ino, p);
      else parts.push(`link=${first}`);
    }
    if (opts.xattrs !== false) {
      for (const name of llistxattr(abs).sort()) parts.push(`${name}=${lgetxattr(abs, name)!.toString('hex')}`);
    }
    out[p] = parts.join(' ');
  }
  return out;
}
