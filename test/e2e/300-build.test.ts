// `build`: Containerfiles executed step by step against the busybox fixture, with Podman's
// progress lines, the config and history each instruction leaves, and the errors bad input gets.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { BuildContexts } from './build-test-helpers.ts';

describe('build', () => {
  const env = new SkiffEnv();
  const contexts = new BuildContexts();
  const ctx = (files: Record<string, string>): string => contexts.make(files);
  before(async () => {
    await env.runOk(['load', '-i', await dockerArchive()]);
  });
  after(async () => {
    contexts.cleanup();
    await env.cleanup();
  });

  test('multi-stage: a stage builds with busybox, scratch gets the result, unused stages are skipped', async () => {
    const dir = ctx({
      Containerfile: [
        'FROM localhost/busybox AS unused',
        'RUN exit 1',
        'FROM localhost/busybox AS builder',
        'RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/ && ln -s busybox /out/bin/sh \\',
        '    && echo built > /out/msg',
        'FROM scratch',
        'COPY --from=builder /out/ /',
        'CMD ["/bin/sh", "-c", "cat /msg"]',
        '',
      ].join('\n'),
    });
    const r = await env.run(['build', '-t', 'ms', dir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.replace(/--> [0-9a-f]{11}/g, '--> ID').split('\n');
    assert.deepEqual(lines.slice(0, -2), [
      '[2/3] STEP 1/2: FROM localhost/busybox AS builder',
      '[2/3] STEP 2/2: RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/ && ln -s busybox /out/bin/sh     && echo built > /out/msg',
      '--> ID',
      '[3/3] STEP 1/3: FROM scratch',
      '[3/3] STEP 2/3: COPY --from=builder /out/ /',
      '--> ID',
      '[3/3] STEP 3/3: CMD ["/bin/sh", "-c", "cat /msg"]',
      '[3/3] COMMIT ms',
      '--> ID',
      'Successfully tagged localhost/ms:latest',
    ]);
    const id = lines.at(-2)!;
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(await env.runOk(['run', '--rm', 'ms']), 'built\n');
    const history = await env.runOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'ms']);
    assert.match(history, /^\/bin\/sh -c #\(nop\) CMD \["\/bin\/sh", "-c", "cat \/msg"\]\n\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \/ \n$/);
    assert.equal(await env.runOk(['ps', '-a', '-q']), '');
  });

  test('every instruction shows up in the config and history', async () => {
    const dir = ctx({
      'Dockerfile': [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=localhost/busybox',
        'FROM $BASE',
        'ARG WHO=nobody',
        'ENV GREETING="hello world" DIR=/srv',
        'LABEL org.example.who=$WHO "other label"=yes',
        'maintainer someone@example.com',
        'WORKDIR ${DIR}/app',
        'COPY --chown=1000:1000 --chmod=600 files/*.txt ./',
        'ADD archive.tar.gz /unpacked/',
        'RUN <<EOF',
        'echo "$GREETING from $WHO" > /srv/app/greeting',
        'EOF',
        'COPY <<EOF /etc/motd',
        'welcome $WHO',
        'EOF',
        'USER 1000',
        'EXPOSE 8080 53/udp',
        'VOLUME /data',
        'STOPSIGNAL SIGINT',
        'HEALTHCHECK --interval=5s --retries=2 CMD ["true"]',
        'SHELL ["/bin/sh", "-ec"]',
        'ONBUILD RUN echo child',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD cat /srv/app/greeting',
        '',
      ].join('\n'),
      'files/a.txt': 'a\n',
      'files/b.txt': 'b\n',
      'files/c.md': 'c\n',
    });
    mkdirSync(join(dir, 'tree'));
    writeFileSync(join(dir, 'tree', 'inside'), 'x\n');
    execFileSync('tar', ['-czf', join(dir, 'archive.tar.gz'), '-C', join(dir, 'tree'), 'inside']);
    const iid = join(dir, 'iid');
    const r = await env.run(['build', '--build-arg', 'WHO=tester', '--label', 'extra=1', '--iidfile', iid, '-t', 'all:1', '-t', 'all:2', dir]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim().split('\n').at(-1)!;
    assert.equal(readFileSync(iid, 'utf8'), `sha256:${id}`);
    assert.match(r.stdout, /^STEP 1\/19: FROM \$BASE\nSTEP 2\/19: ARG WHO=nobody\n--> [0-9a-f]{11}\n/);
    assert.match(r.stdout, /STEP 19\/19: CMD cat \/srv\/app\/greeting\nCOMMIT all:1\n--> [0-9a-f]{11}\nSuccessfully tagged localhost\/all:1\nSuccessfully tagged localhost\/all:2\n/);
    const [img] = JSON.parse(await env.runOk(['image', 'inspect', 'all:2'])) as Array<Record<string, any>>;
    assert.equal(img!.Id, id);
    const c = img!.Config;
    assert.ok(c.Env.includes('GREETING=hello world') && c.Env.includes('DIR=/srv'), c.Env);
    assert.deepEqual(c.Labels, { 'org.skiff.fixture': 'busybox', 'org.example.who': 'tester', 'other label': 'yes', extra: '1' });
    assert.equal(c.WorkingDir, '/srv/app');
    assert.equal(c.User, '1000');
    assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
    assert.deepEqual(c.Volumes, { '/data': {} });
    assert.equal(c.StopSignal, 'SIGINT');
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-ec', 'cat /srv/app/greeting']);
    assert.equal(img!.Author, 'someone@example.com');
    const history = (img!.History as Array<{ created_by: string; empty_layer?: boolean }>).slice(-18);
    assert.deepEqual(history.map((h) => [h.created_by.replace(/[0-9a-f]{64}/, 'H'), h.empty_layer ?? false]), [
      ['/bin/sh -c #(nop) ARG WHO', true],
      ['/bin/sh -c #(nop) ENV GREETING="hello world" DIR=/srv', true],
      ['/bin/sh -c #(nop) LABEL org.example.who=$WHO "other label"=yes', true],
      ['/bin/sh -c #(nop) MAINTAINER someone@example.com', true],
      ['/bin/sh -c #(nop) WORKDIR ${DIR}/app', true],
      ['/bin/sh -c #(nop) COPY dir:H in ./ ', false],
      ['/bin/sh -c #(nop) ADD dir:H in /unpacked/ ', false],
      ['|1 WHO=tester /bin/sh -c <<EOF', false],
      ['/bin/sh -c #(nop) COPY dir:H in /etc/motd ', false],
      ['/bin/sh -c #(nop) USER 1000', true],
      ['/bin/sh -c #(nop) EXPOSE 8080 53/udp', true],
      ['/bin/sh -c #(nop) VOLUME /data', true],
      ['/bin/sh -c #(nop) STOPSIGNAL SIGINT', true],
      ['/bin/sh -c #(nop) HEALTHCHECK --interval=5s --retries=2 CMD ["true"]', true],
      ['/bin/sh -c #(nop) SHELL ["/bin/sh", "-ec"]', true],
      ['/bin/sh -c #(nop) ONBUILD RUN echo child', true],
      ['/bin/sh -c #(nop) ENTRYPOINT ["/bin/sh", "-c"]', true],
      ['/bin/sh -c #(nop) CMD cat /srv/app/greeting', true],
    ]);
    const out = await env.runOk(['run', '--rm', '--user', '0', '--entrypoint', '', 'all:1', 'sh', '-c',
      'cat /etc/motd /srv/app/greeting; ls -ln /srv/app | awk \'NR > 1 {print $1, $3, $4, $9}\'; cat /unpacked/inside']);
    assert.equal(out, 'welcome $WHO\nhello world from tester\n-rw------- 1000 1000 a.txt\n-rw------- 1000 1000 b.txt\n-rw-r--r-- 0 0 greeting\nx\n');
  });

  test('a failing RUN: its exit code and step, nothing tagged, no container left', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nRUN echo before\nRUN exit 3\n' });
    const r = await env.run(['build', '-t', 'failed', dir]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /STEP 2\/3: RUN echo before\nbefore\n--> [0-9a-f]{11}\nSTEP 3\/3: RUN exit 3\n$/);
    assert.equal(r.stderr, 'Error: building at STEP "RUN exit 3": while running runtime: exit status 3\n');
    assert.equal((await env.run(['image', 'exists', 'failed'])).code, 1);
    assert.equal(await env.runOk(['ps', '-a', '-q']), '');
  });

  test('--rm=false keeps the build containers', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nRUN true\n' });
    await env.runOk(['build', '--rm=false', '-q', dir]);
    const ps = await env.runOk(['ps', '-a', '-q']);
    assert.equal(ps.trim().split('\n').length, 1);
    await env.runOk(['rm', '-a', '-f']);
  });

  test('COPY sources outside the context are refused', async () => {
    const outside = ctx({ secret: 'no\n' });
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nCOPY ../x /x\n' });
    let r = await env.run(['build', dir]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^Error: building at STEP "COPY \.\.\/x \/x": checking on sources under ".*": possible escaping context directory error: copier: stat: "\.\.\/x": source path is outside of the build context\n$/);
    symlinkSync(join(outside, 'secret'), join(dir, 'link'));
    writeFileSync(join(dir, 'Containerfile'), 'FROM localhost/busybox\nCOPY link /x\n');
    r = await env.run(['build', dir]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /"link": source path is outside of the build context/);
  });

  test('an unknown instruction names the file and line', async () => {
    const dir = ctx({ 'my.file': 'FROM localhost/busybox\n\nFOO bar\n' });
    const r = await env.run(['build', '-f', join(dir, 'my.file'), dir]);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: my.file:3: unknown instruction: FOO\n');
    assert.equal(r.stdout, '');
  });

  test('-f - reads stdin; --target stops at a stage; -q prints only the ID', async () => {
    const dir = ctx({});
    const text = 'FROM localhost/busybox AS first\nRUN echo one > /one\nFROM first\nRUN exit 1\n';
    const r = await env.run(['build', '-q', '--target', 'first', '-t', 'tgt', '-f', '-', dir], { input: text });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(await env.runOk(['run', '--rm', 'tgt', 'cat', '/one']), 'one\n');
  });

  test('.containerignore leaves files out, `!` brings them back', async () => {
    const dir = ctx({
      Containerfile: 'FROM localhost/busybox\nCOPY . /ctx/\nCOPY *.log /logs/\n',
      '.containerignore': '*.log\n!keep.log\nsub/secret\n',
      'a.log': 'a\n',
      'keep.log': 'k\n',
      'sub/secret': 's\n',
      'sub/public': 'p\n',
    });
    await env.runOk(['build', '-q', '-t', 'ign', dir]);
    const out = await env.runOk(['run', '--rm', 'ign', 'sh', '-c', 'cd /ctx && find . -type f | sort; ls /logs']);
    assert.equal(out, './.containerignore\n./Containerfile\n./keep.log\n./sub/public\nkeep.log\n');
  });

  test('a second build reuses every step; a changed file invalidates its COPY and what follows', async () => {
    const dir = ctx({ Containerfile: 'FROM localhost/busybox\nENV A=1\nRUN echo ran\nCOPY f /f\nRUN cat /f\n', f: 'one\n' });
    const first = await env.runOk(['build', '-t', 'cached', dir]);
    assert.match(first, /\nran\n/);
    const again = await env.runOk(['build', '-t', 'cached', dir]);
    assert.equal(again.match(/--> Using cache [0-9a-f]{64}\n/g)?.length, 4, again);
    assert.doesNotMatch(again, /\nran\n/);
    assert.equal(again.split('\n').at(-2), first.split('\n').at(-2));
    writeFileSync(join(dir, 'f'), 'two\n');
    const changed = await env.runOk(['build', '-t', 'cached', dir]);
    assert.equal(changed.match(/--> Using cache/g)?.length, 2, changed);
    assert.match(changed, /STEP 5\/5: RUN cat \/f\ntwo\n/);
    const none = await env.runOk(['build', '--no-cache', '-t', 'cached', dir]);
    assert.doesNotMatch(none, /Using cache/);
    assert.match(none, /\nran\n/);
  });
});
