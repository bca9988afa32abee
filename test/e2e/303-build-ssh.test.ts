// `build --ssh` and `RUN --mount=type=ssh`: a RUN reaches an ssh agent holding the build's
// keys (an ssh-agent of skiff's for key files, a relay for the user's own agent socket)
// through SSH_AUTH_SOCK, and neither the socket nor the variable ends up in the image. The
// agent is asked for its identities with Perl's IO::Socket::UNIX, in a Debian image
// (busybox has no client for unix sockets).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { BuildContexts, debianRootfs, noDebootstrap } from './build-test-helpers.ts';

/** Prints "<answer type> <number of keys> <first key's comment>" from the agent at $SSH_AUTH_SOCK. */
const askAgent = [
  'perl -MIO::Socket::UNIX -e \'',
  '$s = IO::Socket::UNIX->new(Peer => $ENV{SSH_AUTH_SOCK}) or die "connect: $!\\n";',
  'print $s pack("NC", 1, 11);',
  'read($s, $l, 4) == 4 or die "no answer\\n"; read($s, $b, unpack("N", $l));',
  '($t, $n) = unpack("CN", $b); $o = 5 + 4 + unpack("N", substr($b, 5, 4));',
  '$c = substr($b, $o + 4, unpack("N", substr($b, $o, 4)));',
  'print "$t $n $c\\n"\'',
].join(' ');

const noSsh = existsSync('/usr/bin/ssh-agent') ? false : 'needs ssh-agent (apt-get install openssh-client)';

describe('build --ssh', { skip: noDebootstrap || noSsh }, () => {
  const env = new SkiffEnv();
  const contexts = new BuildContexts();
  const keys = mkdtempSync(join(tmpdir(), 'skiff-ssh-keys-'));
  const key = join(keys, 'id_ed25519');
  let agent: ChildProcess | undefined;
  const agentSocket = join(keys, 'agent.sock');

  before(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'skiff-test-key', '-f', key]);
    await env.runOk(['import', debianRootfs(), 'localhost/debian:bookworm']);
  });
  after(async () => {
    agent?.kill();
    contexts.cleanup();
    rmSync(keys, { recursive: true, force: true });
    await env.cleanup();
  });

  const containerfile = (mount: string, then = '') =>
    contexts.make({
      Containerfile: ['FROM localhost/debian:bookworm', `RUN --mount=${mount} echo "sock=$SSH_AUTH_SOCK" && stat -c %a:%u /run/buildkit/ssh_agent.0 && ${askAgent}${then}`, ''].join('\n'),
    });

  test('key files: an ssh-agent of the build holds them; the RUN sees it at SSH_AUTH_SOCK', async () => {
    const out = await env.runOk(['build', '--no-cache', '--ssh', `default=${key}`, '-t', 'ssh1', containerfile('type=ssh')]);
    assert.match(out, /\nsock=\/run\/buildkit\/ssh_agent\.0\n600:0\n12 1 skiff-test-key\n/);
    // nothing of the agent in the image: no mount point, no variable
    const check = await env.run(['run', '--rm', 'ssh1', 'sh', '-c', 'ls -A /run/buildkit 2>&1; echo "env=$SSH_AUTH_SOCK"']);
    assert.match(check.stdout, /No such file or directory\nenv=\n$/);
    assert.doesNotMatch(await env.runOk(['inspect', '--format', '{{.Config.Env}}', 'ssh1']), /SSH_AUTH_SOCK/);
    assert.deepEqual(statSync(key).mode & 0o777, 0o600, 'the key is left as it was');
  });

  test('the user\'s agent (--ssh default, from SSH_AUTH_SOCK) is relayed; mode, uid and id apply', async () => {
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, stdio: 'ignore' });
    const dir = containerfile('type=ssh,id=mine,mode=0660,uid=1,required');
    const out = await env.runOk(['build', '--no-cache', '--ssh', 'mine', dir], { env: { SSH_AUTH_SOCK: agentSocket } });
    assert.match(out, /\n660:1\n12 1 skiff-test-key\n/);
  });

  test('a required agent the build lacks is an error; an optional one is left out', async () => {
    const required = await env.run(['build', containerfile('type=ssh,required=true')]);
    assert.equal(required.code, 125);
    assert.match(required.stderr, /ssh required but no ssh with id "default" found\n$/);
    const optional = await env.run(['build', contexts.make({ Containerfile: 'FROM localhost/debian:bookworm\nRUN --mount=type=ssh test -z "$SSH_AUTH_SOCK" && echo no agent\n' })]);
    assert.equal(optional.code, 0, optional.stderr);
    assert.match(optional.stdout, /\nno agent\n/);
  });

  test('bad --ssh values', async () => {
    const dir = contexts.make({ Containerfile: 'FROM localhost/debian:bookworm\n' });
    for (const [args, message] of [
      [['--ssh', 'default'], 'Error: --ssh default: no paths given and SSH_AUTH_SOCK is not set\n'],
      [['--ssh', `k=${join(keys, 'missing')}`], `Error: --ssh k: stat ${join(keys, 'missing')}: no such file or directory\n`],
      [['--ssh', `k=${key}`, '--ssh', `k=${key}`], 'Error: duplicate --ssh id "k"\n'],
    ] as const) {
      const r = await env.run(['build', ...args, dir], { env: { SSH_AUTH_SOCK: '' } });
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, message);
    }
  });
});
