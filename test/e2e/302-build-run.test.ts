// `build`: RUN --mount (cache, bind, tmpfs, secret) and --network, --secret, COPY --link,
// --chown by name, ADD from http(s) URLs, apt-get with a cache mount in a debootstrap image,
// and a rootless multi-stage build. Mounts must leave nothing in the image, secrets nowhere.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { BuildContexts, debianRootfs, noDebootstrap } from './build-test-helpers.ts';
import { ensureUser, rootlessSkipReason, UserEnv } from './rootless-test-helpers.ts';

/** Every regular file under `dir` whose content holds `needle` (files that vanish meanwhile are skipped). */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    try {
      if (readFileSync(file).includes(needle)) found.push(file);
    } catch {
      // removed since the listing
    }
  }
  return found;
}

describe('build: RUN mounts, secrets, COPY/ADD options', () => {
  const env = new SkiffEnv();
  const contexts = new BuildContexts();
  const ctx = (files: Record<string, string>): string => contexts.make(files);
  let server: Server;
  let base = '';
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
    server = createServer((req, res) => {
      if (req.url === '/files/data.tar.gz') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        res.end(execFileSync('tar', ['-cz', '-C', '/etc', 'hostname']));
      } else if (req.url === '/plain.txt') res.end('plain\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    contexts.cleanup();
    await env.cleanup();
  });

  test('cache mounts persist between builds in <root>/build-cache, never in the image', async () => {
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox',
        'WORKDIR /src',
        'RUN --mount=type=cache,target=/var/cache/app,id=counter sh -c "echo x >> /var/cache/app/n; wc -l < /var/cache/app/n"',
        'RUN --mount=type=cache,target=.cache,sharing=locked,mode=0700,uid=1000,gid=100 stat -c "%a %u %g %n" .cache',
        'RUN --mount=type=cache,target=/again,id=counter,ro sh -c "wc -l < /again/n; ! touch /again/x 2>/dev/null"',
        'RUN ls -a /src; ls /var 2>&1; true',
        '',
      ].join('\n'),
    });
    const first = await env.runOk(['build', '--no-cache', '-t', 'cache1', dir]);
    assert.match(first, /STEP 3\/6: RUN --mount=type=cache,target=\/var\/cache\/app,id=counter .*\n1\n/);
    assert.match(first, /\n700 1000 100 \.cache\n/);
    assert.match(first, /STEP 5\/6: .*\n1\n/);
    // the mount points go, and so do the parents the image lacked
    assert.match(first, /STEP 6\/6: RUN ls -a \/src; ls \/var 2>&1; true\n\.\n\.\.\nls: \/var: No such file or directory\n/);
    const second = await env.runOk(['build', '--no-cache', '-t', 'cache1', dir]);
    assert.match(second, /STEP 3\/6: .*\n2\n/);
    assert.deepEqual(readdirSync(join(env.root, 'build-cache')).sort(), ['%2Fsrc%2F%2Ecache', '%2Fsrc%2F%2Ecache.lock', 'counter']);
    assert.equal(readFileSync(join(env.root, 'build-cache', 'counter', 'n'), 'utf8'), 'x\nx\n');
    const history = await env.runOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'cache1']);
    assert.match(history, /^\/bin\/sh -c --mount=type=cache,target=\/var\/cache\/app,id=counter sh -c/m);
    const bad = ctx({ Containerfile: 'FROM localhost/busybox\nRUN --mount=type=cache,target=/c,sharing=sometimes true\n' });
    const r = await env.run(['build', bad]);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: building at STEP "RUN --mount=type=cache,target=/c,sharing=sometimes true": unrecognized value "sometimes" for field `sharing`\n');
  });

  test('bind mounts: context read-only, rw writes thrown away, stages and images, nothing out of the context', async () => {
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox AS build',
        'RUN mkdir /out && echo artefact > /out/bin',
        'FROM localhost/busybox',
        'RUN --mount=type=bind,source=src,target=/in cat /in/main.c && ! touch /in/x 2>/dev/null',
        'RUN --mount=type=bind,source=src,target=/in,rw touch /in/new && ls /in',
        'RUN --mount=type=bind,target=/ctx ls /ctx/src',
        'RUN --mount=type=bind,from=build,source=/out,target=/opt/b cat /opt/b/bin',
        'RUN --mount=type=bind,from=localhost/busybox,source=/etc/passwd,target=/p,rw sh -c "echo more >> /p && head -1 /p"',
        'RUN --mount=type=tmpfs,target=/scratch,size=1m df -k /scratch | awk \'NR == 2 {print $1, $2}\' && touch /scratch/x',
        'RUN ls -d /in /ctx /opt/b /p /scratch 2>&1; true',
        '',
      ].join('\n'),
      'src/main.c': 'int main;\n',
    });
    const out = await env.runOk(['build', '-t', 'binds', dir]);
    assert.match(out, /\nint main;\n/);
    assert.match(out, /RUN --mount=type=bind,source=src,target=\/in,rw touch \/in\/new && ls \/in\nmain\.c\nnew\n/);
    assert.match(out, /RUN --mount=type=bind,target=\/ctx ls \/ctx\/src\nmain\.c\n/);
    assert.match(out, /\nartefact\n/);
    assert.match(out, /\nroot:x:0:0:root:\/root:\/bin\/sh\n/);
    assert.match(out, /\ntmpfs 1024\n/);
    assert.match(out, /ls: \/in: No such file or directory\nls: \/ctx: No such file or directory\nls: \/opt\/b: No such file or directory\nls: \/p: No such file or directory\nls: \/scratch: No such file or directory\n/);
    assert.deepEqual(readdirSync(join(dir, 'src')), ['main.c']);
    assert.equal(await env.runOk(['run', '--rm', 'localhost/busybox', 'sh', '-c', 'grep -c more /etc/passwd; true']), '0\n');

    const outside = ctx({ secret: 'outside\n' });
    symlinkSync(join(outside, 'secret'), join(dir, 'link'));
    for (const [source, why] of [['link', 'is outside of the build context'], ['../x', 'is outside of the build context'], ['missing', 'is not in the build context']]) {
      writeFileSync(join(dir, 'Containerfile'), `FROM localhost/busybox\nRUN --mount=type=bind,source=${source},target=/x cat /x\n`);
      const r = await env.run(['build', dir]);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.stderr, `Error: building at STEP "RUN --mount=type=bind,source=${source},target=/x cat /x": RUN --mount: source "${source}" ${why}\n`);
    }
  });

  test('--secret: files and env variables, mounted read-only, never in the image, history, store or log', async () => {
    const secret = `s3cr3t-${process.pid}-value`;
    const envSecret = `env-${process.pid}-secret`;
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox',
        'WORKDIR /app',
        'RUN --mount=type=secret,id=tok sha256sum /run/secrets/tok | cut -c1-64 && stat -c "%a %u %g" /run/secrets/tok && ! touch /run/secrets/tok 2>/dev/null',
        'RUN --mount=type=secret,id=envtok,target=key,mode=0440,uid=1000,gid=100 sha256sum /app/key | cut -c1-64 && stat -c "%a %u %g" key',
        'RUN --mount=type=secret,id=absent ls /run/secrets/absent 2>&1; true',
        'RUN ls -a /run /app',
        '',
      ].join('\n'),
      'token.txt': secret,
    });
    const r = await env.run(['build', '--secret', `id=tok,src=${join(dir, 'token.txt')}`, '--secret', 'id=envtok,env=MY_TOKEN', '-t', 'sec', dir], { env: { MY_TOKEN: envSecret } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\n${sha(secret)}\n400 0 0\n`));
    assert.match(r.stdout, new RegExp(`\n${sha(envSecret)}\n440 1000 100\n`));
    assert.match(r.stdout, /ls: \/run\/secrets\/absent: No such file or directory\n/);
    assert.match(r.stdout, /RUN ls -a \/run \/app\n\/app:\n\.\n\.\.\n\n\/run:\n\.\n\.\.\n/);
    for (const s of [secret, envSecret]) {
      assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s));
      assert.deepEqual(filesHolding(env.root, s), []);
      assert.deepEqual(filesHolding(env.runroot, s), []);
    }
    const history = await env.runOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'sec']);
    assert.ok(!history.includes(secret) && !history.includes(envSecret));
    const archive = join(env.dir, 'sec.tar');
    await env.runOk(['save', '--format', 'oci-archive', '-o', archive, 'sec']);
    assert.ok(!readFileSync(archive).includes(secret));

    writeFileSync(join(dir, 'Containerfile'), 'FROM localhost/busybox\nRUN --mount=type=secret,id=tok,required cat /run/secrets/tok\n');
    const missing = await env.run(['build', dir]);
    assert.equal(missing.code, 125);
    assert.equal(missing.stderr, 'Error: building at STEP "RUN --mount=type=secret,id=tok,required cat /run/secrets/tok": secret required but no secret with id "tok" found\n');
    const badFlag = await env.run(['build', '--secret', 'src=x', dir]);
    assert.equal(badFlag.code, 125);
    assert.equal(badFlag.stderr, 'Error: incorrect secret flag format: should be --secret id=foo,src=bar[,env=ENV,type=file|env]\n');
  });

  test('RUN --network=none|host|default', async () => {
    // other tests add and remove host interfaces meanwhile: the namespace itself tells host from not
    const hostNs = readlinkSync('/proc/self/ns/net');
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox',
        'RUN --network=none readlink /proc/self/ns/net && ls /sys/class/net',
        'RUN --network=host readlink /proc/self/ns/net',
        'RUN --network=default readlink /proc/self/ns/net',
        '',
      ].join('\n'),
    });
    const out = await env.runOk(['build', '--network', 'host', dir]);
    const none = /STEP 2\/4: .*\n(net:\[\d+\])\nlo\n/.exec(out);
    assert.ok(none && none[1] !== hostNs, out);
    assert.ok(out.includes(`STEP 3/4: RUN --network=host readlink /proc/self/ns/net\n${hostNs}\n`), out);
    assert.ok(out.includes(`STEP 4/4: RUN --network=default readlink /proc/self/ns/net\n${hostNs}\n`), out);
    writeFileSync(join(dir, 'Containerfile'), 'FROM localhost/busybox\nRUN --network=bridge true\n');
    const r = await env.run(['build', dir]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /RUN --network=bridge: unsupported network mode, use none, host or default\n$/);
  });

  test('COPY --link, --chown by name and number, --chmod; ADD from http(s) URLs', async () => {
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox',
        'RUN echo "staff:x:50:" >> /etc/group',
        'COPY --link f /linked',
        'COPY --chown=app f /by-name',
        'COPY --chown=app:staff --chmod=640 f /by-names',
        'COPY --chown=2000 f /by-uid',
        `ADD ${base}/files/data.tar.gz /dl/`,
        `ADD --chown=app --chmod=755 ${base}/plain.txt /renamed`,
        'RUN stat -c "%n %a %u %g" /linked /by-name /by-names /by-uid /dl/data.tar.gz /renamed && date -u -r /dl/data.tar.gz +%FT%T && gzip -t /dl/data.tar.gz && cat /renamed',
        '',
      ].join('\n'),
      f: 'file\n',
    });
    const out = await env.runOk(['build', '-t', 'copies', dir]);
    assert.ok(out.includes([
      '/linked 644 0 0', '/by-name 644 1000 1000', '/by-names 640 1000 50', '/by-uid 644 2000 0',
      '/dl/data.tar.gz 600 0 0', '/renamed 755 1000 1000', '2015-10-21T07:28:00', 'plain', '',
    ].join('\n')), out);
    const cases: [string, string][] = [
      [`ADD ${base}/missing /x`, `while getting content for "${base}/missing": invalid response status 404`],
      [`COPY ${base}/plain.txt /x`, `COPY ${base}/plain.txt: source can't be a URL for COPY`],
      ['COPY --chown=ghost f /x', 'looking up UID/GID for "ghost": determining run uid: user: unknown user error looking up user "ghost"'],
      ['COPY --chown=root:ghosts f /x', 'looking up UID/GID for "root:ghosts": determining run gid: group: unknown group error looking up group "ghosts"'],
    ];
    for (const [line, message] of cases) {
      writeFileSync(join(dir, 'Containerfile'), `FROM localhost/busybox\n${line}\n`);
      const r = await env.run(['build', dir]);
      assert.equal(r.code, 125, r.stderr);
      assert.equal(r.stderr, `Error: building at STEP "${line}": ${message}\n`);
    }
  });
});

describe('build: apt-get with a cache mount in a debootstrap image', { skip: noDebootstrap }, () => {
  const env = new SkiffEnv();
  const contexts = new BuildContexts();
  let dir = '';
  before(async () => {
    dir = contexts.make({});
    await env.runOk(['import', debianRootfs(), 'localhost/debian:bookworm']);
  });
  after(async () => {
    contexts.cleanup();
    await env.cleanup();
  });

  test('the first build downloads into the cache; a second one installs from it without a network', async () => {
    const caches = '--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked';
    writeFileSync(join(dir, 'Containerfile'), [
      'FROM localhost/debian:bookworm',
      `RUN --network=host ${caches} apt-get update -qq && apt-get install -y -qq --no-install-recommends hello >/dev/null 2>&1`,
      'RUN hello && ls /var/cache/apt/archives /var/lib/apt/lists | xargs',
      '',
    ].join('\n'));
    const first = await env.runOk(['build', '-t', 'apt1', dir], { timeoutMs: 300_000 });
    assert.match(first, /\nHello, world!\n\/var\/cache\/apt\/archives: partial \/var\/lib\/apt\/lists: partial\n/);
    const cached = readdirSync(join(env.root, 'build-cache', '%2Fvar%2Fcache%2Fapt', 'archives'));
    assert.ok(cached.some((f) => /^hello_.*\.deb$/.test(f)), cached.join(' '));
    writeFileSync(join(dir, 'Containerfile'), [
      'FROM localhost/debian:bookworm',
      `RUN --network=none ${caches} apt-get install -y -qq --no-install-recommends hello >/dev/null 2>&1 && hello`,
      '',
    ].join('\n'));
    assert.match(await env.runOk(['build', '-t', 'apt2', dir]), /\nHello, world!\n/);
  });
});

describe('build: rootless', { skip: rootlessSkipReason(), concurrency: false }, () => {
  let user: UserEnv;
  const contexts = new BuildContexts();
  before(async () => {
    user = new UserEnv(ensureUser('skifftest'));
    await user.runOk(['load', '-q', '-i', await dockerArchive()]);
  });
  after(async () => {
    contexts.cleanup();
    await user?.cleanup();
  });

  test('a multi-stage build with COPY --from, RUN mounts and a secret, as an unprivileged user', async () => {
    const dir = contexts.make({
      Containerfile: [
        'FROM localhost/busybox AS build',
        'RUN mkdir /out && echo built > /out/art && rm -rf /data/opaque-dir && mkdir /data/opaque-dir && touch /data/opaque-dir/only',
        'FROM localhost/busybox',
        'COPY --from=build /out/art /art',
        'COPY --from=build /data/opaque-dir /replaced',
        'COPY --chown=app f /owned',
        'RUN --mount=type=cache,target=/cache sh -c "echo x >> /cache/n; wc -l < /cache/n"',
        'RUN --mount=type=bind,from=build,source=/out,target=/o,rw sh -c "cat /o/art; touch /o/x"',
        'RUN --mount=type=secret,id=tok,required cat /run/secrets/tok',
        'RUN cat /art; ls /replaced; stat -c "%u %g" /owned; ls -d /cache /o /run/secrets 2>&1; true',
        '',
      ].join('\n'),
      f: 'f\n',
      tok: 'rootless-token\n',
    });
    const build = ['build', '--secret', `id=tok,src=${join(dir, 'tok')}`, '-t', 'rl', dir];
    const out = await user.runOk(build);
    assert.match(out, /RUN --mount=type=cache,target=\/cache sh -c "echo x >> \/cache\/n; wc -l < \/cache\/n"\n1\n/);
    assert.match(out, /\nbuilt\n--> /);
    assert.match(out, /\nrootless-token\n/);
    assert.match(out, /\nbuilt\nonly\n1000 1000\nls: \/cache: No such file or directory\nls: \/o: No such file or directory\nls: \/run\/secrets: No such file or directory\n/);
    assert.equal(await user.runOk(['run', '--rm', 'rl', 'cat', '/art']), 'built\n');
    const again = await user.runOk(['build', '--no-cache', ...build.slice(1)]);
    assert.match(again, /wc -l < \/cache\/n"\n2\n/);
  });

  test('--ssh with a key file, as an unprivileged user: the agent socket is there for the RUN, and only for it', { skip: existsSync('/usr/bin/ssh-agent') ? false : 'needs ssh-agent' }, async () => {
    const key = join(user.dir, 'id_ed25519');
    execFileSync('/usr/sbin/runuser', ['-u', user.user.name, '--', 'ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const dir = contexts.make({ Containerfile: 'FROM localhost/busybox\nRUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && stat -c "%a %u $SSH_AUTH_SOCK" "$SSH_AUTH_SOCK"\n' });
    const out = await user.runOk(['build', '--no-cache', '--ssh', `default=${key}`, '-t', 'rlssh', dir]);
    assert.match(out, /\n600 0 \/run\/buildkit\/ssh_agent\.0\n/);
    assert.equal(await user.runOk(['run', '--rm', 'rlssh', 'sh', '-c', 'echo "[$SSH_AUTH_SOCK]"; ls /run/buildkit 2>&1 | wc -l']), '[]\n1\n');
  });
});
