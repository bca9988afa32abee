// container runlabel: an image's label run as a command on the host, with Podman's
// substitutions; a `podman`/`docker` command becomes this skiff on the same store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv, repoRoot } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, inspectField, loadBusybox } from './container-test-helpers.ts';

describe('container runlabel', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  before(async () => {
    await loadBusybox(env);
    const containerfile = [
      `FROM ${IMAGE}`,
      'LABEL RUN="podman run -d --name NAME --network none \\${IMAGE} sleep 300"',
      'LABEL install="sh -c \'echo installing \\$IMAGE as \\$NAME: \\$0 \\$1\'"',
      'LABEL fail="sh -c \'exit 3\'"',
      'LABEL nothere="/no/such/program"',
    ].join('\n');
    await env.runOk(['build', '-q', '-t', 'localhost/labelled', '-f', '-', env.dir], { input: containerfile });
  });
  after(async () => {
    await env.run(['rm', '-f', '-a', '-t', '0']);
    env.cleanup();
  });

  test('--display shows the command: this skiff on the same store, the image and name filled in', async () => {
    assert.equal(
      await env.runOk(['container', 'runlabel', '--display', 'run', 'localhost/labelled']),
      `command: ${join(repoRoot, 'bin/skiff')} --root ${env.root} --runroot ${env.runroot} --tmpdir ${env.tmpdir} run -d --name labelled --network none localhost/labelled:latest sleep 300\n`,
    );
  });

  test('run: the container the label describes; a second one needs --replace', async () => {
    await env.runOk(['container', 'runlabel', 'run', 'localhost/labelled']);
    assert.equal(await inspectField(env, 'labelled', '{{.State.Status}} {{.ImageName}}'), 'running localhost/labelled:latest');
    const again = await env.run(['container', 'runlabel', 'run', 'localhost/labelled']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /the container name "labelled" is already in use/);
    await env.runOk(['container', 'runlabel', '--replace', '--name', 'other', 'run', 'localhost/labelled']);
    assert.equal(await inspectField(env, 'other', '{{.State.Status}}'), 'running');
  });

  test('any command: IMAGE and NAME in its environment, extra arguments after it, its exit code', async () => {
    assert.equal(await env.runOk(['container', 'runlabel', '--name', 'x', 'install', 'localhost/labelled', 'a1', 'a2']), 'installing localhost/labelled:latest as x: a1 a2\n');
    assert.equal((await env.run(['container', 'runlabel', 'fail', 'localhost/labelled'])).code, 3);
    const absent = await env.run(['container', 'runlabel', 'nothere', 'localhost/labelled']);
    assert.deepEqual([absent.code, absent.stderr], [127, 'Error: exec: "/no/such/program": executable file not found in $PATH\n']);
    const missing = await env.run(['container', 'runlabel', 'nosuch', 'localhost/labelled']);
    assert.deepEqual([missing.code, missing.stderr], [125, 'Error: cannot find the value of label: nosuch in image: localhost/labelled\n']);
  });
});
