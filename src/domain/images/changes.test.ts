import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.ts';
import { InvalidArgumentError } from '../../define/errors.ts';

test('CMD and ENTRYPOINT take the JSON and the shell form', () => {
  assert.deepEqual(applyChanges({}, ['CMD ["a","b"]']).Cmd, ['a', 'b']);
  assert.deepEqual(applyChanges({}, ['CMD echo hi']).Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(applyChanges({}, ['ENTRYPOINT ["/bin/x"]']).Entrypoint, ['/bin/x']);
});

test('ENV, LABEL, EXPOSE, VOLUME, USER, WORKDIR', () => {
  const c = applyChanges({ Env: ['A=1'] }, ['ENV A=2 B="x y"', 'LABEL k=v', 'EXPOSE 80 53/udp', 'VOLUME /data', 'USER app', 'WORKDIR /srv']);
  assert.deepEqual(c.Env, ['A=2', 'B=x y']);
  assert.deepEqual(c.Labels, { k: 'v' });
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.User, 'app');
  assert.equal(c.WorkingDir, '/srv');
});

test('an unknown instruction is an invalid argument', () => {
  assert.throws(() => applyChanges({}, ['RUN true']), InvalidArgumentError);
});
