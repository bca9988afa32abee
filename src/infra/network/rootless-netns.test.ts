import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { addRootlessForward, ensureRootlessNetns, removeRootlessForwards, rootlessNetnsEnter, stopRootlessNetns } from './rootless-netns.ts';

const skip = process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/slirp4netns') ? 'needs root and slirp4netns' : false;

test('the rootless-netns: tap0 at 10.0.2.100, reused while alive, forwards added and removed, nothing left after stop', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-rlnetns-'));
  try {
    const ns = await ensureRootlessNetns(dir, '/usr/bin/slirp4netns');
    const [nsenter, ...args] = rootlessNetnsEnter(ns);
    assert.match(execFileSync(nsenter!, [...args, 'ip', '-o', '-4', 'addr', 'show', 'tap0'], { encoding: 'utf8' }), /inet 10\.0\.2\.100\/24/);
    const pid = fs.readFileSync(path.join(dir, 'slirp4netns.pid'), 'utf8');
    assert.deepEqual(await ensureRootlessNetns(dir, '/usr/bin/slirp4netns'), ns);
    assert.equal(fs.readFileSync(path.join(dir, 'slirp4netns.pid'), 'utf8'), pid, 'the live one is reused');
    const fwd = { proto: 'tcp' as const, hostAddr: '127.0.0.1', hostPort: 40000 + (process.pid % 20000) };
    await addRootlessForward(ns, fwd);
    await assert.rejects(addRootlessForward(ns, fwd));
    await removeRootlessForwards(ns, [fwd]);
    await addRootlessForward(ns, fwd);
    stopRootlessNetns(dir);
    assert.ok(!fs.existsSync(`/proc/${pid}/cmdline`) || !fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) || /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['slirp4netns.log']);
  } finally {
    stopRootlessNetns(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
