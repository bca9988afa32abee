import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MissingProgramError, NoSuchContainerError } from '../../define/errors.ts';
import { crunBlockedByCgroupLayout, findRuntime, OciRuntime } from './runtime.ts';

test('findRuntime: an explicit choice is used as is, a missing one names its package', () => {
  // containers.conf's [engine.runtimes] paths come before $PATH
  const configured = findRuntime('runc', { runc: ['/nonexistent/runc', '/bin/true'] });
  assert.deepEqual([configured.name, configured.path], ['runc', '/bin/true']);
  assert.equal(findRuntime('/bin/true').name, 'true');
  assert.throws(() => findRuntime('/nonexistent/bin/kata'), (e: Error) => e instanceof MissingProgramError && e.program === 'kata');
  assert.throws(() => findRuntime('nosuchruntime'), (e: Error) => e instanceof MissingProgramError && e.debianPackage === 'nosuchruntime');
});

test('findRuntime prefers crun only where the cgroup layout lets it run', { skip: !existsSync('/usr/bin/runc') && 'needs runc' }, () => {
  const rt = findRuntime(undefined, {}, '/run/skiff-test-root');
  const crunUsable = existsSync('/usr/bin/crun') && !crunBlockedByCgroupLayout();
  assert.equal(rt.name, crunUsable ? 'crun' : 'runc');
  assert.deepEqual(rt.globalArgs, ['--root', '/run/skiff-test-root']);
});

test('the hybrid-layout check matches what the kernel reports', () => {
  const unified = '/sys/fs/cgroup/unified/cgroup.controllers';
  const expected = existsSync(unified) && !existsSync('/sys/fs/cgroup/cgroup.controllers') && readFileSync(unified).length > 0;
  assert.equal(crunBlockedByCgroupLayout('/sys/fs/cgroup'), expected);
});

for (const name of ['runc', 'crun']) {
  test(`${name}: state of an unknown container is NoSuchContainerError`, { skip: (process.getuid?.() !== 0 || !existsSync(`/usr/bin/${name}`)) && `needs root and ${name}` }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'skiff-rt-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const rt = new OciRuntime({ name, path: `/usr/bin/${name}`, root });
    await assert.rejects(rt.state('skiff-no-such-container'), NoSuchContainerError);
    await assert.rejects(rt.kill('skiff-no-such-container', 'TERM'), NoSuchContainerError);
  });
}
