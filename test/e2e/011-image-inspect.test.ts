// `inspect`, `image inspect`, `history` and `image tree` on the fixture images.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { imageConfig } from '../helpers/fixtures.ts';
import { SkiffEnv } from '../helpers/skiff.ts';
import { agoPattern, imageId, importImage, loadTwoImages, parseTable, sizePattern } from './image-test-helpers.ts';

interface InspectImage {
  Id: string;
  Digest: string;
  RepoTags: string[];
  RepoDigests: string[];
  Config: { Env?: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
  Architecture: string;
  Os: string;
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Labels: Record<string, string> | null;
  History: { created?: string; created_by?: string; empty_layer?: boolean }[];
  NamesHistory: string[];
  GraphDriver: { Name: string; Data: Record<string, string> };
}

const env = new SkiffEnv();
let busybox = '';
let second = '';
before(async () => {
  await loadTwoImages(env);
  busybox = await imageId(env, 'localhost/busybox:latest');
  second = await imageId(env, 'localhost/second:latest');
});
after(() => env.cleanup());

describe('inspect', () => {
  test('image inspect prints a JSON array with Podman\'s fields', async () => {
    const r = await env.run(['image', 'inspect', 'busybox']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[\n {5}\{\n {10}"Id": "/);
    const [img] = JSON.parse(r.stdout) as InspectImage[];
    assert.equal(img!.Id, busybox);
    assert.deepEqual(img!.RepoTags, ['localhost/busybox:latest']);
    assert.deepEqual(img!.RepoDigests, [`localhost/busybox@${img!.Digest}`]);
    assert.deepEqual(img!.Config, {
      Env: [...imageConfig.env],
      Cmd: [...imageConfig.cmd],
      WorkingDir: imageConfig.workingDir,
      Labels: { ...imageConfig.labels },
    });
    assert.deepEqual(img!.Labels, { ...imageConfig.labels });
    assert.equal(img!.RootFS.Type, 'layers');
    assert.equal(img!.RootFS.Layers.length, imageConfig.layers);
    assert.equal(img!.History.length, imageConfig.layers + 1);
    assert.equal(img!.History.at(-1)!.empty_layer, true);
    assert.equal(img!.GraphDriver.Name, 'overlay');
    assert.deepEqual(img!.NamesHistory, ['localhost/busybox:latest']);
    assert.deepEqual(Object.keys(img!).slice(0, 8), ['Id', 'Digest', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'Config']);
  });

  test('inspect finds images by name, ID and prefix; several print one array', async () => {
    const list = JSON.parse(await env.runOk(['inspect', 'second', busybox, busybox.slice(0, 12)])) as InspectImage[];
    assert.deepEqual(list.map((i) => i.Id), [second, busybox, busybox]);
    assert.equal(await env.runOk(['inspect', '--type', 'image', '--format', '{{.Id}}', 'second']), `${second}\n`);
  });

  test('--format runs a template per object', async () => {
    assert.equal(await env.runOk(['inspect', '--format', '{{.Id}}', 'busybox', 'second']), `${busybox}\n${second}\n`);
    assert.equal(await env.runOk(['image', 'inspect', '-f', '{{.ID}} {{.Os}}/{{.Architecture}}', 'busybox']), `${busybox} linux/amd64\n`);
    const config = JSON.parse(await env.runOk(['image', 'inspect', '--format', '{{json .Config}}', 'busybox'])) as InspectImage['Config'];
    assert.equal(config.WorkingDir, '/data');
    assert.deepEqual(config.Cmd, ['sh']);
    assert.equal(await env.runOk(['inspect', '--format', '{{index .Labels "org.skiff.fixture"}}', 'busybox']), 'busybox\n');
    assert.equal(await env.runOk(['inspect', '--format', 'json', 'busybox']), await env.runOk(['inspect', 'busybox']));
  });

  test('unknown names: what was found, then an error naming the first miss', async () => {
    const all = await env.run(['inspect', 'nothing']);
    assert.deepEqual([all.code, all.stdout, all.stderr], [125, '[]\n', 'Error: inspecting object: no such object: "nothing"\n']);
    const image = await env.run(['image', 'inspect', 'nothing']);
    assert.deepEqual([image.code, image.stdout, image.stderr], [125, '[]\n', 'Error: inspecting object: nothing: image not known\n']);
    const typed = await env.run(['inspect', '--type', 'image', 'nothing']);
    assert.deepEqual([typed.code, typed.stderr], [125, 'Error: inspecting object: nothing: image not known\n']);
    const mixed = await env.run(['image', 'inspect', '--format', '{{.Id}}', 'busybox', 'nothing', 'nothing2']);
    assert.equal(mixed.code, 125);
    assert.equal(mixed.stdout, `${busybox}\n`);
    assert.equal(mixed.stderr, 'error inspecting object: nothing2: image not known\nError: inspecting object: nothing: image not known\n');
    const container = await env.run(['inspect', '--type', 'container', 'busybox']);
    assert.deepEqual([container.code, container.stderr], [125, 'Error: inspecting object: no such container busybox\n']);
  });

  test('argument and flag errors', async () => {
    for (const args of [['inspect'], ['image', 'inspect']]) {
      const r = await env.run(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [125, '', 'Error: no names or ids specified\n']);
    }
    const bogus = await env.run(['inspect', '--type', 'bogus', 'busybox']);
    assert.deepEqual([bogus.code, bogus.stderr], [125, 'Error: invalid type "bogus": must be "image", "container", "pod", "network", "volume", or "all"\n']);
    const typeFlag = await env.run(['image', 'inspect', '--type', 'image', 'busybox']);
    assert.deepEqual([typeFlag.code, typeFlag.stderr], [125, "Error: unknown flag: --type\nSee 'skiff image inspect --help'\n"]);
    const latest = await env.run(['inspect', '--latest', 'busybox']);
    assert.deepEqual([latest.code, latest.stderr], [125, 'Error: --latest and arguments cannot be used together\n']);
  });
});

describe('history', () => {
  test('lists the history newest first; the top row carries the image ID', async () => {
    const r = await env.run(['history', 'busybox']);
    assert.equal(r.code, 0, r.stderr);
    const table = parseTable(r.stdout);
    assert.deepEqual(table.header, ['ID', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']);
    assert.deepEqual(
      table.rows.map((row) => [row[0], row[2]]),
      [
        [busybox.slice(0, 12), 'skiff fixture: config'],
        ['<missing>', 'skiff fixture: opaque directory'],
        ['<missing>', 'skiff fixture: whiteouts'],
        ['<missing>', 'skiff fixture: special files'],
        ['<missing>', 'skiff fixture: busybox rootfs'],
      ],
    );
    assert.equal(table.rows[0]![3], '0 B');
    for (const row of table.rows) {
      assert.match(row[1]!, agoPattern);
      assert.match(row[3]!, sizePattern);
    }
    assert.equal((await env.runOk(['image', 'history', 'busybox'])).split('\n').length, r.stdout.split('\n').length);
  });

  test('rows whose layer tops another local image show that image', async () => {
    const ids = (await env.runOk(['history', '--format', '{{.ID}}', 'second'])).trim().split('\n');
    assert.deepEqual(ids, [second.slice(0, 12), busybox.slice(0, 12), '<missing>', '<missing>', '<missing>', '<missing>']);
  });

  test('-q, --no-trunc, -H=false and --format json', async () => {
    assert.equal(await env.runOk(['history', '-q', 'busybox']), `${busybox.slice(0, 12)}\n<missing>\n<missing>\n<missing>\n<missing>\n`);
    assert.equal((await env.runOk(['history', '-q', '--no-trunc', 'busybox'])).split('\n')[0], busybox);
    const [img] = JSON.parse(await env.runOk(['image', 'inspect', 'busybox'])) as InspectImage[];
    const times = (await env.runOk(['history', '--human=false', '--format', '{{.Created}}', 'busybox'])).trim().split('\n');
    assert.deepEqual(times, img!.History.map((h) => `${h.created!.slice(0, 19)}Z`).reverse());

    const json = JSON.parse(await env.runOk(['history', '--format', 'json', 'busybox'])) as Record<string, unknown>[];
    assert.equal(json.length, 5);
    assert.equal(json[0]!['id'], busybox);
    assert.equal(json[1]!['id'], '<missing>');
    assert.equal(json[0]!['created'], img!.History.at(-1)!.created);
    assert.equal(json[0]!['CreatedBy'], 'skiff fixture: config');
    assert.equal(json[0]!['size'], 0);
    assert.match(json[0]!['Created'] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(await env.runOk(['history', '--format', 'json', 'busybox']), /^\[\{"id":"[0-9a-f]{64}","created":/);
  });

  test('CREATED BY is cut to 45 characters unless --no-trunc', async () => {
    const id = await importImage(env, 'imported');
    const [img] = JSON.parse(await env.runOk(['image', 'inspect', id])) as InspectImage[];
    const full = img!.History[0]!.created_by!;
    assert.ok(full.length > 45);
    assert.equal(await env.runOk(['history', '--format', '{{.CreatedBy}}', id]), `${full.slice(0, 42)}...\n`);
    assert.equal(await env.runOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', id]), `${full}\n`);
    await env.runOk(['rmi', id]);
  });

  test('errors', async () => {
    const none = await env.run(['history']);
    assert.deepEqual([none.code, none.stderr], [125, 'Error: accepts 1 arg(s), received 0\n']);
    const missing = await env.run(['history', 'nothing']);
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [125, '', 'Error: nothing: image not known\n']);
  });
});

describe('image tree', () => {
  const layerLine = (branch: string, tags = '') => new RegExp(`^${branch} ID: [0-9a-f]{12} Size: [ \\d.]{1,5}[kMG]?B${tags.replace(/[[\]/.]/g, '\\$&')}$`);

  test('draws the layers from the base up, naming the images they top', async () => {
    const r = await env.run(['image', 'tree', 'second']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `Image ID: ${second.slice(0, 12)}`);
    assert.equal(lines[1], 'Tags:     [localhost/second:latest]');
    assert.match(lines[2]!, /^Size: {5}[\d.]+[kMG]?B$/);
    assert.equal(lines[3], 'Image Layers');
    assert.match(lines[4]!, layerLine('├──'));
    assert.match(lines[5]!, layerLine('├──'));
    assert.match(lines[6]!, layerLine('├──'));
    assert.match(lines[7]!, layerLine('├──', ' Top Layer of: [localhost/busybox:latest]'));
    assert.match(lines[8]!, layerLine('└──', ' Top Layer of: [localhost/second:latest]'));
    assert.deepEqual(lines.slice(9), ['', '']);
  });

  test('--whatrequires draws the layers built on the image', async () => {
    const lines = (await env.runOk(['image', 'tree', '--whatrequires', 'busybox'])).split('\n');
    assert.equal(lines[0], `Image ID: ${busybox.slice(0, 12)}`);
    assert.equal(lines.length, 8);
    assert.match(lines[4]!, layerLine('├──', ' Top Layer of: [localhost/busybox:latest]'));
    assert.match(lines[5]!, layerLine('└──', ' Top Layer of: [localhost/second:latest]'));
  });

  test('errors', async () => {
    const missing = await env.run(['image', 'tree', 'nothing']);
    assert.deepEqual([missing.code, missing.stderr], [125, 'Error: nothing: image not known\n']);
    const none = await env.run(['image', 'tree']);
    assert.deepEqual([none.code, none.stderr], [125, 'Error: accepts 1 arg(s), received 0\n']);
  });
});
