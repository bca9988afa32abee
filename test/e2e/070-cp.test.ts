// `cp`: both directions, running and stopped containers, tar streams, owners, Podman's path
// rules and errors, and above all: a container's symlinks never lead a copy out of it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive, imageNames } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const image = imageNames.docker;

describe('cp', () => {
  const env = new SkiffEnv();
  let host = '';
  let n = 0;
  /** A fresh, empty directory on the host. */
  const hostDir = () => {
    const d = join(host, String(n++));
    mkdirSync(d);
    return d;
  };
  before(async () => {
    host = join(env.dir, 'host');
    mkdirSync(host);
    await env.runOk(['load', '-i', await dockerArchive()]);
    await env.runOk(['run', '-d', '--name', 'box', image, 'sleep', '1000']);
    await env.runOk(['exec', 'box', 'sh', '-c', 'ln -s / /escape && ln -s /etc/passwd /pw && echo in-container > /etc/marker']);
    await env.runOk(['create', '--name', 'stopped', image, 'true']);
  });
  after(() => env.cleanup());

  test('a file out of a running container, to a new name and into a directory', async () => {
    const d = hostDir();
    await env.runOk(['cp', 'box:/data/file.txt', join(d, 'copy')]);
    assert.equal(readFileSync(join(d, 'copy'), 'utf8'), 'hello\n');
    await env.runOk(['cp', 'box:/data/app-owned', d]);
    const st = lstatSync(join(d, 'app-owned'));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [0, 0, 0o640]);
  });

  test('a directory, its contents with /., and relative paths from the working directory', async () => {
    const d = hostDir();
    await env.runOk(['cp', 'box:/data', d]);
    assert.ok(readdirSync(join(d, 'data')).includes('file.txt'));
    assert.equal(existsSync(join(d, 'data/null-device')), false, 'device nodes are not copied to the host');
    await env.runOk(['cp', 'box:/data/.', join(d, 'new')]);
    assert.ok(readdirSync(join(d, 'new')).includes('file.txt'));
    await env.runOk(['cp', 'box:file.txt', join(d, 'relative')]);
    assert.equal(readFileSync(join(d, 'relative'), 'utf8'), 'hello\n');
  });

  test('the container\'s symlinks resolve inside the container', async () => {
    const d = hostDir();
    await env.runOk(['cp', 'box:/escape/etc/marker', join(d, 'marker')]);
    assert.equal(readFileSync(join(d, 'marker'), 'utf8'), 'in-container\n');
    await env.runOk(['cp', 'box:/escape/etc/hostname', join(d, 'hostname')]);
    const hostname = (await env.runOk(['exec', 'box', 'cat', '/etc/hostname']));
    assert.equal(readFileSync(join(d, 'hostname'), 'utf8'), hostname);
    await env.runOk(['cp', 'box:/data/abs-symlink', d]);
    assert.equal(readFileSync(join(d, 'passwd'), 'utf8'), await env.runOk(['exec', 'box', 'cat', '/etc/passwd']));
  });

  test('`..` never climbs out of the container', async () => {
    const d = hostDir();
    const r = await env.run(['cp', 'box:/../../etc/shadow', d]);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: "/../../etc/shadow" could not be found on container box: no such file or directory\n');
    assert.deepEqual(readdirSync(d), []);
  });

  test('writing through a symlink to /etc/passwd writes the container\'s file, not the host\'s', async () => {
    const before = readFileSync('/etc/passwd', 'utf8');
    const src = join(hostDir(), 'mine');
    writeFileSync(src, 'root:x:0:0:replaced:/root:/bin/sh\n');
    await env.runOk(['cp', src, 'box:/pw']);
    assert.equal(await env.runOk(['exec', 'box', 'cat', '/etc/passwd']), 'root:x:0:0:replaced:/root:/bin/sh\n');
    assert.equal(readFileSync('/etc/passwd', 'utf8'), before);
    const escaping = join(hostDir(), 'escaped-file');
    writeFileSync(escaping, 'x');
    await env.runOk(['cp', escaping, 'box:/escape/tmp/']);
    assert.equal(existsSync('/tmp/escaped-file'), false);
    assert.equal(await env.runOk(['exec', 'box', 'cat', '/tmp/escaped-file']), 'x');
  });

  test('owners: the container\'s user by default, the source\'s with --archive=false', async () => {
    const d = hostDir();
    writeFileSync(join(d, 'own'), 'o');
    chownSync(join(d, 'own'), 1234, 4321);
    await env.runOk(['cp', join(d, 'own'), 'box:/tmp/own1']);
    await env.runOk(['cp', '--archive=false', join(d, 'own'), 'box:/tmp/own2']);
    assert.equal(await env.runOk(['exec', 'box', 'stat', '-c', '%u:%g', '/tmp/own1', '/tmp/own2']), '0:0\n1234:4321\n');
  });

  test('tar streams: to stdout, and from stdin into a directory', async () => {
    const out = await env.run(['cp', 'box:/data/file.txt', '-']);
    assert.equal(out.code, 0, out.stderr);
    const d = hostDir();
    writeFileSync(join(d, 'archive.tar'), out.stdoutBuffer);
    assert.equal(execFileSync('tar', ['-tf', join(d, 'archive.tar')], { encoding: 'utf8' }), 'file.txt\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', d, 'archive.tar']);
    await env.runOk(['cp', '-', 'box:/tmp'], { input: tar });
    assert.equal((await env.runOk(['exec', 'box', 'tar', '-tf', '/tmp/archive.tar'])), 'file.txt\n');
    const notTar = await env.run(['cp', '-', 'box:/tmp'], { input: 'garbage\n' });
    assert.equal(notTar.code, 125);
    assert.equal(notTar.stderr, 'Error: source must be a (compressed) tar archive when copying from stdin\n');
    const toFile = await env.run(['cp', '-', 'box:/etc/passwd'], { input: tar });
    assert.equal(toFile.stderr, 'Error: destination must be a directory when copying from stdin\n');
  });

  test('a container that is not running, both ways', async () => {
    const d = hostDir();
    writeFileSync(join(d, 'in'), 'into a stopped container\n');
    await env.runOk(['cp', join(d, 'in'), 'stopped:/in']);
    await env.runOk(['cp', 'stopped:/in', join(d, 'out')]);
    assert.equal(readFileSync(join(d, 'out'), 'utf8'), 'into a stopped container\n');
    assert.doesNotMatch(await env.runOk(['mount']), new RegExp((await env.runOk(['inspect', '--format', '{{.Id}}', 'stopped'])).trim().slice(0, 12)), 'no mount is left behind');
  });

  test('from one container to another', async () => {
    await env.runOk(['cp', 'box:/etc/marker', 'stopped:/marker-copy']);
    const d = hostDir();
    await env.runOk(['cp', 'stopped:/marker-copy', d]);
    assert.equal(readFileSync(join(d, 'marker-copy'), 'utf8'), 'in-container\n');
  });

  test('Podman\'s errors', async () => {
    const d = hostDir();
    writeFileSync(join(d, 'file'), 'f');
    const cases: Array<[string[], string]> = [
      [['cp', 'box:/nope', d], '"/nope" could not be found on container box: no such file or directory'],
      [['cp', join(d, 'nope'), 'box:/'], `"${join(d, 'nope')}" could not be found on the host: no such file or directory`],
      [['cp', 'box:/data', join(d, 'file')], 'destination must be a directory when copying a directory'],
      [['cp', d, 'box:/etc/passwd'], 'destination must be a directory when copying a directory'],
      [['cp', 'box:/etc/passwd', join(d, 'x/y')], `"${join(d, 'x/y')}" could not be found on the host: no such file or directory`],
      [['cp', join(d, 'file'), 'box:/nodir/x'], '"/nodir/x" could not be found on container box: no such file or directory'],
      [['cp', 'nope:/x', d], 'container "nope" does not exist'],
      [['cp', join(d, 'file'), join(d, 'other')], 'name or ID cannot be empty'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });
});
