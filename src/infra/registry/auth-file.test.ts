import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { authFilePath, authKeys, decodeAuth, getCredentials, removeAllCredentials, removeCredentials, setCredentials } from './auth-file.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-auth-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { HOME: path.join(dir, 'home'), ...extra };
}

test('locations: --authfile, then REGISTRY_AUTH_FILE, then XDG_RUNTIME_DIR when rootless', () => {
  assert.equal(authFilePath('/x/a.json', { env: envWith({ REGISTRY_AUTH_FILE: '/y' }) }), '/x/a.json');
  assert.equal(authFilePath(undefined, { env: envWith({ REGISTRY_AUTH_FILE: '/y' }) }), '/y');
  assert.equal(authFilePath(undefined, { env: envWith({ XDG_RUNTIME_DIR: '/run/user/1000' }), rootless: true }), '/run/user/1000/containers/auth.json');
});

test('keys go from the repository up to the host', () => {
  assert.deepEqual(authKeys('example.com/a/b'), ['example.com/a/b', 'example.com/a', 'example.com']);
});

test('decodeAuth splits at the first colon', () => {
  assert.deepEqual(decodeAuth(Buffer.from('u:p:w').toString('base64')), { username: 'u', password: 'p:w' });
  assert.equal(decodeAuth(Buffer.from('nocolon').toString('base64')), undefined);
});

test('set, get, remove; the file is 0600 and other members survive', () => {
  const file = path.join(dir, 'auth.json');
  fs.writeFileSync(file, JSON.stringify({ auths: {}, credHelpers: { x: 'y' } }));
  setCredentials('reg.example:5000', { username: 'alice', password: 's3cret' }, file);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const content = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.deepEqual(content.credHelpers, { x: 'y' });
  assert.deepEqual(getCredentials('reg.example:5000/ns/img', file), { username: 'alice', password: 's3cret' });
  assert.equal(getCredentials('other.example/img', file), undefined);
  assert.equal(removeCredentials('reg.example:5000', file), true);
  assert.equal(removeCredentials('reg.example:5000', file), false);
  setCredentials('a.example', { username: 'u', password: 'p' }, file);
  removeAllCredentials(file);
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).auths, {});
});

test("Docker's config.json is a fallback, with scheme-prefixed keys", () => {
  const home = path.join(dir, 'home2');
  fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
  fs.writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('d:pw').toString('base64') } } }));
  const opts = { env: { HOME: home, XDG_RUNTIME_DIR: path.join(dir, 'run') }, rootless: true };
  assert.deepEqual(getCredentials('docker.io/library/busybox', undefined, opts), { username: 'd', password: 'pw' });
});

test('a malformed file is a clear error', () => {
  const file = path.join(dir, 'bad.json');
  fs.writeFileSync(file, '{nope');
  assert.throws(() => getCredentials('x', file), /unmarshaling JSON/);
});
