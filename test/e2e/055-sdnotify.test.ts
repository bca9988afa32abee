// --sdnotify: with NOTIFY_SOCKET set (as systemd sets it for a Type=notify unit), `conmon`
// reports READY=1 with conmon as MAINPID once the container runs; `container` hands the
// container a socket of its own (/run/notify/notify.sock) that conmon relays.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const env = new SkiffEnv();
const dir = mkdtempSync(join(tmpdir(), 'skiff-notify-'));
const socket = join(dir, 'notify.sock');
let listener: ChildProcess;
let received = '';

// Node has no unix datagram sockets; python3 plays systemd's side.
const listen = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    data = s.recv(4096)
    print(data.decode().replace("\\n", " "), flush=True)
`;

before(async () => {
  await env.runOk(['load', '-i', await dockerArchive()]);
  listener = spawn('python3', ['-c', listen, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => {
    listener.stdout!.on('data', (d: Buffer) => {
      received += d.toString();
      if (received.includes('bound')) resolve();
    });
  });
});
after(async () => {
  listener.kill();
  await env.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: RegExp, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what.test(received) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.match(received, what);
}

test('--sdnotify=conmon: READY=1 with conmon as MAINPID', async () => {
  const id = (await env.runOk(['run', '-d', '--sdnotify=conmon', 'localhost/busybox', 'sleep', '30'], { env: { NOTIFY_SOCKET: socket } })).trim();
  const conmonPid = (await env.runOk(['inspect', '--format', '{{.State.ConmonPid}}', id])).trim();
  await until(new RegExp(`MAINPID=${conmonPid} READY=1`));
  await env.runOk(['rm', '-f', '-t', '0', id]);
});

test('--sdnotify=container: the container gets NOTIFY_SOCKET and the socket', async () => {
  const out = await env.runOk(['run', '--rm', '--sdnotify=container', 'localhost/busybox', 'sh', '-c', 'echo $NOTIFY_SOCKET; test -S /run/notify/notify.sock && echo socket'], { env: { NOTIFY_SOCKET: socket } });
  assert.equal(out, '/run/notify/notify.sock\nsocket\n');
});

test('--sdnotify=ignore and a bad value', async () => {
  const out = await env.runOk(['run', '--rm', '--sdnotify=ignore', 'localhost/busybox', 'sh', '-c', 'echo "[$NOTIFY_SOCKET]"'], { env: { NOTIFY_SOCKET: socket } });
  assert.equal(out, '[]\n');
  const bad = await env.run(['create', '--sdnotify=sometimes', 'localhost/busybox']);
  assert.equal(bad.code, 125);
  assert.equal(bad.stderr, 'Error: sdnotify option "sometimes" not found: invalid argument\n');
});
