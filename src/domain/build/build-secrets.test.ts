import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSecretFlags, readSecret } from './build-secrets.ts';

test('--secret: file and env sources, as Buildah picks them', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-secret-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'tok.txt'), 'from file');
  fs.writeFileSync(path.join(dir, 'bare'), 'bare file');
  const env = { TOKEN: 'from env' };
  const s = parseSecretFlags(['id=a,src=tok.txt', 'id=b,env=TOKEN', 'id=bare', 'id=TOKEN', 'id=c,src=TOKEN,type=env', 'id=d,env=UNSET'], dir, env);
  assert.deepEqual(s.get('a'), { id: 'a', type: 'file', path: path.join(dir, 'tok.txt') });
  assert.deepEqual(s.get('b'), { id: 'b', type: 'env', variable: 'TOKEN', value: 'from env' });
  assert.deepEqual(s.get('bare'), { id: 'bare', type: 'file', path: path.join(dir, 'bare') });
  assert.deepEqual(s.get('TOKEN'), { id: 'TOKEN', type: 'env', variable: 'TOKEN', value: 'from env' });
  assert.equal(readSecret(s.get('a')!).toString(), 'from file');
  assert.equal(readSecret(s.get('c')!).toString(), 'from env');
  assert.equal(readSecret(s.get('d')!).toString(), '');
});

test('--secret: bad input', () => {
  assert.throws(() => parseSecretFlags(['src=x'], '/', {}), /incorrect secret flag format/);
  assert.throws(() => parseSecretFlags(['id=a,type=socket'], '/', {}), /invalid secret type, must be file or env/);
  assert.throws(() => parseSecretFlags(['id=a,src=/nonexistent/x,type=file'], '/', {}), /could not parse secrets/);
  assert.throws(() => parseSecretFlags(['id=a,bogus=1'], '/', {}), /unknown field "bogus"/);
  assert.throws(() => parseSecretFlags(['id=../a,env=X'], '/', {}), /must not contain/);
});
