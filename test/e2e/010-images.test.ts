// `images`, `tag`, `untag`, `rmi` and `image exists`, checked as Podman 4.3's system tests
// check podman: exit codes, and stdout/stderr to the byte where they are deterministic.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SkiffEnv } from '../helpers/skiff.ts';
import { agoPattern, imageId, importImage, loadTwoImages, parseTable, sizePattern } from './image-test-helpers.ts';

interface JsonImage {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[];
  Names?: string[];
  Digest: string;
  History?: string[];
  Labels: Record<string, string> | null;
  Dangling?: boolean;
  Created: number;
  CreatedAt: string;
  Size: number;
}

describe('images', () => {
  const env = new SkiffEnv();
  let a = '';
  let b = '';
  before(async () => {
    a = await importImage(env, 'a', 'LABEL foo=bar', 'LABEL version=1.0');
    b = await importImage(env, 'localhost/b:1.0', 'LABEL foo=other');
    await env.runOk(['tag', 'a', 'foo', 'bar:1', 'docker.io/library/baz']);
  });
  after(() => env.cleanup());

  test('an empty store prints only the header', async () => {
    const empty = new SkiffEnv();
    try {
      const r = await empty.run(['images']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n');
      assert.equal(r.stderr, '');
    } finally {
      await empty.cleanup();
    }
  });

  test('the table has one row per name, newest image first', async () => {
    const r = await env.run(['images']);
    assert.equal(r.code, 0, r.stderr);
    const table = parseTable(r.stdout);
    assert.deepEqual(table.header, ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']);
    assert.deepEqual(
      table.rows.map((row) => [row[0], row[1], row[2]]),
      [
        ['localhost/b', '1.0', b.slice(0, 12)],
        ['localhost/a', 'latest', a.slice(0, 12)],
        ['localhost/foo', 'latest', a.slice(0, 12)],
        ['localhost/bar', '1', a.slice(0, 12)],
        ['docker.io/library/baz', 'latest', a.slice(0, 12)],
      ],
    );
    for (const row of table.rows) {
      assert.match(row[3]!, agoPattern);
      assert.match(row[4]!, sizePattern);
    }
    const withoutCreated = (t: string) => parseTable(t).rows.map((row) => [row[0], row[1], row[2], row[4]]);
    for (const alias of [['image', 'ls'], ['image', 'list']]) assert.deepEqual(withoutCreated(await env.runOk(alias)), withoutCreated(r.stdout));
  });

  test('--noheading, --no-trunc, --digests and -q', async () => {
    const fixed = ['--format', 'table {{.Repository}} {{.Tag}} {{.ID}} {{.Size}}'];
    const plain = await env.runOk(['images', ...fixed]);
    assert.match(plain, /^REPOSITORY {13}TAG {9}IMAGE ID {6}SIZE\n/);
    assert.equal(await env.runOk(['images', '--noheading', ...fixed]), plain.slice(plain.indexOf('\n') + 1));
    assert.equal(await env.runOk(['images', '-n', ...fixed]), plain.slice(plain.indexOf('\n') + 1));

    const noTrunc = parseTable(await env.runOk(['images', '--no-trunc']));
    assert.deepEqual(noTrunc.rows.map((r) => r[2]), [`sha256:${b}`, ...Array(4).fill(`sha256:${a}`)]);

    const digest = (await env.runOk(['image', 'inspect', '--format', '{{.Digest}}', a])).trim();
    const digests = parseTable(await env.runOk(['images', '--digests']));
    assert.deepEqual(digests.header, ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE']);
    assert.equal(digests.rows[1]![2], digest);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);

    assert.equal(await env.runOk(['images', '-q']), `${b.slice(0, 12)}\n${a.slice(0, 12)}\n`);
    assert.equal(await env.runOk(['images', '-q', '--no-trunc']), `sha256:${b}\nsha256:${a}\n`);
  });

  test('--format takes Go templates; "table" adds aligned headers', async () => {
    assert.equal(
      await env.runOk(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']),
      [`localhost/b:1.0 ${b.slice(0, 12)}`, ...['localhost/a:latest', 'localhost/foo:latest', 'localhost/bar:1', 'docker.io/library/baz:latest'].map((n) => `${n} ${a.slice(0, 12)}`)].join('\n') + '\n',
    );
    assert.equal(await env.runOk(['images', '--format', '{{.Labels.foo}}', 'b']), 'other\n');
    const names = await env.runOk(['images', '--format', '{{.Names}}', '--filter', `id=${a}`]);
    assert.equal(names.split('\n')[0], '[localhost/a:latest localhost/foo:latest localhost/bar:1 docker.io/library/baz:latest]');
    assert.match(await env.runOk(['images', '--format', '{{.CreatedAt}}', 'b']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n$/);
    assert.match(await env.runOk(['images', '--format', '{{.CreatedSince}}|{{.Size}}', 'b']), /^[A-Za-z0-9 ]+ ago\|\d+(\.\d+)? [kM]?B\n$/);

    const table = await env.runOk(['images', '--format', 'table {{.ID}} {{.Repository}}', 'b']);
    assert.equal(table, `IMAGE ID      REPOSITORY\n${b.slice(0, 12)}  localhost/b\n`);
    assert.equal(await env.runOk(['images', '--noheading', '--format', 'table {{.ID}}', 'b']), `${b.slice(0, 12)}\n`);
  });

  test('--format json prints one entry per name, as Podman 4.3 does', async () => {
    for (const format of ['json', '{{json .}}']) {
      const list = JSON.parse(await env.runOk(['images', '--format', format])) as JsonImage[];
      assert.equal(list.length, 5);
      assert.deepEqual(list.map((i) => i.Id), [b, a, a, a, a]);
      for (const img of list) assert.equal(img.RepoTags, null);
      assert.deepEqual(list[1]!.Names, ['localhost/a:latest', 'localhost/foo:latest', 'localhost/bar:1', 'docker.io/library/baz:latest']);
      assert.deepEqual(list[0]!.Labels, { foo: 'other', 'skiff.test.name': 'localhost/b:1.0' });
      assert.deepEqual(list[1]!.RepoDigests, [...list[1]!.RepoDigests].sort());
      assert.equal(list[1]!.RepoDigests.length, 4);
      assert.match(list[0]!.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(new Date(list[0]!.CreatedAt).getTime() / 1000, list[0]!.Created);
    }
  });

  test('an IMAGE argument is a reference filter', async () => {
    assert.equal(await env.runOk(['images', '-q', 'baz']), `${a.slice(0, 12)}\n`);
    assert.equal(await env.runOk(['images', '--format', '{{.Repository}}', 'localhost/b:1.0']), 'localhost/b\n');
    assert.equal(await env.runOk(['images', '-q', 'nothing']), '');
    const r = await env.run(['images', '--filter', 'label=foo', 'b']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, 'Error: cannot specify an image and a filter(s)\n');
    const two = await env.run(['images', 'a', 'b']);
    assert.equal(two.code, 125);
    assert.equal(two.stderr, 'Error: accepts at most 1 arg(s), received 2\n');
  });

  test('--filter: reference, label, id, before/since, until, negation', async () => {
    const q = async (...filters: string[]) => env.runOk(['images', '-q', ...filters.flatMap((f) => ['--filter', f])]);
    const A = `${a.slice(0, 12)}\n`;
    const B = `${b.slice(0, 12)}\n`;
    assert.equal(await q('reference=local*/b*'), B + A);
    assert.equal(await q('reference=*/b:1.0'), B);
    assert.equal(await q('reference=baz'), A);
    assert.equal(await q('reference=docker.io/library/baz:latest'), A);
    assert.equal(await q('reference=b', 'reference=baz'), B + A);
    assert.equal(await q('reference!=b'), A);
    assert.equal(await q('label=foo'), B + A);
    assert.equal(await q('label=foo=bar'), A);
    assert.equal(await q('label=foo=bar', 'label=foo=other'), B + A);
    assert.equal(await q('label!=version'), B);
    assert.equal(await q('label=version', 'reference=b'), '');
    assert.equal(await q(`id=${a}`), A);
    assert.equal(await q(`id=${a.slice(0, 12)}`), '');
    assert.equal(await q('since=a'), B);
    assert.equal(await q('after=a'), B);
    assert.equal(await q('before=localhost/b:1.0'), A);
    assert.equal(await q(`before=${b.slice(0, 12)}`, 'since=a'), '');
    assert.equal(await q('until=1h'), '');
    assert.equal(await q('until=2000-01-01'), '');
    assert.equal(await q(`until=${Math.floor(Date.now() / 1000) + 60}`), B + A);
    assert.equal(await q('dangling=false', 'readonly=false', 'containers=false', 'intermediate=false'), B + A);
    assert.equal(await q('dangling=true'), '');
    assert.equal(await env.runOk(['images', '-q', '--filter', 'label=foo=bar,reference=a']), A);
  });

  test('bad filters fail with Podman\'s messages', async () => {
    const cases: [string[], string][] = [
      [['--filter', 'bogus'], 'invalid image filter "bogus": must be in the format "filter=value or filter!=value"'],
      [['--filter', 'bogus=1'], 'unsupported image filter "bogus"'],
      [['--filter', 'dangling=maybe'], 'non-boolean value "dangling" for maybe filter: strconv.ParseBool: parsing "maybe": invalid syntax'],
      [['--filter', 'dangling=true', '--filter', 'dangling=false'], 'specifying "dangling" filter more than once with different values is not supported'],
      [['--filter', 'intermediate=true'], 'specifying "intermediate" filter more than once with different values is not supported'],
      [['--filter', 'before=nothing'], 'could not find local image for filter filter "before"="nothing": nothing: image not known'],
      [['--filter', 'containers=maybe'], 'unsupported value "maybe" for containers filter'],
      [['--filter', 'until=bogus'], 'failed to parse value as time or duration: "bogus"'],
      [['--sort', 'bogus'], '"bogus" is not a valid field for sorting. Choose from: id, repository, size, tag, created'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(['images', ...args]);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `Error: ${message}\n`);
    }
  });

  test('--sort orders rows by repository, tag, id or size', async () => {
    const col = async (sort: string, field: string) => (await env.runOk(['images', '--sort', sort, '--format', field])).trim().split('\n');
    assert.deepEqual(await col('repository', '{{.Repository}}'), ['docker.io/library/baz', 'localhost/a', 'localhost/b', 'localhost/bar', 'localhost/foo']);
    assert.deepEqual(await col('tag', '{{.Tag}}'), ['1', '1.0', 'latest', 'latest', 'latest']);
    const ids = await col('id', '{{.ID}}');
    assert.deepEqual(ids, [...ids].sort());
    assert.equal((await col('size', '{{.ID}}')).length, 5);
  });

  test('unknown flags and wrong argument counts', async () => {
    const r = await env.run(['images', '--bogus']);
    assert.equal(r.code, 125);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "Error: unknown flag: --bogus\nSee 'skiff images --help'\n");
    const s = await env.run(['image', 'ls', '-z']);
    assert.equal(r.code, 125);
    // Podman names the command by its name, not by the alias typed.
    assert.equal(s.stderr, "Error: unknown shorthand flag: 'z' in -z\nSee 'skiff image list --help'\n");
  });
});

describe('images: intermediate and dangling images', () => {
  const env = new SkiffEnv();
  let parent = '';
  let child = '';
  before(async () => {
    await loadTwoImages(env);
    parent = await imageId(env, 'localhost/busybox');
    child = await imageId(env, 'localhost/second');
  });
  after(() => env.cleanup());

  test('an untagged parent is intermediate: hidden unless --all, never dangling', async () => {
    assert.equal((await env.runOk(['images', '--format', '{{.ParentId}}', 'second'])).trim(), parent);
    await env.runOk(['untag', 'localhost/busybox']);
    assert.equal(await env.runOk(['images', '-q', '--no-trunc']), `sha256:${child}\n`);
    const all = parseTable(await env.runOk(['images', '-a']));
    assert.deepEqual(all.rows.map((r) => r.slice(0, 3)), [['localhost/second', 'latest', child.slice(0, 12)], ['<none>', '<none>', parent.slice(0, 12)]]);
    assert.equal(await env.runOk(['images', '-a', '-q', '--filter', 'intermediate=true']), `${parent.slice(0, 12)}\n`);
    assert.equal(await env.runOk(['images', '-a', '-q', '--filter', 'dangling=true']), '');
    const json = JSON.parse(await env.runOk(['images', '-a', '--format', 'json'])) as JsonImage[];
    assert.equal(json[1]!.Id, parent);
    assert.equal(json[1]!.Dangling, undefined);
    assert.deepEqual(json[1]!.RepoDigests, []);
    assert.equal(json[1]!.Names, undefined);
    assert.deepEqual(json[1]!.History, ['localhost/busybox:latest']);
  });

  test('rmi of the child also removes the parent it leaves dangling', async () => {
    const r = await env.run(['rmi', 'second']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Untagged: localhost/second:latest\nDeleted: ${child}\nDeleted: ${parent}\n`);
    assert.equal(await env.runOk(['images', '-a', '-q']), '');
  });
});

describe('tag and untag', () => {
  const env = new SkiffEnv();
  let id = '';
  before(async () => {
    id = await importImage(env, 'img');
  });
  after(() => env.cleanup());

  const names = async () => (await env.runOk(['image', 'inspect', '--format', '{{range .RepoTags}}{{.}} {{end}}', id])).trim();

  test('tag adds normalized names; a name moves from the image that had it', async () => {
    assert.equal(await env.runOk(['tag', 'img', 'one', 'two:2', 'quay.io/x/y:z', 'docker.io/alpine', 'localhost:5000/a/b']), '');
    assert.equal(await names(), 'localhost/img:latest localhost/one:latest localhost/two:2 quay.io/x/y:z docker.io/library/alpine:latest localhost:5000/a/b:latest');
    const other = await importImage(env, 'other');
    await env.runOk(['image', 'tag', other, 'one']);
    assert.equal(await names(), 'localhost/img:latest localhost/two:2 quay.io/x/y:z docker.io/library/alpine:latest localhost:5000/a/b:latest');
    assert.equal(await env.runOk(['images', '-q', 'one']), `${other.slice(0, 12)}\n`);
  });

  test('untag removes exactly the normalized names given, or all names', async () => {
    assert.equal(await env.runOk(['untag', id, 'two:2', 'docker.io/alpine']), '');
    assert.equal(await names(), 'localhost/img:latest quay.io/x/y:z localhost:5000/a/b:latest');
    await env.runOk(['image', 'untag', 'img']);
    assert.equal(await names(), '');
    assert.equal(await env.runOk(['images', '-q', '--no-trunc', '--filter', 'dangling=true']), `sha256:${id}\n`);
    assert.equal((await env.runOk(['images', '--format', '{{.History}}', '--filter', 'dangling=true'])).trim(), 'localhost:5000/a/b:latest, docker.io/library/alpine:latest, quay.io/x/y:z, localhost/two:2, localhost/one:latest, localhost/img:latest');
    await env.runOk(['tag', id, 'img']);
  });

  test('errors name what was wrong, as Podman does', async () => {
    const cases: [string[], string][] = [
      [['tag'], 'requires at least 2 arg(s), only received 0'],
      [['tag', 'img'], 'requires at least 2 arg(s), only received 1'],
      [['tag', 'nothing', 'x'], 'nothing: image not known'],
      [['tag', 'img', 'BAD'], 'normalizing name "BAD": normalizing name "BAD": repository name must be lowercase'],
      [['tag', 'img', 'Foo/bar'], 'normalizing name "Foo/bar": invalid reference format: repository name must be lowercase'],
      [['tag', 'img', 'a b'], 'normalizing name "a b": normalizing name "a b": invalid reference format'],
      [['tag', 'img', 'x@sha256:344c97cf9944ca8c550614885056563a0ed85b04e4cbae5ca0de205b6684785d'], 'x@sha256:344c97cf9944ca8c550614885056563a0ed85b04e4cbae5ca0de205b6684785d: tag by digest not supported'],
      [['untag'], 'requires at least 1 arg(s), only received 0'],
      [['untag', 'nothing'], 'nothing: image not known'],
      [['untag', 'img', 'nothere'], 'localhost/nothere:latest: tag not known'],
      [['untag', 'img', 'y:z'], 'localhost/y:z: tag not known'],
    ];
    for (const [args, message] of cases) {
      const r = await env.run(args);
      assert.equal(r.code, 125, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '));
    }
  });
});

describe('rmi', () => {
  const env = new SkiffEnv();
  after(() => env.cleanup());

  test('removing one name of several only untags it', async () => {
    const id = await importImage(env, 'multi');
    await env.runOk(['tag', 'multi', 'alias1', 'alias2']);
    const r = await env.run(['rmi', 'alias1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Untagged: localhost/alias1:latest\n');
    assert.equal(await env.runOk(['image', 'exists', id]), '');
  });

  test('by ID with several names it fails without --force', async () => {
    const id = await imageId(env, 'multi');
    for (const ref of [id, id.slice(0, 12), `sha256:${id}`]) {
      const r = await env.run(['rmi', ref]);
      assert.equal(r.code, 125);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `Error: unable to delete image "${id}" by ID with more than one tag ([localhost/multi:latest localhost/alias2:latest]): please force removal\n`);
    }
    const f = await env.run(['rmi', '-f', id.slice(0, 12)]);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, `Untagged: localhost/multi:latest\nUntagged: localhost/alias2:latest\nDeleted: ${id}\n`);
    const gone = await env.run(['image', 'exists', id]);
    assert.equal(gone.code, 1);
  });

  test('the last name removes the image', async () => {
    const id = await importImage(env, 'single');
    const r = await env.run(['image', 'rm', 'single']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Untagged: localhost/single:latest\nDeleted: ${id}\n`);
  });

  test('unknown images: exit 1, one error or a list; --ignore skips them', async () => {
    const one = await env.run(['rmi', 'nothing']);
    assert.equal(one.code, 1);
    assert.equal(one.stdout, '');
    assert.equal(one.stderr, 'Error: nothing: image not known\n');

    await importImage(env, 'keep');
    await env.runOk(['tag', 'keep', 'drop']);
    const some = await env.run(['rmi', 'nothing', 'drop', 'nothing2']);
    assert.equal(some.code, 1);
    assert.equal(some.stdout, 'Untagged: localhost/drop:latest\n');
    assert.equal(some.stderr, 'Error: 2 errors occurred:\n\t* nothing: image not known\n\t* nothing2: image not known\n');

    const ignored = await env.run(['rmi', '-i', 'nothing']);
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.equal(ignored.stdout + ignored.stderr, '');
  });

  test('argument errors', async () => {
    const none = await env.run(['rmi']);
    assert.equal(none.code, 125);
    assert.equal(none.stderr, 'Error: image name or ID must be specified\n');
    const both = await env.run(['rmi', '-a', 'keep']);
    assert.equal(both.code, 125);
    assert.equal(both.stderr, 'Error: when using the --all switch, you may not pass any images names or IDs\n');
  });

  test('--all removes every image', async () => {
    const keep = await imageId(env, 'keep');
    const r = await env.run(['rmi', '-a']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Untagged: localhost/keep:latest\nDeleted: ${keep}\n`);
    assert.equal(await env.runOk(['images', '-a', '-q']), '');
  });
});

describe('image exists', () => {
  const env = new SkiffEnv();
  let id = '';
  before(async () => {
    id = await importImage(env, 'present');
  });
  after(() => env.cleanup());

  test('exits 0 for a name, ID or prefix, 1 otherwise, silently', async () => {
    for (const ref of ['present', 'localhost/present:latest', id, id.slice(0, 12), `sha256:${id}`]) {
      const r = await env.run(['image', 'exists', ref]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], ref);
    }
    const r = await env.run(['image', 'exists', 'absent']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', '']);
  });

  test('takes exactly one argument', async () => {
    const none = await env.run(['image', 'exists']);
    assert.deepEqual([none.code, none.stderr], [125, 'Error: accepts 1 arg(s), received 0\n']);
    const two = await env.run(['image', 'exists', 'a', 'b']);
    assert.deepEqual([two.code, two.stderr], [125, 'Error: accepts 1 arg(s), received 2\n']);
  });
});
