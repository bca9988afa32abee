// `logs` over conmon's k8s-file log: streams kept apart, partial lines, -t, --tail, --since,
// -f until the container exits, several containers prefixed, and the `none` driver's error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, loadBusybox } from './container-test-helpers.ts';

describe('logs', { skip: containerSkip, concurrency: true }, () => {
  const env = new SkiffEnv();
  let id = '';
  before(async () => {
    await loadBusybox(env);
    await env.runOk(['run', '--name', 'l1', IMAGE, 'sh', '-c', 'echo one; echo two >&2; echo three; printf partial']);
    id = (await env.runOk(['inspect', '--format', '{{.Id}}', 'l1'])).trim();
    await env.runOk(['run', '--name', 'l2', IMAGE, 'echo', 'from l2']);
  });
  after(() => env.cleanup());

  test('stdout and stderr lines go to their own streams; a partial line has no newline', async () => {
    const r = await env.run(['logs', 'l1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'one\nthree\npartial');
    assert.equal(r.stderr, 'two\n');
  });

  test('-t prefixes RFC 3339 times; --tail keeps the last lines', async () => {
    const r = await env.run(['logs', '-t', 'l1']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z one\n\S+Z three\n\S+Z partial$/);
    assert.equal((await env.run(['logs', '--tail', '2', 'l1'])).stdout, 'three\npartial');
    assert.equal((await env.run(['logs', '--tail', '0', 'l1'])).stdout, '');
  });

  test('--since and --until filter by time', async () => {
    assert.equal((await env.run(['logs', '--since', '10m', 'l1'])).stdout, 'one\nthree\npartial');
    assert.equal((await env.run(['logs', '--until', '10m', 'l1'])).stdout, '');
    assert.equal((await env.run(['logs', '--since', String(Math.floor(Date.now() / 1000) + 60), 'l1'])).stdout, '');
  });

  test('several containers: prefixed by short ID, or by name with -n', async () => {
    assert.equal((await env.run(['logs', 'l1', 'l2'])).stdout, `${id.slice(0, 12)} one\n${id.slice(0, 12)} three\n${id.slice(0, 12)} partial`.concat((await env.runOk(['inspect', '--format', '{{.Id}}', 'l2'])).slice(0, 12), ' from l2\n'));
    assert.equal((await env.run(['logs', '-n', 'l2'])).stdout, 'l2 from l2\n');
  });

  test('-f follows the log until the container exits', async () => {
    await env.runOk(['run', '-d', '--name', 'l3', IMAGE, 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.3; done']);
    const started = Date.now();
    const r = await env.run(['logs', '-f', 'l3']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'line1\nline2\nline3\n');
    assert.ok(Date.now() - started >= 400, 'waited for the container');
    assert.equal((await env.run(['logs', '-f', '--tail', '1', 'l3'])).stdout, 'line3\n');
  });

  test('the none log driver cannot be read; missing containers fail', async () => {
    await env.runOk(['run', '--name', 'l4', '--log-driver', 'none', IMAGE, 'echo', 'unseen']);
    const r = await env.run(['logs', 'l4']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, "Error: this container is using the 'none' log driver, cannot read logs: this container is not logging output\n");
    const missing = await env.run(['logs', 'nosuch']);
    assert.equal(missing.code, 125);
    assert.equal(missing.stderr, 'Error: no container with name or ID "nosuch" found: no such container\n');
  });
});
