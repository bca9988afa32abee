import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheDirName, mountFlags, mountSources, parseRunMount, runNetwork, splitFields } from './build-mounts.ts';

test('cache mounts: defaults as Buildah, id from the target, relative targets from the workdir', () => {
  assert.deepEqual(parseRunMount('type=cache,target=/root/.cache', '/'), {
    type: 'cache', target: '/root/.cache', id: '/root/.cache', source: '', sharing: 'shared', readOnly: false, mode: 0o755, uid: 0, gid: 0,
  });
  assert.deepEqual(parseRunMount('type=cache,dst=cache,id=go,sharing=locked,mode=0700,uid=1000,gid=100,ro', '/src'), {
    type: 'cache', target: '/src/cache', id: 'go', source: '', sharing: 'locked', readOnly: true, mode: 0o700, uid: 1000, gid: 100,
  });
  assert.equal((parseRunMount('type=cache,target=/c,from=builder,source=/out', '/') as { from?: string }).from, 'builder');
  assert.throws(() => parseRunMount('type=cache,target=/c,sharing=maybe', '/'), /unrecognized value "maybe" for field `sharing`/);
  assert.throws(() => parseRunMount('type=cache,target=/c,mode=999', '/'), /unable to parse cache mode/);
  assert.throws(() => parseRunMount('type=cache,target=/c,uid=-1', '/'), /unable to parse cache uid/);
  assert.throws(() => parseRunMount('type=cache,id=x', '/'), /must set volume destination/);
});

test('bind mounts: read-only unless rw, type bind by default, quoted fields keep their commas', () => {
  assert.deepEqual(parseRunMount('target=/src', '/'), { type: 'bind', source: '', readWrite: false, extra: [], target: '/src' });
  assert.deepEqual(parseRunMount('type=bind,from=build,src=/out,dst=/in,rw,bind-propagation=rslave', '/'), {
    type: 'bind', source: '/out', from: 'build', readWrite: true, extra: ['bind-propagation=rslave'], target: '/in',
  });
  assert.equal((parseRunMount('type=bind,target=/x,readonly=false', '/') as { readWrite: boolean }).readWrite, true);
  assert.deepEqual(splitFields('type=bind,"source=a,b",target=/x'), ['type=bind', 'source=a,b', 'target=/x']);
  assert.throws(() => parseRunMount('type=bind,target=/x,size=1', '/'), /size: invalid mount option for type=bind/);
  assert.throws(() => parseRunMount('type=bind,target=/x,rw=maybe', '/'), /invalid boolean value/);
});

test('tmpfs and secret mounts', () => {
  assert.deepEqual(parseRunMount('type=tmpfs,target=/t,size=64m,mode=1777', '/'), { type: 'tmpfs', readOnly: false, size: '64m', mode: '1777', target: '/t' });
  assert.deepEqual(parseRunMount('type=tmpfs,target=/t,tmpfs-size=1024', '/'), { type: 'tmpfs', readOnly: false, size: '1024', target: '/t' });
  assert.throws(() => parseRunMount('type=tmpfs,target=/t,size=lots', '/'), /invalid size/);
  assert.throws(() => parseRunMount('type=tmpfs,target=/t,source=/x', '/'), /source is not supported with tmpfs mounts/);
  assert.deepEqual(parseRunMount('type=secret,id=tok', '/app'), { type: 'secret', id: 'tok', target: '/run/secrets/tok', required: false, mode: 0o400, uid: 0, gid: 0 });
  assert.deepEqual(parseRunMount('type=secret,id=tok,target=tok.txt,required,mode=0440,uid=1,gid=2', '/app'), {
    type: 'secret', id: 'tok', target: '/app/tok.txt', required: true, mode: 0o440, uid: 1, gid: 2,
  });
  assert.throws(() => parseRunMount('type=secret,target=/x', '/'), /secret should have syntax id=id/);
  assert.throws(() => parseRunMount('type=secret,id=../x', '/'), /must not contain/);
});

test('--mount and --network options of an instruction', () => {
  const flags = ['--network=host', '--mount=type=cache,target=/a', '--mount="type=bind,from=build,target=/b"', '--mount=type=cache,from=x,target=/c'];
  assert.deepEqual(mountFlags(flags), ['type=cache,target=/a', 'type=bind,from=build,target=/b', 'type=cache,from=x,target=/c']);
  assert.deepEqual(mountSources(flags), ['build', 'x']);
  assert.equal(runNetwork(flags), 'host');
  assert.equal(runNetwork([]), 'default');
  assert.equal(runNetwork(['--network=none']), 'none');
  assert.throws(() => runNetwork(['--network=bridge']), /unsupported network mode/);
});

test('cache ids become one safe path component, distinct for distinct ids', () => {
  const ids = ['go', '/root/.cache', '..', '.', '../../etc', 'a/b', 'a%2Fb', 'x~y', 'x'.repeat(300), `${'x'.repeat(299)}y`];
  const names = ids.map(cacheDirName);
  assert.equal(new Set(names).size, ids.length);
  for (const n of names) {
    assert.ok(!n.includes('/') && !n.includes('.') && n !== '' && n.length < 255, n);
  }
  assert.equal(cacheDirName('go-build'), 'go-build');
});

test('ssh mounts: /run/buildkit/ssh_agent.<n> unless a target is given, id default', () => {
  assert.deepEqual(parseRunMount('type=ssh', '/app'), { type: 'ssh', id: 'default', target: '/run/buildkit/ssh_agent.0', required: false, mode: 0o600, uid: 0, gid: 0 });
  assert.deepEqual(parseRunMount('type=ssh,id=gh,target=agent,required,mode=0660,uid=1,gid=2', '/app', 1), {
    type: 'ssh', id: 'gh', target: '/app/agent', required: true, mode: 0o660, uid: 1, gid: 2,
  });
  assert.equal((parseRunMount('type=ssh', '/', 2) as { target: string }).target, '/run/buildkit/ssh_agent.2');
  assert.throws(() => parseRunMount('type=ssh,source=x', '/'), /source: invalid mount option for type=ssh/);
  assert.throws(() => parseRunMount('type=nope,target=/x', '/'), /use bind, cache, tmpfs, secret or ssh/);
});
