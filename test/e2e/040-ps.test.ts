// `ps` as Podman 4.3 prints it: the table, -a/-q/-l/-n/--no-trunc/--noheading/-s, filters,
// sorting, templates and `--format json`; state read from the database, exited containers
// noticed without asking the runtime.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { IMAGE, containerSkip, loadBusybox } from './container-test-helpers.ts';
import { agoPattern } from './image-test-helpers.ts';

const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
const jsonKeys = [
  'AutoRemove', 'Command', 'CreatedAt', 'Exited', 'ExitedAt', 'ExitCode', 'Id', 'Image', 'ImageID', 'IsInfra', 'Labels', 'Mounts',
  'Names', 'Namespaces', 'Networks', 'Pid', 'Pod', 'PodName', 'Ports', 'Size', 'StartedAt', 'State', 'Status', 'Created',
];

/** A tabwriter table split at the header's column starts (PORTS is an empty column here). */
function parseTable(text: string): { header: string[]; rows: string[][] } {
  assert.ok(text.endsWith('\n'));
  const [head, ...lines] = text.slice(0, -1).split('\n');
  const starts = [...head!.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
  const cut = (line: string) => starts.map((start, i) => line.slice(start, starts[i + 1]).trimEnd());
  for (const line of lines) for (const start of starts.slice(1)) assert.match(line.slice(start - 2, start), /^ {2}$/, `aligned:\n${head}\n${line}`);
  return { header: cut(head!), rows: lines.map(cut) };
}

describe('ps', { skip: containerSkip }, () => {
  const env = new SkiffEnv();
  const ids: Record<string, string> = {};
  before(async () => {
    const empty = await env.run(['ps']);
    assert.equal(empty.stdout, 'CONTAINER ID  IMAGE       COMMAND     CREATED     STATUS      PORTS       NAMES\n');
    await loadBusybox(env);
    ids.created = (await env.runOk(['create', '--name', 'a-created', '-l', 'tier=db', IMAGE, 'true'])).trim();
    ids.exited = (await env.runOk(['create', '--name', 'b-exited', '-l', 'tier=web', '-v', '/data/vol', IMAGE, 'sh', '-c', 'echo a long command line; exit 3'])).trim();
    await env.run(['start', '--attach', 'b-exited']);
    ids.running = (await env.runOk(['run', '-d', '--name', 'c-running', '-l', 'tier=web', IMAGE, 'sleep', '100'])).trim();
  });
  after(() => env.cleanup());

  test('the default table lists running containers only; -a all of them, oldest first', async () => {
    const running = parseTable(await env.runOk(['ps']));
    assert.deepEqual(running.header, header);
    assert.deepEqual(running.rows.map((r) => r[6]), ['c-running']);
    const all = parseTable(await env.runOk(['ps', '-a']));
    assert.deepEqual(all.rows.map((r) => [r[0], r[1], r[2], r[6]]), [
      [ids.created!.slice(0, 12), IMAGE, 'true', 'a-created'],
      [ids.exited!.slice(0, 12), IMAGE, 'sh -c echo a long...', 'b-exited'],
      [ids.running!.slice(0, 12), IMAGE, 'sleep 100', 'c-running'],
    ]);
    for (const row of all.rows) assert.match(row[3]!, agoPattern);
    assert.equal(all.rows[0]![4], 'Created');
    assert.match(all.rows[1]![4]!, /^Exited \(3\) .+ ago$/);
    assert.match(all.rows[2]![4]!, /^Up .+ ago$/);
  });

  test('-q, --no-trunc, --noheading, -l, -n', async () => {
    assert.equal(await env.runOk(['ps', '-aq']), `${ids.created!.slice(0, 12)}\n${ids.exited!.slice(0, 12)}\n${ids.running!.slice(0, 12)}\n`);
    assert.equal(await env.runOk(['ps', '-q', '--no-trunc']), `${ids.running}\n`);
    assert.equal(await env.runOk(['ps', '-l', '--format', '{{.Names}}']), 'c-running\n');
    assert.equal(await env.runOk(['ps', '-n', '2', '--format', '{{.Names}}']), 'b-exited\nc-running\n');
    const noTrunc = await env.runOk(['ps', '-a', '--no-trunc', '--noheading', '--filter', 'name=b-exited']);
    assert.match(noTrunc, new RegExp(`^${ids.exited}  ${IMAGE}  sh -c echo a long command line; exit 3  `));
  });

  test('filters: status, name, label, exited, id, ancestor, before/since, volume', async () => {
    const names = async (...filters: string[]) => (await env.runOk(['ps', '-a', '--format', '{{.Names}}', ...filters.flatMap((f) => ['--filter', f])])).trim().split('\n').filter(Boolean);
    assert.deepEqual(await names('status=exited'), ['b-exited']);
    assert.deepEqual(await names('status=created'), ['a-created']);
    assert.deepEqual(await names('status=created', 'status=running'), ['a-created', 'c-running']);
    assert.deepEqual(await names('name=^b-'), ['b-exited']);
    assert.deepEqual(await names('label=tier=web'), ['b-exited', 'c-running']);
    assert.deepEqual(await names('label=tier=web', 'status=running'), ['c-running']);
    assert.deepEqual(await names('exited=3'), ['b-exited']);
    assert.deepEqual(await names(`id=${ids.running!.slice(0, 8)}`), ['c-running']);
    assert.deepEqual(await names(`ancestor=${IMAGE}`), ['a-created', 'b-exited', 'c-running']);
    assert.deepEqual(await names('ancestor=busybox'), ['a-created', 'b-exited', 'c-running']);
    assert.deepEqual(await names('before=c-running'), ['a-created', 'b-exited']);
    assert.deepEqual(await names('since=a-created'), ['b-exited', 'c-running']);
    assert.deepEqual(await names('volume=/data/vol'), ['b-exited']);
    const bad = await env.run(['ps', '--filter', 'bogus=1']);
    assert.equal(bad.code, 125);
    assert.equal(bad.stderr, 'Error: bogus is an invalid filter\n');
    const badStatus = await env.run(['ps', '--filter', 'status=bogus']);
    assert.equal(badStatus.stderr, 'Error: unknown container state: bogus: invalid argument\n');
  });

  test('--sort, -s and templates', async () => {
    assert.deepEqual((await env.runOk(['ps', '-a', '--sort', 'status', '--format', '{{.Names}}'])).trim().split('\n'), ['a-created', 'b-exited', 'c-running']);
    const bad = await env.run(['ps', '--sort', 'bogus']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /^Error: invalid argument "bogus" for "--sort" flag: "bogus" is not a valid value\.  Choose from: "command, created, id, image, names, runningfor, size, status"/);
    const sized = parseTable(await env.runOk(['ps', '-a', '-s', '--filter', 'name=b-exited']));
    assert.deepEqual(sized.header, [...header, 'SIZE']);
    assert.match(sized.rows[0]![7]!, /^\d+(\.\d+)?[kMG]?B \(virtual \d+(\.\d+)?[kMG]?B\)$/);
    const line = await env.runOk(['ps', '--format', '{{.ID}}|{{.State}}|{{.Labels}}|{{.Label "tier"}}|{{.Pid | printf "%T"}}|{{.CreatedAt}}']);
    assert.match(line, new RegExp(`^${ids.running!.slice(0, 12)}\\|Up .+ ago\\|map\\[org.skiff.fixture:busybox tier:web\\]\\|web\\|int\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC\n$`));
    assert.equal(await env.runOk(['ps', '-a', '--format', 'table {{.Names}}\t{{.Command}}', '--filter', 'name=a-']), 'NAMES       COMMAND\na-created   true\n');
  });

  test('--format json: Podman\'s ListContainer fields', async () => {
    const list = JSON.parse(await env.runOk(['ps', '-a', '--format', 'json'])) as Record<string, unknown>[];
    assert.equal(list.length, 3);
    for (const c of list) assert.deepEqual(Object.keys(c), jsonKeys);
    const [created, exited, running] = list;
    assert.equal(created!.State, 'created');
    assert.equal(created!.Status, 'Created');
    assert.equal(created!.ExitedAt, -62135596800);
    assert.equal(exited!.State, 'exited');
    assert.equal(exited!.Exited, true);
    assert.equal(exited!.ExitCode, 3);
    assert.deepEqual(exited!.Mounts, ['/data/vol']);
    assert.equal(running!.Id, ids.running);
    assert.deepEqual(running!.Names, ['c-running']);
    assert.deepEqual(running!.Command, ['sleep', '100']);
    assert.equal(running!.Image, IMAGE);
    assert.deepEqual(running!.Labels, { 'org.skiff.fixture': 'busybox', tier: 'web' });
    assert.ok((running!.Pid as number) > 0);
    assert.match(running!.Status as string, /^Up .+ ago$/);
    assert.match(running!.CreatedAt as string, agoPattern);
    assert.equal(typeof running!.Created, 'number');
    assert.equal(await env.runOk(['ps', '--format', 'json', '--filter', 'name=nothing']), '[]\n');
  });
});
