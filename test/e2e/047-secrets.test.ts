// `secret create|ls|inspect|rm` and `run/create --secret` as Podman 4.3 has them: a secret
// reaches the container as a read-only file (default /run/secrets/NAME; target, uid, gid,
// mode) or, with type=env, as a variable, and its value shows in no inspect output.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, loadBusybox } from './container-test-helpers.ts';

describe('secrets', { skip: containerSkip, concurrency: false }, () => {
  const env = new SkiffEnv();
  const file = join(env.dir, 'secret.txt');
  let id = '';
  before(async () => {
    await loadBusybox(env);
    writeFileSync(file, 's3cr3t-value');
  });
  after(() => env.cleanup());

  test('create from a file, stdin or the environment; ls and inspect as Podman prints them', async () => {
    id = (await env.runOk(['secret', 'create', '--label', 'a=b', 'mysec', file])).trim();
    assert.match(id, /^[0-9a-f]{25}$/);
    assert.match(await env.runOk(['secret', 'create', 'fromstdin', '-'], { input: 'piped' }), /^[0-9a-f]{25}\n$/);
    assert.match(await env.runOk(['secret', 'create', '--env', 'fromenv', 'MY_SECRET_VAR'], { env: { MY_SECRET_VAR: 'from-env' } }), /^[0-9a-f]{25}\n$/);
    const ls = await env.runOk(['secret', 'ls']);
    assert.match(ls, /^ID {25}NAME {8}DRIVER {6}CREATED {17}UPDATED\n/);
    assert.match(ls, new RegExp(`\\n${id}  mysec       file        Less than a second ago  Less than a second ago\\n`));
    assert.equal((await env.runOk(['secret', 'ls', '-q'])).trim().split('\n').length, 3);
    assert.equal(await env.runOk(['secret', 'ls', '--filter', 'name=mys', '--format', '{{.Name}} {{.Driver}}']), 'mysec file\n');
    const [inspected] = JSON.parse(await env.runOk(['secret', 'inspect', 'mysec'])) as { ID: string; Spec: { Name: string; Labels: Record<string, string>; Driver: { Name: string } } }[];
    assert.equal(inspected!.ID, id);
    assert.deepEqual([inspected!.Spec.Name, inspected!.Spec.Driver.Name, inspected!.Spec.Labels], ['mysec', 'file', { a: 'b' }]);
    assert.equal(await env.runOk(['secret', 'inspect', '--format', '{{.Spec.Name}}', id.slice(0, 8)]), 'mysec\n');
    assert.doesNotMatch(await env.runOk(['secret', 'inspect', 'mysec', 'fromenv']), /s3cr3t|from-env/);
  });

  test('bad input: Podman\'s messages, exit 125', async () => {
    for (const [args, stderr] of [
      [['secret', 'create', 'mysec', file], 'Error: mysec: secret name in use\n'],
      [['secret', 'create', 'bad name', file], 'Error: only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]: bad name: invalid secret name\n'],
      [['secret', 'create', 'empty', '/dev/null'], 'Error: secret data must be larger than 0 and less than 512000 bytes\n'],
      [['secret', 'create', '--env', 'e', 'NO_SUCH_VAR_HERE'], 'Error: cannot create store secret data: environment variable NO_SUCH_VAR_HERE is not set\n'],
      [['secret', 'rm', 'nope'], 'Error: no secret with name or id "nope": no such secret\n'],
      [['secret', 'inspect', 'nope'], 'Error: inspecting secret: no secret with name or id "nope": no such secret\n'],
      [['run', '--rm', '--secret', 'nope', IMAGE, 'true'], 'Error: no secret with name or id "nope": no such secret\n'],
      [['run', '--rm', '--secret', 'mysec,type=env,mode=0400', IMAGE, 'true'], 'Error: UID, GID, Mode options cannot be set with secret type env\n'],
    ] as const) {
      const r = await env.run([...args]);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stderr, stderr, args.join(' '));
    }
  });

  test('run --secret: a read-only file, where and as whom asked, or a variable; never in inspect', async () => {
    assert.equal(await env.runOk(['run', '--rm', '--secret', 'mysec', IMAGE, 'sh', '-c', 'cat /run/secrets/mysec; echo; stat -c "%a %u" /run/secrets/mysec; echo x > /run/secrets/mysec || echo read-only']), 's3cr3t-value\n444 0\nread-only\n');
    assert.equal(await env.runOk(['run', '--rm', '--secret', 'mysec,target=/etc/app.key,uid=1000,gid=1000,mode=0400', '-u', '1000', IMAGE, 'sh', '-c', 'stat -c "%a %u %g" /etc/app.key; cat /etc/app.key']), '400 1000 1000\ns3cr3t-value');
    assert.equal(await env.runOk(['run', '--rm', '--secret', 'fromenv,type=env,target=API_TOKEN', IMAGE, 'sh', '-c', 'echo $API_TOKEN']), 'from-env\n');
    const ctr = (await env.runOk(['create', '--secret', 'fromenv,type=env', '--secret', 'mysec', IMAGE, 'sleep', '100'])).trim();
    await env.runOk(['start', ctr]);
    const inspected = await env.runOk(['inspect', ctr]);
    assert.doesNotMatch(inspected, /s3cr3t|from-env/);
    assert.equal(await env.runOk(['inspect', '--format', '{{range .Config.Secrets}}{{.Name}}:{{.Mode}} {{end}}', ctr]), 'fromenv:0 mysec:292 \n');
    assert.equal(await env.runOk(['exec', ctr, 'sh', '-c', 'echo $fromenv']), 'from-env\n');
    // nor in an image made from the container
    await env.runOk(['commit', '-q', ctr, 'localhost/with-secret']);
    assert.doesNotMatch(await env.runOk(['image', 'inspect', 'localhost/with-secret']), /s3cr3t|from-env/);
    assert.equal(await env.runOk(['run', '--rm', 'localhost/with-secret', 'sh', '-c', 'echo "[$fromenv]"']), '[]\n');
    await env.runOk(['rm', '-f', '-t', '0', ctr]);
    await env.runOk(['rmi', 'localhost/with-secret']);
  });

  test('rm: prints the IDs; a container whose secret is gone cannot start', async () => {
    const ctr = (await env.runOk(['create', '--secret', 'fromstdin', IMAGE, 'true'])).trim();
    const fromstdin = JSON.parse(await env.runOk(['secret', 'inspect', 'fromstdin']))[0].ID as string;
    assert.equal(await env.runOk(['secret', 'rm', 'fromstdin']), `${fromstdin}\n`);
    const r = await env.run(['start', ctr]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, new RegExp(`no secret with name or id "${fromstdin}": no such secret`));
    await env.runOk(['rm', ctr]);
    assert.equal((await env.runOk(['secret', 'rm', '-a'])).trim().split('\n').length, 2);
    assert.equal(await env.runOk(['secret', 'ls', '-q']), '');
  });
});
