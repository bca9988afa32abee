// `image prune`, `system prune` and `system df`.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { imageId, importImage, loadTwoImages, parseTable } from './image-test-helpers.ts';

const danglingWarning = 'WARNING! This command removes all dangling images.\nAre you sure you want to continue? [y/N] ';
const allWarning = 'WARNING! This command removes all images without at least one container associated with them.\nAre you sure you want to continue? [y/N] ';

/** A named image plus one left dangling (untagged, nothing built on it). */
async function withDangling(env: SkiffEnv): Promise<{ kept: string; dangling: string }> {
  const kept = await importImage(env, 'kept', 'LABEL keep=yes');
  const dangling = await importImage(env, 'gone', 'LABEL keep=no');
  await env.runOk(['untag', 'gone']);
  return { kept, dangling };
}

async function allIds(env: SkiffEnv): Promise<string[]> {
  return (await env.runOk(['images', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean).map((l) => l.slice(7)).sort();
}

describe('image prune', () => {
  // Each test starts from an empty store of its own.
  let env = new SkiffEnv();
  const used = [env];
  beforeEach(() => {
    env = new SkiffEnv();
    used.push(env);
  });
  after(() => Promise.all(used.map((e) => e.cleanup())));

  test('asks first; only an answer starting with y goes ahead', async () => {
    const { kept, dangling } = await withDangling(env);
    for (const answer of ['n\n', '\n', 'nope\n']) {
      const r = await env.run(['image', 'prune'], { input: answer });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, danglingWarning, '']);
    }
    assert.deepEqual(await allIds(env), [kept, dangling].sort());
    const yes = await env.run(['image', 'prune'], { input: 'Y\n' });
    assert.deepEqual([yes.code, yes.stdout, yes.stderr], [0, `${danglingWarning}${dangling}\n`, '']);
    assert.deepEqual(await allIds(env), [kept]);
  });

  test('no answer at all is an error, as for Podman', async () => {
    await withDangling(env);
    const r = await env.run(['image', 'prune']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, danglingWarning, 'Error: EOF\n']);
    const a = await env.run(['image', 'prune', '-a'], { input: 'y' });
    assert.deepEqual([a.code, a.stdout, a.stderr], [125, allWarning, 'Error: EOF\n']);
  });

  test('-f removes dangling images only; intermediate ones stay', async () => {
    const { kept, dangling } = await withDangling(env);
    await loadTwoImages(env);
    const parent = await imageId(env, 'localhost/busybox');
    await env.runOk(['untag', 'localhost/busybox']);
    const r = await env.run(['image', 'prune', '-f']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${dangling}\n`, '']);
    assert.ok((await allIds(env)).includes(parent));
    assert.ok((await allIds(env)).includes(kept));
    const again = await env.run(['image', 'prune', '--force']);
    assert.deepEqual([again.code, again.stdout, again.stderr], [0, '', '']);
  });

  test('-a -f removes every image without containers, parents after their children', async () => {
    await withDangling(env);
    await loadTwoImages(env);
    const before = await allIds(env);
    const r = await env.run(['image', 'prune', '-a', '-f']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), before);
    assert.deepEqual(await allIds(env), []);
  });

  test('--filter limits what goes', async () => {
    const kept = await importImage(env, 'old', 'LABEL tier=keep');
    const doomed = await importImage(env, 'new', 'LABEL tier=drop');
    const r = await env.run(['image', 'prune', '-a', '-f', '--filter', 'label=tier=drop']);
    assert.deepEqual([r.code, r.stdout], [0, `${doomed}\n`]);
    const until = await env.run(['image', 'prune', '-a', '-f', '--filter', 'until=1h']);
    assert.deepEqual([until.code, until.stdout], [0, '']);
    assert.deepEqual(await allIds(env), [kept]);
    const bad = await env.run(['image', 'prune', '-f', '--filter', 'bogus=1']);
    assert.deepEqual([bad.code, bad.stderr], [125, 'Error: unsupported image filter "bogus"\n']);
  });

  test('takes no arguments', async () => {
    const r = await env.run(['image', 'prune', 'x']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', 'Error: `skiff image prune` takes no arguments\n']);
  });
});

describe('system prune', () => {
  const env = new SkiffEnv();
  after(() => env.cleanup());

  const warning = (all: boolean, volumes: boolean) =>
    'WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container\n' +
    (volumes ? '\t- all volumes not used by at least one container\n' : '') +
    (all ? '\t- all images without at least one container associated with them\n\t- all build cache\n' : '\t- all dangling images\n\t- all dangling build cache\n') +
    '\nAre you sure you want to continue? [y/N] ';

  test('asks first, with the list of what goes', async () => {
    for (const [args, all, volumes] of [[[], false, false], [['-a'], true, false], [['--volumes'], false, true], [['-a', '--volumes'], true, true]] as const) {
      const r = await env.run(['system', 'prune', ...args], { input: 'n\n' });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, warning(all, volumes), '']);
    }
  });

  test('-f removes dangling images and totals the space', async () => {
    const { kept, dangling } = await withDangling(env);
    const size = Number((await env.runOk(['images', '-a', '--format', '{{.VirtualSize}}', '--filter', `id=${dangling}`])).trim());
    const r = await env.run(['system', 'prune', '-f']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Deleted Images\\n${dangling}\\nTotal reclaimed space: [\\d.]+[kMG]?B\\n$`));
    assert.ok(size > 0);
    assert.deepEqual(await allIds(env), [kept]);
    assert.equal(await env.runOk(['system', 'prune', '-f']), 'Total reclaimed space: 0B\n');
    const a = await env.run(['system', 'prune', '-a', '-f']);
    assert.equal(a.stdout, `Deleted Images\n${kept}\nTotal reclaimed space: ${a.stdout.split('space: ')[1]}`);
  });

  test('takes no arguments', async () => {
    const r = await env.run(['system', 'prune', 'x']);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: `skiff system prune` takes no arguments\n']);
  });
});

describe('system df', () => {
  const env = new SkiffEnv();
  after(() => env.cleanup());

  test('an empty store', async () => {
    const r = await env.run(['system', 'df']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'TYPE           TOTAL       ACTIVE      SIZE        RECLAIMABLE\n' +
        'Images         0           0           0B          0B (0%)\n' +
        'Containers     0           0           0B          0B (0%)\n' +
        'Local Volumes  0           0           0B          0B (0%)\n',
    );
  });

  test('counts images once per name and their sizes; all reclaimable without containers', async () => {
    await loadTwoImages(env);
    await env.runOk(['tag', 'second', 'alias']);
    const table = parseTable(await env.runOk(['system', 'df']));
    assert.deepEqual(table.header, ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    assert.deepEqual(table.rows[0]!.slice(0, 3), ['Images', '3', '0']);
    assert.equal(table.rows[0]![4], `${table.rows[0]![3]} (100%)`);
    const raw = await env.runOk(['system', 'df', '--format', '{{.Type}}:{{.RawSize}}:{{.RawReclaimable}}']);
    const sizes = (await env.runOk(['images', '--format', '{{.VirtualSize}}'])).trim().split('\n').map(Number);
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(raw, `Images:${total}:${total}\nContainers:0:0\nLocal Volumes:0:0\n`);
    const json = JSON.parse(await env.runOk(['system', 'df', '--format', 'json'])) as Record<string, unknown>[];
    assert.deepEqual(json.map((j) => j['Type']), ['Images', 'Containers', 'Local Volumes']);
    assert.equal(json[0]!['TotalCount'], 3);
    assert.equal(json[0]!['RawSize'], total);
  });

  test('-v lists images with shared and unique sizes', async () => {
    const out = await env.runOk(['system', 'df', '-v']);
    const [images, rest] = out.split('\nContainers space usage:\n\n');
    assert.ok(images!.startsWith('Images space usage:\n\n'));
    const table = parseTable(images!.slice('Images space usage:\n\n'.length));
    assert.deepEqual(table.header, ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS']);
    const busybox = table.rows.find((r) => r[0] === 'localhost/busybox')!;
    assert.equal(busybox[6], '0B', 'a parent shares everything with its child');
    assert.equal(busybox[5], busybox[4]);
    assert.equal(table.rows.filter((r) => r[0] === 'localhost/second' || r[0] === 'localhost/alias').length, 2);
    assert.equal(
      rest,
      'CONTAINER ID  IMAGE       COMMAND     LOCAL VOLUMES  SIZE        CREATED     STATUS      NAMES\n\nLocal Volumes space usage:\n\nVOLUME NAME  LINKS       SIZE\n',
    );
  });

  test('takes no arguments', async () => {
    const r = await env.run(['system', 'df', 'x']);
    assert.deepEqual([r.code, r.stderr], [125, 'Error: `skiff system df` takes no arguments\n']);
  });
});
