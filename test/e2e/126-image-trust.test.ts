// image trust set/show on a policy.json of the test's own (--policypath): the file, table and
// JSON Podman 4.3.1 writes for the same commands.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';

describe('image trust', () => {
  const env = new SkiffEnv();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-trust-'));
  const policy = join(dir, 'policy.json');
  const key = join(dir, 'k.gpg');
  after(() => {
    env.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('set writes the requirements, show lists them as Podman does', async () => {
    writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
    writeFileSync(key, 'key');
    for (const args of [['-t', 'reject', 'docker.io'], ['-t', 'accept', 'quay.io/foo'], ['-f', key, 'registry.example.com'], ['-t', 'reject', 'docker.io/library'], ['-t', 'accept', 'docker.io']]) {
      assert.equal(await env.runOk(['image', 'trust', 'set', '--policypath', policy, ...args]), '');
    }
    const entry = (type: string, extra = '') => `[\n                {\n                    "type": "${type}"${extra}\n                }\n            ]`;
    assert.equal(
      readFileSync(policy, 'utf8'),
      `{\n    "default": [\n        {\n            "type": "insecureAcceptAnything"\n        }\n    ],\n    "transports": {\n        "docker": {\n` +
        `            "docker.io": ${entry('insecureAcceptAnything')},\n            "docker.io/library": ${entry('reject')},\n            "quay.io/foo": ${entry('insecureAcceptAnything')},\n` +
        `            "registry.example.com": ${entry('signedBy', `,\n                    "keyType": "GPGKeys",\n                    "keyPath": "${key}"`)}\n        }\n    }\n}`,
    );
    assert.equal(
      await env.runOk(['image', 'trust', 'show', '--policypath', policy]),
      'TRANSPORT   NAME                  TYPE        ID          STORE\n' +
        'all         default               accept                  \n' +
        'repository  docker.io             accept                  \n' +
        'repository  docker.io/library     reject                  \n' +
        'repository  quay.io/foo           accept                  \n' +
        'repository  registry.example.com  signed                  \n',
    );
    const json = JSON.parse(await env.runOk(['image', 'trust', 'show', '--json', '--policypath', policy])) as { transport: string; name: string; repo_name: string; type: string }[];
    assert.deepEqual(json[0], { transport: 'all', name: '* (default)', repo_name: 'default', type: 'accept' });
    assert.deepEqual(json.map((r) => r.name), ['* (default)', 'docker.io', 'docker.io/library', 'quay.io/foo', 'registry.example.com']);
    assert.equal(await env.runOk(['image', 'trust', 'show', '--raw', '--policypath', policy]), `${readFileSync(policy, 'utf8')}\n`);
    await env.runOk(['image', 'trust', 'set', '--policypath', policy, '-t', 'reject', 'default']);
    assert.match(await env.runOk(['image', 'trust', 'show', '-n', '--policypath', policy]), /^all {9}default {15}reject/);
  });

  test('bad input: Podman\'s errors, the file untouched', async () => {
    writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
    for (const [args, err] of [
      [['set', '-t', 'bogus', 'x'], "Error: invalid choice: bogus (choose from 'accept', 'reject', 'signedBy', 'sigstoreSigned')\n"],
      [['set', '-t', 'signedBy', 'x'], "Error: at least one public key must be defined for type 'signedBy'\n"],
    ] as const) {
      const r = await env.run(['image', 'trust', ...args, '--policypath', policy]);
      assert.deepEqual([r.code, r.stderr], [125, err]);
    }
    assert.equal(readFileSync(policy, 'utf8'), '{"default":[{"type":"insecureAcceptAnything"}]}');
    const missing = await env.run(['image', 'trust', 'show', '--policypath', join(dir, 'none.json')]);
    assert.deepEqual([missing.code, missing.stderr], [125, `Error: reading signature policy ${join(dir, 'none.json')}: no such file or directory\n`]);
  });
});
