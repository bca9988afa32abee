// `login` / `logout` against the distribution registry with htpasswd auth, and the
// credentials they leave in auth.json being used by pull and push.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { dockerArchive } from '../helpers/fixtures.ts';
import { TestRegistry } from '../helpers/registry.ts';
import { SkiffEnv } from '../helpers/skiff.ts';

const noTls = '--tls-verify=false';

describe('login and logout', () => {
  const env = new SkiffEnv();
  let registry: TestRegistry;
  before(async () => {
    registry = await TestRegistry.start({ auth: { user: 'alice', password: 'wonderland' } });
    await env.runOk(['load', '-i', await dockerArchive()]);
  });
  after(async () => {
    await env.cleanup();
    await registry.stop();
  });

  test('a wrong password: one line naming the registry, exit 125, nothing stored, no secret printed', async () => {
    const r = await env.run(['login', noTls, '-u', 'alice', '-p', 'hunter2', registry.host]);
    assert.equal(r.code, 125);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Error: logging into "${registry.host}": invalid username/password\n`);
    assert.throws(() => statSync(env.authFile));
  });

  test('login stores 0600 credentials; push and pull use them; --get-login names the user', async () => {
    const r = await env.run(['login', noTls, '-u', 'alice', '-p', 'wonderland', registry.host]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Login Succeeded!\n');
    assert.equal(statSync(env.authFile).mode & 0o777, 0o600);
    const auths = JSON.parse(readFileSync(env.authFile, 'utf8')).auths;
    assert.deepEqual(auths[registry.host], { auth: Buffer.from('alice:wonderland').toString('base64') });
    assert.equal(await env.runOk(['login', '--get-login', registry.host]), 'alice\n');
    await env.runOk(['push', '-q', noTls, 'localhost/busybox:latest', `${registry.host}/mine:1`]);
    await env.runOk(['rmi', 'localhost/busybox:latest']);
    const id = (await env.runOk(['pull', '-q', noTls, `${registry.host}/mine:1`])).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const again = await env.run(['login', noTls, registry.host]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `Authenticating with existing credentials for ${registry.host}\nExisting credentials are valid. Already logged in to ${registry.host}\n`);
  });

  test('--password-stdin, and its misuse', async () => {
    const r = await env.run(['login', noTls, '-u', 'alice', '--password-stdin', registry.host], { input: 'wonderland\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Login Succeeded!\n');
    const noUser = await env.run(['login', noTls, '--password-stdin', registry.host], { input: 'x\n' });
    assert.equal(noUser.code, 125);
    assert.equal(noUser.stderr, 'Error: must provide --username with --password-stdin\n');
  });

  test('logout removes the entry; again is an error; -a empties the file', async () => {
    assert.equal(await env.runOk(['logout', registry.host]), `Removed login credentials for ${registry.host}\n`);
    const again = await env.run(['logout', registry.host]);
    assert.equal(again.code, 125);
    assert.equal(again.stderr, `Error: not logged into ${registry.host}\n`);
    const pull = await env.run(['pull', '-q', noTls, `${registry.host}/mine:1`]);
    assert.equal(pull.code, 125);
    await env.runOk(['login', noTls, '-u', 'alice', '-p', 'wonderland', registry.host]);
    assert.equal(await env.runOk(['logout', '-a']), 'Removed login credentials for all registries\n');
    assert.deepEqual(JSON.parse(readFileSync(env.authFile, 'utf8')).auths, {});
  });

  test('--authfile names another file', async () => {
    const file = `${env.dir}/other-auth.json`;
    await env.runOk(['login', noTls, '--authfile', file, '-u', 'alice', '-p', 'wonderland', registry.host]);
    assert.ok(JSON.parse(readFileSync(file, 'utf8')).auths[registry.host]);
    assert.equal(await env.runOk(['login', '--authfile', file, '--get-login', registry.host]), 'alice\n');
  });
});
