import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseSshFlags } from './build-ssh.ts';

test('--ssh: an agent socket, key files, or $SSH_AUTH_SOCK when no path is given', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-ssh-flags-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sock = path.join(dir, 'agent.sock');
  const server = net.createServer().listen(sock);
  await new Promise((r) => server.once('listening', r));
  t.after(() => server.close());
  fs.writeFileSync(path.join(dir, 'k1'), 'key');
  fs.writeFileSync(path.join(dir, 'k2'), 'key');
  const env = { SSH_AUTH_SOCK: sock };
  assert.deepEqual([...parseSshFlags(['default', 'keys=k1,k2', `s=${sock}`], dir, env).values()], [
    { id: 'default', kind: 'socket', path: sock },
    { id: 'keys', kind: 'keys', paths: [path.join(dir, 'k1'), path.join(dir, 'k2')] },
    { id: 's', kind: 'socket', path: sock },
  ]);
  assert.throws(() => parseSshFlags(['default'], dir, {}), /no paths given and SSH_AUTH_SOCK is not set/);
  assert.throws(() => parseSshFlags([`x=${sock},k1`], dir, env), /give one agent socket, or key files/);
  assert.throws(() => parseSshFlags(['x=nope'], dir, env), /stat .*nope: no such file or directory/);
  assert.throws(() => parseSshFlags([`x=${dir}`], dir, env), /neither an agent's socket nor a key file/);
  assert.throws(() => parseSshFlags(['a=k1', 'a=k2'], dir, env), /duplicate --ssh id "a"/);
  assert.throws(() => parseSshFlags(['=k1'], dir, env), /invalid --ssh/);
});
