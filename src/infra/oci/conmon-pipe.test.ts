import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { CannotInvokeError, CommandNotFoundError, OciRuntimeError } from '../../define/errors.ts';
import { parseSyncLine, runtimeError, runtimeMessage, SyncPipe } from './conmon-pipe.ts';

test('sync messages: JSON lines, and conmon text that is not valid JSON', () => {
  assert.deepEqual(parseSyncLine('{"data": 1234}'), { data: 1234 });
  assert.deepEqual(parseSyncLine('{"data": -1, "message": "exec: "/x": stat /x: no such file"}'), { data: -1, message: 'exec: "/x": stat /x: no such file' });
});

test('SyncPipe reads one message at a time and reports the end', async () => {
  const stream = new PassThrough();
  const pipe = new SyncPipe(stream);
  stream.write('{"data": 4');
  const first = pipe.next();
  stream.write('2}\n{"data": 0}\n');
  assert.deepEqual(await first, { data: 42 });
  assert.deepEqual(await pipe.next(), { data: 0 });
  stream.end();
  assert.equal(await pipe.next(), undefined);
});

test('runtime failures map to Podman error kinds and messages', () => {
  const runc = 'time="2026-01-01T00:00:00Z" level=error msg="runc create failed: unable to start container process: exec: \\"nonexist\\": executable file not found in $PATH"';
  const notFound = runtimeError('runc', runc);
  assert.ok(notFound instanceof CommandNotFoundError);
  assert.equal(notFound.exitCode, 127);
  assert.equal(notFound.message, 'runc: runc create failed: unable to start container process: exec: "nonexist": executable file not found in $PATH: OCI runtime attempted to invoke a command that was not found');
  const denied = runtimeError('crun', 'open executable: Operation not permitted');
  assert.ok(denied instanceof CannotInvokeError);
  assert.equal(denied.message, 'crun: open executable: Operation not permitted: OCI permission denied');
  const other = runtimeError('crun', '{"msg":"cannot set limits","level":"error"}\n');
  assert.ok(other instanceof OciRuntimeError);
  assert.equal(other.message, 'crun: cannot set limits: OCI runtime error');
});

test('runtimeMessage keeps error lines of JSON and logrus logs', () => {
  assert.equal(runtimeMessage('{"msg":"warned","level":"warning"}\n{"msg":"broke","level":"error"}'), 'broke');
  assert.equal(runtimeMessage('level=info msg="x"\nplain text'), 'plain text');
});
