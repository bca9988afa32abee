import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../define/errors.ts';
import { isImageAllowed, loadPolicy, parsePolicy } from './policy.ts';

function fixture(t: TestContext) {
  const root = mkdtempSync(join(tmpdir(), 'skiff-policy-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home/user');
  return {
    root,
    write(rel: string, text: string): string {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    opts: { systemRoot: root, env: { HOME: home } },
  };
}

const acceptAll = '{"default": [{"type": "insecureAcceptAnything"}]}';

test('the user policy wins over /etc; --signature-policy over both', (t) => {
  const f = fixture(t);
  const etc = f.write('etc/containers/policy.json', acceptAll);
  assert.equal(loadPolicy(undefined, f.opts).path, etc);
  const user = f.write('home/user/.config/containers/policy.json', '{"default": [{"type": "reject"}]}');
  assert.equal(loadPolicy(undefined, f.opts).path, user);
  const explicit = f.write('custom.json', acceptAll);
  assert.equal(loadPolicy(explicit, f.opts).path, explicit);
});

test('a missing policy is an error', (t) => {
  const f = fixture(t);
  assert.throws(() => loadPolicy(undefined, f.opts), ConfigError);
  assert.throws(() => loadPolicy(join(f.root, 'nope.json'), f.opts), /nope\.json: no such file or directory/);
});

test('malformed JSON names the file and line', () => {
  assert.throws(
    () => parsePolicy('{\n  "default": [\n    {"type": "reject"},\n  ]\n}', '/p.json'),
    (err: Error) => err instanceof ConfigError && err.message === "/p.json:4: invalid JSON: Unexpected token ']'",
  );
  assert.throws(() => parsePolicy('{"default": []}\n\nx', '/p.json'), /^ConfigError: \/p\.json:3: invalid JSON: /);
  assert.throws(() => parsePolicy('{\n "a": "b\n"}', '/p.json'), /^ConfigError: \/p\.json:2: invalid JSON: /);
  assert.throws(() => parsePolicy('{\n "a": [1, 2.5e3, -0, true, null, "\\u00e9"],\n "b": tru\n}', '/p.json'), /^ConfigError: \/p\.json:3: invalid JSON: /);
});

test('the format is checked strictly', () => {
  const bad: [string, RegExp][] = [
    ['{}', /"default" policy is missing/],
    ['{"default": []}', /must not be empty/],
    ['{"default": [{"type": "reject"}], "extra": 1}', /unknown field "extra"/],
    ['{"default": [{"type": "reject", "keyPath": "/k"}]}', /default\[0\]: unknown field "keyPath"/],
    ['{"default": [{"type": "maybe"}]}', /unknown policy requirement type "maybe"/],
    ['{"default": [{"type": "signedBy", "keyType": "GPGKeys"}]}', /exactly one of keyPath, keyPaths and keyData/],
    ['{"default": [{"type": "signedBy", "keyType": "X509", "keyPath": "/k"}]}', /unsupported key type "X509"/],
    ['{"default": [{"type": "sigstoreSigned", "keyPath": "/k", "keyData": "x"}]}', /exactly one of keyPath, keyData and fulcio/],
    ['{"default": [{"type": "sigstoreSigned", "keyPath": "/k", "signedIdentity": {"type": "exactReference"}}]}', /dockerReference: field is missing/],
    ['{"default": [{"type": "reject"}], "transports": {"docker": {"a.io": {}}}}', /transports\.docker\["a\.io"\]: expected an array/],
  ];
  for (const [text, re] of bad) assert.throws(() => parsePolicy(text, '/p.json'), re, text);
});

const policy = parsePolicy(
  JSON.stringify({
    default: [{ type: 'reject' }],
    transports: {
      docker: {
        'docker.io/openshift': [{ type: 'insecureAcceptAnything' }],
        'docker.io/library/busybox': [{ type: 'insecureAcceptAnything' }],
        'docker.io/library/busybox:bad': [{ type: 'reject' }],
        '*.temporary-project.example.com': [{ type: 'insecureAcceptAnything' }],
        'localhost:5000': [{ type: 'insecureAcceptAnything' }],
        'hostname:5000/myns/official': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }],
        'hostname:5000/myns/sigstore': [{ type: 'sigstoreSigned', keyPath: '/k.pub', signedIdentity: { type: 'matchRepository' } }],
      },
      dir: { '': [{ type: 'insecureAcceptAnything' }], '/srv/untrusted': [{ type: 'reject' }] },
      oci: { '/srv/oci': [{ type: 'insecureAcceptAnything' }] },
    },
  }),
  '/p.json',
);

test('the most specific docker scope decides', () => {
  assert.deepEqual(isImageAllowed(policy, 'docker', 'docker.io/library/busybox:latest'), {
    kind: 'accepted',
    match: { transport: 'docker', scope: 'docker.io/library/busybox' },
  });
  assert.equal(isImageAllowed(policy, 'docker', 'docker.io/library/busybox:bad').kind, 'rejected');
  assert.equal(isImageAllowed(policy, 'docker', 'docker.io/openshift/origin@sha256:abc').kind, 'accepted');
  assert.equal(isImageAllowed(policy, 'docker', 'a.b.temporary-project.example.com/x/y:1').kind, 'accepted');
  assert.equal(isImageAllowed(policy, 'docker', 'localhost:5000/img:1').kind, 'accepted');
  assert.deepEqual(isImageAllowed(policy, 'docker', 'docker.io/library/alpine:latest'), { kind: 'rejected', match: {} });
});

test('signature requirements are reported as unsupported', () => {
  const gpg = isImageAllowed(policy, 'docker', 'hostname:5000/myns/official/img:1');
  assert.equal(gpg.kind, 'unsupported');
  assert.equal(gpg.kind === 'unsupported' && gpg.requirement.type, 'signedBy');
  const sigstore = isImageAllowed(policy, 'docker', 'hostname:5000/myns/sigstore:v1');
  assert.equal(sigstore.kind === 'unsupported' && sigstore.requirement.type, 'sigstoreSigned');
});

test('path transports match parent directories, then the transport default', () => {
  assert.deepEqual(isImageAllowed(policy, 'dir', '/srv/untrusted/img'), { kind: 'rejected', match: { transport: 'dir', scope: '/srv/untrusted' } });
  assert.deepEqual(isImageAllowed(policy, 'dir', '/home/u/img'), { kind: 'accepted', match: { transport: 'dir', scope: '' } });
  assert.equal(isImageAllowed(policy, 'oci', '/srv/oci/layout:latest').kind, 'accepted');
  assert.equal(isImageAllowed(policy, 'oci', '/elsewhere:latest').kind, 'rejected');
  assert.equal(isImageAllowed(policy, 'docker-archive', '/tmp/a.tar').kind, 'rejected');
});

test("the distribution's default policy accepts anything", () => {
  const open = parsePolicy(acceptAll, '/p.json');
  assert.equal(isImageAllowed(open, 'docker', 'quay.io/x/y:1').kind, 'accepted');
});
