import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { CorruptContentError, DigestMismatchError } from '../../../define/errors.ts';
import { lgetxattr } from '../../sys/fs-syscalls.ts';
import { applyLayer } from './apply.ts';
import { applyBuffer, packTar, reassembled, sha256, tempDir } from './test-kit.test.ts';

const CAP_NET_RAW = Buffer.from('0100000200200000000000000000000000000000', 'hex');

test('applies every entry type with owners, modes, times and xattrs, and reassembles byte for byte', async (t) => {
  const base = tempDir(t);
  const mtime = new Date(1_234_567_890_000);
  const tar = await packTar([
    { name: 'etc/', type: 'directory', mode: 0o750, uid: 7, gid: 8, mtime },
    { name: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n', uid: 1, gid: 2, mode: 0o640, mtime, pax: { 'SCHILY.xattr.user.note': 'hello' } },
    { name: 'bin/su', data: 'su', mode: 0o4755, uid: 0, gid: 0 },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'etc/sgid', data: '', mode: 0o2755, uid: 3, gid: 4 },
    { name: 'bin/sh', type: 'symlink', linkname: 'busybox', uid: 5, gid: 6, mtime },
    { name: 'bin/busybox', data: 'bb', mode: 0o755 },
    { name: 'bin/ash', type: 'link', linkname: 'bin/busybox' },
    { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660, gid: 6 },
    { name: 'dev/big', type: 'character-device', devmajor: 4095, devminor: 0o777777, mode: 0o600 },
    { name: 'run/fifo', type: 'fifo', mode: 0o620 },
    { name: 'empty', data: '' },
  ]);
  const a = await applyBuffer(base, tar, { expectedDigest: sha256(tar), expectedDiffId: sha256(tar) });
  assert.equal(a.diffId, sha256(tar));
  assert.equal(a.size, tar.length);
  assert.equal(a.fileSize, 26 + 2 + 2);

  const st = (p: string) => lstatSync(`${a.dir}/${p}`);
  assert.equal(readFileSync(`${a.dir}/etc/passwd`, 'utf8'), 'root:x:0:0::/root:/bin/sh\n');
  assert.deepEqual([st('etc/passwd').uid, st('etc/passwd').gid, st('etc/passwd').mode & 0o7777], [1, 2, 0o640]);
  assert.equal(st('etc/passwd').mtimeMs, mtime.getTime());
  assert.equal(lgetxattr(`${a.dir}/etc/passwd`, 'user.note')?.toString(), 'hello');
  assert.deepEqual([st('etc').uid, st('etc').gid, st('etc').mode & 0o7777, st('etc').mtimeMs], [7, 8, 0o750, mtime.getTime()]);
  assert.equal(st('bin/su').mode & 0o7777, 0o4755);
  assert.equal(st('etc/sgid').mode & 0o7777, 0o2755);
  assert.deepEqual([st('etc/sgid').uid, st('etc/sgid').gid], [3, 4]);
  assert.equal(st('tmp').mode & 0o7777, 0o1777);
  assert.equal(readlinkSync(`${a.dir}/bin/sh`), 'busybox');
  assert.deepEqual([st('bin/sh').uid, st('bin/sh').gid, st('bin/sh').mtimeMs], [5, 6, mtime.getTime()]);
  assert.equal(st('bin/ash').ino, st('bin/busybox').ino);
  assert.ok(st('dev/null').isCharacterDevice());
  assert.equal(st('dev/null').rdev, statSync('/dev/null').rdev);
  assert.equal(st('dev/null').mode & 0o7777, 0o666);
  assert.ok(st('dev/sda').isBlockDevice());
  assert.equal(st('dev/sda').gid, 6);
  // glibc's makedev (minor 0x3ffff is the most tar-stream's 6 octal digits hold): minor bits
  // 0..7 stay, major 0xfff takes bits 8..19, minor bits 8..17 move to 20..29.
  assert.equal(st('dev/big').rdev, 0x3fffffff);
  assert.ok(st('run/fifo').isFIFO());
  assert.equal(st('run/fifo').mode & 0o7777, 0o620);
  assert.equal(st('empty').size, 0);
  assert.ok(st('run').isDirectory(), 'a missing parent is created');
  assert.equal(st('run').mode & 0o7777, 0o755);

  assert.equal(sha256(await reassembled(a)), a.diffId);
});

test('keeps binary xattrs such as security.capability', async (t) => {
  const base = tempDir(t);
  // tar-stream writes PAX values as text, so this archive is assembled by hand around its header.
  const { encodeHeader, encodePax, paddingFor } = await import('./tar-header.ts');
  const pax = encodePax([['SCHILY.xattr.security.capability', CAP_NET_RAW], ['SCHILY.xattr.user.bin', Buffer.from([0, 255, 10])]]);
  const tar = Buffer.concat([
    encodeHeader({ name: 'PaxHeaders/ping', mode: 0o644, uid: 0, gid: 0, size: pax.length, mtime: 0, typeflag: 'x' }).block,
    pax, Buffer.alloc(paddingFor(pax.length)),
    encodeHeader({ name: 'ping', mode: 0o4755, uid: 0, gid: 0, size: 4, mtime: 0, typeflag: '0' }).block,
    Buffer.from('ping'), Buffer.alloc(508), Buffer.alloc(1024),
  ]);
  const a = await applyBuffer(base, tar);
  assert.deepEqual(lgetxattr(`${a.dir}/ping`, 'security.capability'), CAP_NET_RAW);
  assert.deepEqual(lgetxattr(`${a.dir}/ping`, 'user.bin'), Buffer.from([0, 255, 10]));
  assert.equal(lstatSync(`${a.dir}/ping`).mode & 0o7777, 0o4755, 'chmod after chown keeps setuid');
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('long names: ustar prefix, PAX paths past 255 bytes, long link targets', async (t) => {
  const base = tempDir(t);
  const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(70)}`;
  const longest = `${'x'.repeat(200)}/${'y'.repeat(200)}/${'z'.repeat(120)}`;
  const tar = await packTar([
    { name: `${deep}/file`, data: 'prefix' },
    { name: `${longest}/file`, data: 'pax' },
    { name: 'link', type: 'symlink', linkname: `${longest}/file` },
    { name: 'hard', type: 'link', linkname: `${longest}/file` },
  ]);
  const a = await applyBuffer(base, tar);
  assert.equal(readFileSync(`${a.dir}/${deep}/file`, 'utf8'), 'prefix');
  assert.equal(readFileSync(`${a.dir}/${longest}/file`, 'utf8'), 'pax');
  assert.equal(readlinkSync(`${a.dir}/link`), `${longest}/file`);
  assert.equal(lstatSync(`${a.dir}/hard`).ino, lstatSync(`${a.dir}/${longest}/file`).ino);
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('OCI whiteouts become overlay whiteouts and opaque directories, never files', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.gone', data: '' },
    { name: 'var/cache/', type: 'directory' },
    { name: 'var/cache/.wh..wh..opq', data: '' },
    { name: 'var/cache/new', data: 'n' },
    { name: '.wh..wh.plnk', type: 'directory' },
    { name: 'kept', data: 'same layer' },
    { name: '.wh.kept', data: '' },
  ]);
  const root = await applyBuffer(base, tar);
  const wh = lstatSync(`${root.dir}/etc/gone`);
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.equal(lgetxattr(`${root.dir}/var/cache`, 'trusted.overlay.opaque')?.toString(), 'y');
  assert.deepEqual(readdirSync(`${root.dir}/var/cache`), ['new']);
  assert.ok(!readdirSync(root.dir).some((n) => n.startsWith('.wh.')));
  assert.deepEqual(readdirSync(`${root.dir}/etc`), ['gone']);
  assert.equal(readFileSync(`${root.dir}/kept`, 'utf8'), 'same layer', 'a whiteout does not hide its own layer');
  assert.equal(sha256(await reassembled(root)), sha256(tar));

  const user = await applyBuffer(base, tar, { whiteoutFormat: 'overlay-user' });
  assert.ok(lstatSync(`${user.dir}/etc/gone`).isCharacterDevice());
  assert.equal(lgetxattr(`${user.dir}/var/cache`, 'user.overlay.opaque')?.toString(), 'y');
  assert.equal(lgetxattr(`${user.dir}/var/cache`, 'trusted.overlay.opaque'), undefined);
});

test('gzip, zstd and plain layers; the blob digest is of the compressed bytes', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([{ name: 'a', data: 'x'.repeat(100_000) }, { name: 'b/', type: 'directory' }]);
  for (const blob of [tar, gzipSync(tar), zstdCompressSync(tar)]) {
    const a = await applyBuffer(base, blob, { expectedDigest: sha256(blob), expectedDiffId: sha256(tar) });
    assert.equal(a.diffId, sha256(tar));
    assert.equal(a.size, tar.length);
    assert.equal(readFileSync(`${a.dir}/a`, 'utf8').length, 100_000);
    assert.equal(sha256(await reassembled(a)), sha256(tar));
  }
});

test('a digest mismatch fails and leaves no tar-split', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([{ name: 'a', data: 'a' }]);
  const gz = gzipSync(tar);
  const wrong = `sha256:${'0'.repeat(64)}`;
  for (const opts of [{ expectedDigest: wrong }, { expectedDiffId: wrong }, { expectedDigest: sha256(tar) }]) {
    const dir = `${base}/d${Object.keys(opts)[0]}${opts.expectedDigest === wrong ? 1 : 2}`;
    (await import('node:fs')).mkdirSync(dir);
    await assert.rejects(
      applyLayer(Readable.from([gz]), dir, { tarSplitPath: `${dir}.split`, whiteoutFormat: 'overlay-root', ...opts }),
      DigestMismatchError,
    );
    assert.equal(existsSync(`${dir}.split`), false);
    assert.deepEqual(readdirSync(base).filter((n) => n.includes('.split')), []);
  }
});

test('truncated and corrupt archives fail with CorruptContentError', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([{ name: 'a', data: 'y'.repeat(5000) }, { name: 'b', data: 'b' }]);
  const cases: Array<[string, Buffer]> = [
    ['truncated tar', tar.subarray(0, 2000)],
    ['truncated gzip', gzipSync(tar).subarray(0, 60)],
    ['truncated zstd', zstdCompressSync(tar).subarray(0, 40)],
    ['garbage', Buffer.from('this is not a tar archive at all'.repeat(40))],
    ['bad gzip', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(100, 7)])],
    ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])],
    ['bzip2', Buffer.from('BZh91AY&SY')],
  ];
  for (const [what, blob] of cases) {
    await assert.rejects(applyBuffer(base, blob), CorruptContentError, what);
  }
});

test('zero-length input and an empty tar are empty layers', async (t) => {
  const base = tempDir(t);
  for (const blob of [Buffer.alloc(0), Buffer.alloc(1024), gzipSync(Buffer.alloc(1024))]) {
    const a = await applyBuffer(base, blob);
    assert.deepEqual(readdirSync(a.dir), []);
    assert.equal(a.fileSize, 0);
    const tar = blob.length > 0 && blob[0] === 0x1f ? Buffer.alloc(1024) : blob;
    assert.equal(a.diffId, sha256(tar));
    assert.equal(sha256(await reassembled(a)), a.diffId);
  }
});

test('later entries replace earlier ones; the tar-split keeps the replaced content', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([
    { name: 'f', data: 'first version' },
    { name: 'f', data: 'second' },
    { name: 'big', data: randomBytes(3_000_000) },
    { name: 'big', data: 'small now' },
    { name: 'd/', type: 'directory', mode: 0o700 },
    { name: 'd/inner', data: 'inner content' },
    { name: 'd/sub/deep', data: 'deep content' },
    { name: 'd', data: 'now a file' },
    { name: 'g', type: 'symlink', linkname: 'f' },
    { name: 'g/', type: 'directory' },
    { name: 'h', data: 'linked' },
    { name: 'h2', type: 'link', linkname: 'h' },
    { name: 'h', type: 'symlink', linkname: 'h2' },
    { name: 'm/', type: 'directory', mode: 0o700 },
    { name: 'm/', type: 'directory', mode: 0o751 },
  ]);
  const a = await applyBuffer(base, tar);
  assert.equal(readFileSync(`${a.dir}/f`, 'utf8'), 'second');
  assert.equal(readFileSync(`${a.dir}/big`, 'utf8'), 'small now');
  assert.equal(readFileSync(`${a.dir}/d`, 'utf8'), 'now a file');
  assert.ok(lstatSync(`${a.dir}/g`).isDirectory());
  assert.equal(readFileSync(`${a.dir}/h2`, 'utf8'), 'linked');
  assert.equal(readlinkSync(`${a.dir}/h`), 'h2');
  assert.equal(lstatSync(`${a.dir}/m`).mode & 0o7777, 0o751);
  assert.deepEqual(readdirSync(base).filter((n) => n.includes('stash')), [], 'the stash is removed');
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('reassembly fails if an extracted file changed', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([{ name: 'a', data: 'original' }, { name: 'b', data: 'bbbb' }]);
  const a = await applyBuffer(base, tar);
  writeFileSync(`${a.dir}/a`, 'longer content');
  await assert.rejects(reassembled(a), CorruptContentError);
  writeFileSync(`${a.dir}/a`, 'ORIGINAL');
  await assert.rejects(reassembled(a), CorruptContentError);
  writeFileSync(`${a.dir}/a`, 'original');
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('maps owners through uid and gid maps; an unmapped owner fails', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([
    { name: 'd/', type: 'directory', uid: 0, gid: 0 },
    { name: 'd/f', data: 'f', uid: 1000, gid: 100 },
    { name: 'auto/created/l', type: 'symlink', linkname: 'x', uid: 5, gid: 5 },
  ]);
  const maps = { uidMap: [{ containerId: 0, hostId: 100_000, size: 65_536 }], gidMap: [{ containerId: 0, hostId: 200_000, size: 65_536 }] };
  const a = await applyBuffer(base, tar, maps);
  const owner = (p: string) => [lstatSync(`${a.dir}/${p}`).uid, lstatSync(`${a.dir}/${p}`).gid];
  assert.deepEqual(owner('d'), [100_000, 200_000]);
  assert.deepEqual(owner('d/f'), [101_000, 200_100]);
  assert.deepEqual(owner('auto/created/l'), [100_005, 200_005]);
  assert.deepEqual(owner('auto'), [100_000, 200_000], 'missing parents belong to the mapped root');
  const outside = await packTar([{ name: 'f', data: 'f', uid: 70_000 }]);
  await assert.rejects(applyBuffer(base, outside, maps), CorruptContentError);
});

test('PAX global headers apply to the entries after them', async (t) => {
  const base = tempDir(t);
  const { encodeHeader, encodePax, paddingFor } = await import('./tar-header.ts');
  const global = encodePax([['uid', Buffer.from('77')], ['mtime', Buffer.from('1000000000.5')]]);
  const tar = Buffer.concat([
    encodeHeader({ name: 'pax_global_header', mode: 0o644, uid: 0, gid: 0, size: global.length, mtime: 0, typeflag: 'g' }).block,
    global, Buffer.alloc(paddingFor(global.length)),
    encodeHeader({ name: 'a', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, typeflag: '0' }).block,
    Buffer.alloc(1024),
  ]);
  const a = await applyBuffer(base, tar);
  assert.equal(lstatSync(`${a.dir}/a`).uid, 77);
  assert.equal(lstatSync(`${a.dir}/a`).mtimeMs, 1_000_000_000_500);
  assert.equal(sha256(await reassembled(a)), sha256(tar));
});

test('an input stream error fails the apply with that error and leaves no tar-split', async (t) => {
  const base = tempDir(t);
  const tar = await packTar([{ name: 'a', data: 'a'.repeat(10_000) }]);
  const input = Readable.from((async function* () {
    yield tar.subarray(0, 1024);
    throw new Error('connection reset');
  })());
  await assert.rejects(applyLayer(input, base, { tarSplitPath: `${base}/split`, whiteoutFormat: 'overlay-root' }), /connection reset/);
  assert.deepEqual(readdirSync(base).filter((n) => n.startsWith('split')), []);
});
