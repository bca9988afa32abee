import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chownNeedsLookup, resolveChown, resolveSources, stageCopy } from './copy-sources.ts';
import { parseGroup, parsePasswd } from '../containers/spec/user.ts';

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-copy-src-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function list(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

test('sources stay inside the context', (t) => {
  const outside = tree({ secret: 's' });
  const ctx = tree({ 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c' });
  t.after(() => [outside, ctx].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  fs.symlinkSync(path.join(outside, 'secret'), path.join(ctx, 'out'));
  fs.symlinkSync('a.txt', path.join(ctx, 'in'));
  assert.throws(() => resolveSources(ctx, ['../x']), /outside of the build context/);
  assert.throws(() => resolveSources(ctx, ['out']), /outside of the build context/);
  assert.throws(() => resolveSources(ctx, ['missing']), /no such file or directory/);
  assert.equal(resolveSources(ctx, ['in'])[0]!.rel, 'a.txt');
  assert.deepEqual(resolveSources(ctx, ['*.txt', 's?b/*']).map((s) => s.rel), ['a.txt', 'b.txt', 'sub/c.txt']);
  assert.deepEqual(resolveSources(ctx, ['*.txt'], (rel) => rel === 'a.txt').map((s) => s.rel), ['b.txt']);
});

test('files and directories land where COPY puts them', async (t) => {
  const ctx = tree({ 'a.txt': 'a', 'dir/x': 'x', 'dir/y/z': 'z' });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-copy-stage-'));
  t.after(() => [ctx, stage].forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const base = { workdir: '/w', isDirInImage: (p: string) => p === '/etc', statInImage: () => undefined };
  await stageCopy(stage, resolveSources(ctx, ['a.txt']), { ...base, dest: 'renamed' });
  await stageCopy(stage, resolveSources(ctx, ['a.txt']), { ...base, dest: '/etc', chown: { uid: 7, gid: 8 }, chmod: 0o600 });
  await stageCopy(stage, resolveSources(ctx, ['dir']), { ...base, dest: '/d/' });
  assert.deepEqual(list(stage), ['d', 'd/x', 'd/y', 'd/y/z', 'etc', 'etc/a.txt', 'w', 'w/renamed']);
  const st = fs.statSync(path.join(stage, 'etc/a.txt'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [7, 8, 0o600]);
  await assert.rejects(stageCopy(stage, resolveSources(ctx, ['a.txt', 'dir']), { ...base, dest: '/nodir' }), /must be a directory and end with a \//);
});

test('--chown: names from the image, numeric IDs as Buildah resolves them', () => {
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n');
  const group = parseGroup('root:x:0:\nstaff:x:50:\napp:x:1001:\n');
  assert.deepEqual(resolveChown('app', passwd, group), { uid: 1000, gid: 1001 });
  assert.deepEqual(resolveChown('app:staff', passwd, group), { uid: 1000, gid: 50 });
  assert.deepEqual(resolveChown('1000', passwd, group), { uid: 1000, gid: 1001 });
  assert.deepEqual(resolveChown('2000', passwd, group), { uid: 2000, gid: 0 });
  assert.deepEqual(resolveChown('2000:7', undefined, undefined), { uid: 2000, gid: 7 });
  assert.deepEqual(resolveChown(':staff', passwd, group), { uid: 0, gid: 50 });
  assert.throws(() => resolveChown('nobody', passwd, group), /determining run uid: user: unknown user error looking up user "nobody"/);
  assert.throws(() => resolveChown('app:wheel', passwd, group), /determining run gid: group: unknown group error looking up group "wheel"/);
  assert.throws(() => resolveChown('app', undefined, undefined), /unknown user/);
  assert.equal(chownNeedsLookup('1:2'), false);
  assert.equal(chownNeedsLookup('1'), true);
  assert.equal(chownNeedsLookup('app:1'), true);
});
