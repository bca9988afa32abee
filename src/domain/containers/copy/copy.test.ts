import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, beforeEach, describe, test } from 'node:test';
import { PathEscapeError } from '../../../define/errors.ts';
import { collect, packTar } from '../../../infra/storage/layer/test-kit.test.ts';
import { mknod, S_IFCHR } from '../../../infra/sys/fs-syscalls.ts';
import { resolveInContainer } from './container-path.ts';
import { copyFiles, parseCopyArg, type ContainerLocation, type CopyOptions } from './copy.ts';

const base = mkdtempSync(join(tmpdir(), 'skiff-cp-'));
after(() => rmSync(base, { recursive: true, force: true }));

let root = '';
let host = '';
let n = 0;

/** A container rootfs with the links an attacker would plant, and a host directory beside it. */
beforeEach(() => {
  const dir = join(base, String(n++));
  root = join(dir, 'rootfs');
  host = join(dir, 'host');
  for (const d of ['etc', 'data/sub', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(host);
  writeFileSync(join(root, 'etc/passwd'), 'container passwd\n');
  writeFileSync(join(root, 'etc/hostname'), 'container-host\n');
  writeFileSync(join(root, 'data/file.txt'), 'hello\n');
  writeFileSync(join(root, 'data/sub/deep'), 'deep\n');
  chownSync(join(root, 'data/file.txt'), 1000, 1000);
  mknod(join(root, 'data/null'), S_IFCHR | 0o666, 1, 3);
  symlinkSync('/', join(root, 'escape'));
  symlinkSync('/etc/passwd', join(root, 'pw'));
  symlinkSync('../../../../../../etc', join(root, 'up'));
  symlinkSync('file.txt', join(root, 'data/rel'));
});

function ctr(path: string, extra: Partial<ContainerLocation> = {}): ContainerLocation {
  return { kind: 'container', container: 'ctr', fs: { root }, workdir: '/data', path, owner: { uid: 0, gid: 0 }, ...extra };
}

const opts: CopyOptions = { archive: true, overwrite: false, caller: { uid: 0, gid: 0 } };

describe('resolveInContainer', () => {
  test('absolute and relative links, and `..`, stay inside the root', () => {
    assert.equal(resolveInContainer({ root }, '/escape/etc/hostname').hostPath, join(root, 'etc/hostname'));
    assert.equal(resolveInContainer({ root }, '/up/passwd').hostPath, join(root, 'etc/passwd'));
    assert.equal(resolveInContainer({ root }, '/../../etc/passwd').hostPath, join(root, 'etc/passwd'));
    assert.equal(resolveInContainer({ root }, 'rel', '/data').path, '/data/file.txt');
    assert.equal(resolveInContainer({ root }, '/pw').path, '/etc/passwd');
  });

  test('a missing path reports where it would be created', () => {
    const r = resolveInContainer({ root }, '/escape/tmp/new');
    assert.equal(r.stat, undefined);
    assert.equal(r.parentExists, true);
    assert.equal(r.hostPath, join(root, 'tmp/new'));
    assert.equal(resolveInContainer({ root }, '/nodir/x').parentExists, false);
    assert.equal(resolveInContainer({ root }, '/etc/passwd/x').parentExists, false);
  });

  test('symlink loops end with an error', () => {
    symlinkSync('/loop', join(root, 'loop'));
    assert.throws(() => resolveInContainer({ root }, '/loop/x'), /too many levels of symbolic links/);
  });

  test('paths under a mount are found at its source', () => {
    const vol = join(base, `vol-${n}`);
    mkdirSync(join(vol, 'inner'), { recursive: true });
    const fs = { root, mounts: [{ destination: '/data/vol', source: vol }] };
    assert.equal(resolveInContainer(fs, '/data/vol/inner').hostPath, join(vol, 'inner'));
    assert.equal(resolveInContainer(fs, '/data/vol').hostPath, vol);
  });
});

describe('copy out of a container', () => {
  test('a file to a new name, owned by the caller', async () => {
    await copyFiles(ctr('/data/file.txt'), { kind: 'host', path: join(host, 'copy') }, opts);
    assert.equal(readFileSync(join(host, 'copy'), 'utf8'), 'hello\n');
    assert.equal(lstatSync(join(host, 'copy')).uid, 0);
  });

  test('through the container\'s own links: /escape/etc/hostname is the container\'s file', async () => {
    await copyFiles(ctr('/escape/etc/hostname'), { kind: 'host', path: join(host, 'hn') }, opts);
    assert.equal(readFileSync(join(host, 'hn'), 'utf8'), 'container-host\n');
    await copyFiles(ctr('/../../etc/passwd'), { kind: 'host', path: host }, opts);
    assert.equal(readFileSync(join(host, 'passwd'), 'utf8'), 'container passwd\n');
  });

  test('a symlink source is copied as its target, under the target\'s name', async () => {
    await copyFiles(ctr('/pw'), { kind: 'host', path: host }, opts);
    assert.deepEqual(readdirSync(host), ['passwd']);
  });

  test('a directory into an existing directory, its contents with /., or as a new directory', async () => {
    await copyFiles(ctr('/data'), { kind: 'host', path: host }, opts);
    assert.deepEqual(readdirSync(join(host, 'data')).sort(), ['file.txt', 'rel', 'sub']);
    mkdirSync(join(host, 'contents'));
    await copyFiles(ctr('/data/.'), { kind: 'host', path: join(host, 'contents') }, opts);
    assert.deepEqual(readdirSync(join(host, 'contents')).sort(), ['file.txt', 'rel', 'sub']);
    await copyFiles(ctr('/data/.'), { kind: 'host', path: join(host, 'fresh') }, opts);
    assert.deepEqual(readdirSync(join(host, 'fresh')).sort(), ['file.txt', 'rel', 'sub']);
    assert.equal(readFileSync(join(host, 'fresh/sub/deep'), 'utf8'), 'deep\n');
  });

  test('relative paths start at the working directory; device nodes are skipped', async () => {
    await copyFiles(ctr('sub'), { kind: 'host', path: join(host, 's') }, opts);
    assert.deepEqual(readdirSync(join(host, 's')), ['deep']);
    await copyFiles(ctr('.'), { kind: 'host', path: join(host, 'd') }, opts);
    assert.equal(existsSync(join(host, 'd/null')), false);
  });

  test('errors as Podman words them', async () => {
    await assert.rejects(copyFiles(ctr('/nope'), { kind: 'host', path: host }, opts), { message: '"/nope" could not be found on container ctr: no such file or directory' });
    writeFileSync(join(host, 'f'), 'x');
    await assert.rejects(copyFiles(ctr('/data'), { kind: 'host', path: join(host, 'f') }, opts), { message: 'destination must be a directory when copying a directory' });
    await assert.rejects(copyFiles(ctr('/data'), { kind: 'host', path: join(host, 'x/y') }, opts), { message: `"${join(host, 'x/y')}" could not be found on the host: no such file or directory` });
  });

  test('to stdout as a tar stream', async () => {
    const out = new PassThrough();
    const done = collect(out);
    await copyFiles(ctr('/data/sub'), { kind: 'host', path: '-' }, { ...opts, stdout: out });
    out.end();
    const tar = await done;
    assert.ok(tar.includes(Buffer.from('sub/deep')));
  });
});

describe('copy into a container', () => {
  test('onto a symlink to /etc/passwd: the container\'s file is replaced, not the host\'s', async () => {
    const before = readFileSync('/etc/passwd', 'utf8');
    writeFileSync(join(host, 'mine'), 'mine\n');
    await copyFiles({ kind: 'host', path: join(host, 'mine') }, ctr('/pw'), opts);
    assert.equal(readFileSync(join(root, 'etc/passwd'), 'utf8'), 'mine\n');
    assert.equal(readFileSync('/etc/passwd', 'utf8'), before);
  });

  test('owners: the container user with --archive, the source\'s without', async () => {
    writeFileSync(join(host, 'own'), 'o');
    chownSync(join(host, 'own'), 1234, 4321);
    await copyFiles({ kind: 'host', path: join(host, 'own') }, ctr('/tmp/a', { owner: { uid: 1000, gid: 1000 } }), opts);
    await copyFiles({ kind: 'host', path: join(host, 'own') }, ctr('/tmp/b'), { ...opts, archive: false });
    assert.deepEqual([lstatSync(join(root, 'tmp/a')).uid, lstatSync(join(root, 'tmp/a')).gid], [1000, 1000]);
    assert.deepEqual([lstatSync(join(root, 'tmp/b')).uid, lstatSync(join(root, 'tmp/b')).gid], [1234, 4321]);
  });

  test('a directory never replaces a file without --overwrite', async () => {
    mkdirSync(join(host, 'dir/passwd'), { recursive: true });
    await assert.rejects(copyFiles({ kind: 'host', path: `${host}/dir/.` }, ctr('/etc'), opts), /cannot overwrite a non-directory with a directory/);
    await copyFiles({ kind: 'host', path: `${host}/dir/.` }, ctr('/etc'), { ...opts, overwrite: true });
    assert.ok(lstatSync(join(root, 'etc/passwd')).isDirectory());
  });

  test('a stdin archive cannot climb out through its own links or `..`', async () => {
    const evil = await packTar([
      { name: 'link', type: 'symlink', linkname: '/' },
      { name: 'link/etc/planted', data: 'x' },
    ]);
    await copyFiles({ kind: 'host', path: '-' }, ctr('/tmp'), { ...opts, stdin: Readable.from([evil]) });
    assert.equal(readFileSync(join(root, 'etc/planted'), 'utf8'), 'x');
    assert.equal(existsSync('/etc/planted'), false);
    const climbing = await packTar([{ name: '../../../x', data: 'x' }]);
    await assert.rejects(copyFiles({ kind: 'host', path: '-' }, ctr('/tmp'), { ...opts, stdin: Readable.from([climbing]) }), PathEscapeError);
  });

  test('stdin must be a tar archive and the destination a directory', async () => {
    await assert.rejects(copyFiles({ kind: 'host', path: '-' }, ctr('/tmp'), { ...opts, stdin: Readable.from([Buffer.from('garbage\n')]) }), {
      message: 'source must be a (compressed) tar archive when copying from stdin',
    });
    await assert.rejects(copyFiles({ kind: 'host', path: '-' }, ctr('/etc/passwd'), { ...opts, stdin: Readable.from([Buffer.alloc(0)]) }), {
      message: 'destination must be a directory when copying from stdin',
    });
  });

  test('a missing destination needs its parent; a trailing slash needs the directory itself', async () => {
    writeFileSync(join(host, 'f'), 'f');
    await assert.rejects(copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/nodir/x'), opts), { message: '"/nodir/x" could not be found on container ctr: no such file or directory' });
    await assert.rejects(copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/tmp/new/'), opts), { message: '"/tmp/new/" could not be found on container ctr: no such file or directory' });
    await copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/escape/tmp/new'), opts);
    assert.equal(readFileSync(join(root, 'tmp/new'), 'utf8'), 'f');
  });
});

describe('a container with its own user namespace', () => {
  const idMappings = { uidMap: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMap: [{ containerID: 0, hostID: 200000, size: 65536 }] };

  test('what goes in is owned by the host ids its owner maps to; an unmapped owner is an error', async () => {
    writeFileSync(join(host, 'f'), 'x');
    await copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/tmp/f', { idMappings, owner: { uid: 1000, gid: 1000 } }), opts);
    assert.deepEqual([lstatSync(join(root, 'tmp/f')).uid, lstatSync(join(root, 'tmp/f')).gid], [101000, 201000]);
    mkdirSync(join(host, 'd'));
    await copyFiles({ kind: 'host', path: join(host, 'd') }, ctr('/tmp/d', { idMappings, owner: { uid: 1000, gid: 1000 } }), opts);
    assert.equal(lstatSync(join(root, 'tmp/d')).uid, 101000);
    await copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/tmp/kept', { idMappings }), { ...opts, archive: false });
    assert.deepEqual([lstatSync(join(root, 'tmp/kept')).uid, lstatSync(join(root, 'tmp/kept')).gid], [100000, 200000]);
    await assert.rejects(copyFiles({ kind: 'host', path: join(host, 'f') }, ctr('/tmp/g', { idMappings, owner: { uid: 70000, gid: 0 } }), opts), {
      message: 'container ID 70000 cannot be mapped to a host ID',
    });
  });

  test('an archive streamed out holds its ids, nobody for what it cannot map', async () => {
    chownSync(join(root, 'data/sub/deep'), 100005, 200007);
    const out = new PassThrough();
    const done = collect(out);
    await copyFiles(ctr('/data/sub', { idMappings }), { kind: 'host', path: '-' }, { ...opts, stdout: out });
    out.end();
    const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], { input: await done }).toString();
    assert.match(listing, /65534\/65534 .* sub\/\n/);
    assert.match(listing, /5\/7 .* sub\/deep\n/);
  });
});

test('parseCopyArg splits CONTAINER:PATH unless the path starts with / or .', () => {
  assert.deepEqual(parseCopyArg('ctr:/etc'), { container: 'ctr', path: '/etc' });
  assert.deepEqual(parseCopyArg('./a:b'), { container: undefined, path: './a:b' });
  assert.deepEqual(parseCopyArg('/x:y'), { container: undefined, path: '/x:y' });
  assert.deepEqual(parseCopyArg('-'), { container: undefined, path: '-' });
});
