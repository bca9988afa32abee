// `events`: what containers, images, volumes and networks do is recorded in the events log
// (the `file` backend) and printed as Podman 4.3 prints it, filtered, formatted, and
// followed as it grows; `--events-backend none` records nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv, skiffBin } from '../helpers/skiff.ts';
import { containerSkip, IMAGE, loadBusybox, waitFor } from './container-test-helpers.ts';

describe('events', { skip: containerSkip, concurrency: false }, () => {
  const env = new SkiffEnv();
  let id = '';
  before(async () => {
    await loadBusybox(env);
    id = (await env.runOk(['create', '--name', 'evc', '--label', 'k=v', IMAGE, 'true'])).trim();
    await env.runOk(['start', '-a', 'evc']);
    await env.runOk(['rm', 'evc']);
    await env.runOk(['volume', 'create', 'evv']);
    await env.runOk(['tag', IMAGE, 'localhost/evtag']);
  });
  after(() => env.cleanup());

  test('a container\'s life, a volume and a tag, in order, as Podman prints them', async () => {
    const lines = (await env.runOk(['events', '--stream=false'])).trim().split('\n');
    const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC';
    const ctr = (status: string) => new RegExp(`^${time} container ${status} ${id} \\(image=${IMAGE}, name=evc, k=v, org\\.skiff\\.fixture=busybox\\)$`);
    const expected = [
      new RegExp(`^${time} image loadfromarchive  ${IMAGE}$`),
      ctr('create'), ctr('init'), ctr('start'), ctr('attach'), ctr('died'), ctr('remove'),
      new RegExp(`^${time} volume create evv$`),
      new RegExp(`^${time} image tag [0-9a-f]{64} localhost/evtag$`),
    ];
    assert.equal(lines.length, expected.length, lines.join('\n'));
    lines.forEach((line, i) => assert.match(line, expected[i]!));
  });

  test('--format json, Go templates and filters', async () => {
    const json = (await env.runOk(['events', '--stream=false', '--format', 'json', '--filter', 'type=volume'])).trim();
    assert.match(json, /^\{"Name":"evv","Status":"create","Time":"[^"]+Z","Type":"volume","Attributes":null\}$/);
    assert.equal(await env.runOk(['events', '--stream=false', '--filter', 'container=evc', '--filter', 'event=start', '--filter', 'event=died', '--format', '{{.Status}} {{.Name}} {{.Attributes.k}}']), 'start evc v\ndied evc v\n');
    assert.equal(await env.runOk(['events', '--stream=false', '--filter', 'label=k=v', '--format', '{{.Status}}', '--filter', 'event=remove']), 'remove\n');
    assert.equal(await env.runOk(['events', '--stream=false', '--since', '1h', '--until', '1h', '--format', '{{.Status}}']), '');
    const bad = await env.run(['events', '--stream=false', '--filter', 'bogus=1']);
    assert.equal(bad.code, 125);
    assert.equal(bad.stderr, 'Error: bogus is an invalid filter\n');
  });

  test('--stream follows the log: events of other commands appear as they happen', async () => {
    const follower = spawn(skiffBin, [...env.globalArgs(), 'events', '--filter', 'event=create', '--format', '{{.Name}}', '--since', '1s'], { env: env.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follower.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      await new Promise((r) => setTimeout(r, 500));
      await env.runOk(['create', '--name', 'streamed', IMAGE, 'true']);
      await waitFor('the streamed event', () => out.includes('streamed\n'), 10_000);
    } finally {
      follower.kill();
    }
    await env.runOk(['rm', 'streamed']);
  });

  test('mount, unmount, commit and export are recorded', async () => {
    await env.runOk(['create', '--name', 'evfs', IMAGE, 'true']);
    await env.runOk(['mount', 'evfs']);
    await env.runOk(['unmount', 'evfs']);
    await env.runOk(['commit', '-q', 'evfs', 'localhost/evcommit']);
    await env.runOk(['export', '-o', '/dev/null', 'evfs']);
    assert.equal(await env.runOk(['events', '--stream=false', '--filter', 'container=evfs', '--format', '{{.Status}}']), 'create\nmount\nunmount\ncommit\nexport\n');
    await env.runOk(['rm', 'evfs']);
    await env.runOk(['rmi', 'localhost/evcommit']);
  });

  test('network connect/disconnect, exec, stop and image untag are recorded too', async () => {
    await env.runOk(['network', 'create', 'evnet']);
    const nc = (await env.runOk(['run', '-d', '--name', 'evrun', IMAGE, 'sleep', '100'])).trim();
    await env.runOk(['network', 'connect', 'evnet', 'evrun']);
    await env.runOk(['exec', 'evrun', 'true']);
    await env.runOk(['network', 'disconnect', 'evnet', 'evrun']);
    await env.runOk(['stop', '-t', '0', 'evrun']);
    await env.runOk(['rm', 'evrun']);
    await env.runOk(['rmi', 'localhost/evtag']);
    const since = ['--since', '1m', '--stream=false'];
    const net = (await env.runOk(['events', ...since, '--filter', 'type=network'])).trim().split('\n');
    assert.deepEqual(net.map((l) => l.replace(/^.* UTC /, '')), [`network connect ${nc} (container=${nc}, name=evnet)`, `network disconnect ${nc} (container=${nc}, name=evnet)`]);
    assert.equal(await env.runOk(['events', ...since, '--filter', 'container=evrun', '--format', '{{.Status}}']), 'create\ninit\nstart\nexec\nexec_died\ndied\nstop\nremove\n');
    assert.match(await env.runOk(['events', ...since, '--filter', 'type=image', '--filter', 'event=untag', '--format', '{{.Status}} {{.Name}}']), /^untag localhost\/evtag:latest$/m);
  });

  test('events_logfile_max_size: the log keeps its newer half and says it rotated', async () => {
    const log = join(env.tmpdir, 'events', 'events.log');
    env.writeConfig('containers', '[engine]\nevents_logfile_max_size = "2k"\n');
    try {
      for (let i = 0; i < 30; i++) await env.runOk(['volume', 'create', `rot${i}`]);
      assert.ok(statSync(log).size <= 2000, `size ${statSync(log).size}`);
      const out = await env.runOk(['events', '--stream=false', '--format', '{{.Type}} {{.Status}} {{.Name}}']);
      assert.match(out, new RegExp(`^system log-rotation ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      assert.match(out, /volume create rot29\n$/);
      assert.doesNotMatch(out, /volume create rot0\n/);
    } finally {
      env.writeConfig('containers', '');
    }
  });

  test('--events-backend none records nothing, and events says it cannot read', async () => {
    const log = join(env.tmpdir, 'events', 'events.log');
    const before = (await env.runOk(['events', '--stream=false'])).split('\n').length;
    await env.runOk(['--events-backend', 'none', 'volume', 'create', 'quiet']);
    assert.equal((await env.runOk(['events', '--stream=false'])).split('\n').length, before);
    assert.ok(existsSync(log));
    const r = await env.run(['--events-backend', 'none', 'events', '--stream=false']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: cannot read events with the "none" backend\n');
  });
});
