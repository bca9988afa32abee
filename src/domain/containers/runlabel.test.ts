import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultRunlabelName, runlabelCommand } from './runlabel.ts';

const base = { image: 'registry.example/tools/app:1.2', name: 'app', pwd: '/srv', executable: '/opt/skiff/bin/skiff' };

test('the label as a command: podman made skiff, the variables and Atomic forms replaced, quotes honoured', () => {
  assert.deepEqual(runlabelCommand({ ...base, value: 'podman run -d --name NAME --label x="a b" ${IMAGE} sh -c \'echo $HOME\'' }), [
    '/opt/skiff/bin/skiff', 'run', '-d', '--name', 'app', '--label', 'x=a b', 'registry.example/tools/app:1.2', 'sh', '-c', 'echo $HOME',
  ]);
  assert.deepEqual(runlabelCommand({ ...base, globalArgs: ['--root', '/r'], value: '/usr/bin/docker run --name=NAME -v $PWD:/w IMAGE' }), ['/opt/skiff/bin/skiff', '--root', '/r', 'run', '--name=app', '-v', '/srv:/w', 'registry.example/tools/app:1.2']);
  assert.deepEqual(runlabelCommand({ ...base, value: 'echo $NAME $HOME' }), ['echo', 'app', '$HOME']);
  assert.throws(() => runlabelCommand({ ...base, value: '  ' }), { message: 'label is empty' });
});

test('the default name is the image name without registry, path, tag or digest', () => {
  assert.equal(defaultRunlabelName('registry.example:5000/tools/app:1.2'), 'app');
  assert.equal(defaultRunlabelName('fedora'), 'fedora');
  assert.equal(defaultRunlabelName(`app@sha256:${'a'.repeat(64)}`), 'app');
});
