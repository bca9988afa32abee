// Expected strings are Podman 4.3.1's own output for the same data (podman images,
// volume inspect, ...) or containers/common report.Formatter's output, run side by side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { formatInspect, formatReports, normalizeInspectFormat, splitCamelCase } from './printer.ts';

const images = [
  { Repository: 'localhost/bb', Tag: '1', ID: '288fbb4b6d58', Created: 'Less than a second ago', Size: '1.99 MB' },
  { Repository: 'localhost/other', Tag: 'latest', ID: '288fbb4b6d58', Created: 'Less than a second ago', Size: '1.99 MB' },
];
const imagesFormat = '{{range . }}{{if .Repository}}{{.Repository}}{{else}}<none>{{end}}\t{{if .Tag}}{{.Tag}}{{else}}<none>{{end}}\t{{.ID}}\t{{.Created}}\t{{.Size}}\n{{end -}}';
const imageHeaders = { ID: 'IMAGE ID', ReadOnly: 'R/O' };

test('the default format is a table with headers (podman images)', () => {
  assert.equal(formatReports(images, { defaultFormat: imagesFormat, headers: imageHeaders }),
    'REPOSITORY       TAG         IMAGE ID      CREATED                 SIZE\n' +
    'localhost/bb     1           288fbb4b6d58  Less than a second ago  1.99 MB\n' +
    'localhost/other  latest      288fbb4b6d58  Less than a second ago  1.99 MB\n');
  assert.equal(formatReports(images, { defaultFormat: 'table {{.Repository}}\t{{.Tag}}', noHeading: true }),
    'localhost/bb     1\nlocalhost/other  latest\n');
  assert.equal(formatReports([], { defaultFormat: 'table {{.Repository}}\t{{.ID}}', headers: imageHeaders }),
    'REPOSITORY  IMAGE ID\n');
});

test('a user table: spaces separate columns, headers come from the field names', () => {
  const items = [{ ID: '288fbb4b6d58', Labels: { x: '<y>' }, Names: ['localhost/bb:1', 'localhost/other:latest'], ReadOnly: false, VirtualSize: 1987685, Repository: 'localhost/bb' }];
  assert.equal(formatReports(items, { format: 'table {{.ID}} {{.Labels}} {{.Names}} {{.ReadOnly}} {{.VirtualSize}} {{.Repository}}', defaultFormat: imagesFormat, headers: imageHeaders }),
    'IMAGE ID      LABELS      NAMES                                    R/O         VIRTUAL SIZE  REPOSITORY\n' +
    '288fbb4b6d58  map[x:<y>]  [localhost/bb:1 localhost/other:latest]  false       1987685       localhost/bb\n');
  assert.equal(formatReports(images, { format: 'table {{.Repository}}:{{.Tag}}', defaultFormat: '' }),
    'REPOSITORY:TAG\nlocalhost/bb:1\nlocalhost/other:latest\n');
  assert.equal(formatReports(images, { format: 'table {{printf "%s-%s" .Repository .Tag}}', defaultFormat: '' }),
    'REPOSITORY-TAG\nlocalhost/bb-1\nlocalhost/other-latest\n');
  assert.equal(formatReports(images, { format: 'table {{.Repository}}\t{{.Tag}}\t', defaultFormat: '' }),
    'REPOSITORY       TAG         \nlocalhost/bb     1           \nlocalhost/other  latest      \n');
});

test('a user format without "table": once per item, no header, no alignment', () => {
  const run = (format: string): string => formatReports(images, { format, defaultFormat: imagesFormat, headers: imageHeaders });
  assert.equal(run('{{.ID}}'), '288fbb4b6d58\n288fbb4b6d58\n');
  assert.equal(run('{{.ID}} {{.Repository}}'), '288fbb4b6d58 localhost/bb\n288fbb4b6d58 localhost/other\n');
  assert.equal(run('{{.ID}}\\t{{.Repository}}'), '288fbb4b6d58\tlocalhost/bb\n288fbb4b6d58\tlocalhost/other\n');
  assert.equal(run('{{.ID}}\\n'), '288fbb4b6d58\n288fbb4b6d58\n');
  assert.equal(run('{{range .}}{{.ID}} {{end}}'), '288fbb4b6d58 288fbb4b6d58 \n');
  // The typed \n breaks the quoted string, so the format is parsed again as typed.
  assert.equal(run('{{printf "%s\\n" .ID}}'), '288fbb4b6d58\n288fbb4b6d58\n');
  assert.equal(formatReports([], { format: '{{.ID}}', defaultFormat: imagesFormat }), '');
});

test('--format json prints the whole list', () => {
  const items = [{ Id: 'a', Labels: { x: '<y>' } }];
  const want = '[\n    {\n        "Id": "a",\n        "Labels": {\n            "x": "\\u003cy\\u003e"\n        }\n    }\n]\n';
  assert.equal(formatReports(items, { format: 'json', defaultFormat: '' }), want);
  assert.equal(formatReports(items, { format: '{{json .}}', defaultFormat: '' }), want);
  assert.equal(formatReports([], { format: 'json', defaultFormat: '' }), '[]\n');
  assert.equal(formatReports(items, { format: 'json', defaultFormat: '', jsonValue: [{ other: 1 }], json: { indent: '  ', jsoniter: true } }),
    '[\n  {\n    "other": 1\n  }\n]\n');
  assert.equal(formatReports(items, { format: '{{json .Labels}}', defaultFormat: '' }), '{"x":"<y>"}\n');
});

test('template errors are invalid arguments named after the command (as podman images prints them)', () => {
  const fails = (format: string, message: string): void => {
    assert.throws(() => formatReports(images, { format, defaultFormat: '', name: 'images' }),
      (err: unknown) => err instanceof InvalidArgumentError && err.message === message);
  };
  fails('{{.ID', "template: images:1: bad character U+007B '{'");
  fails('{{.ID}', "template: images:1: bad character U+007D '}'");
  fails('table {{.ID', "template: images:1: bad character U+007B '{'");
});

const volumes = [
  { Name: 'vol1', Driver: 'local', CreatedAt: '2026-11-29T19:35:43.835184343Z', Labels: { a: '<x>&', b: '2' }, Scope: 'local', Options: {}, MountCount: 0 },
  { Name: 'vol2', Driver: 'local', CreatedAt: '2026-11-29T19:35:43.86739358Z', Labels: {}, Scope: 'local', Options: {}, MountCount: 0 },
];

test('inspect without a format: Podman’s encoder (5 spaces, no HTML escaping)', () => {
  assert.equal(formatInspect(volumes.slice(0, 1)),
    '[\n     {\n          "Name": "vol1",\n          "Driver": "local",\n          "CreatedAt": "2026-11-29T19:35:43.835184343Z",\n' +
    '          "Labels": {\n               "a": "<x>&",\n               "b": "2"\n          },\n          "Scope": "local",\n' +
    '          "Options": {},\n          "MountCount": 0\n     }\n]\n');
  assert.equal(formatInspect([]), '[]\n');
  assert.equal(formatInspect(volumes.slice(1), 'json'), formatInspect(volumes.slice(1)));
});

test('inspect with a format: once per item (podman volume inspect --format)', () => {
  assert.equal(
    formatInspect(volumes, '{{.Name}}|{{.Labels}}|{{json .Labels}}|{{index .Labels "a"}}|{{.Options}}|{{len .Labels}}'),
    'vol1|map[a:<x>& b:2]|{"a":"<x>&","b":"2"}|<x>&|map[]|2\nvol2|map[]|{}||map[]|0\n');
  assert.equal(formatInspect(volumes, 'table {{.Name}} {{.Driver}}'), 'vol1        local\nvol2        local\n');
  assert.equal(formatInspect(volumes, '{{range .}}{{.Name}},{{end}}'), 'vol1,vol2,\n');
  assert.equal(formatInspect(volumes, '{{.Name}}\\t{{.Scope}}\\n'), 'vol1\tlocal\nvol2\tlocal\n');
  assert.equal(formatInspect(volumes, '{{.Name}}', { name: 'volume' }), 'vol1\nvol2\n');
});

test('inspect formats use Docker’s field names', () => {
  assert.equal(normalizeInspectFormat('{{ .Id }} {{.ImageID}} {{range .Mounts}}{{.Src}}:{{.Dst}}{{end}}'),
    '{{.ID}} {{.Image}} {{range .Mounts}}{{.Source}}:{{.Destination}}{{end}}');
  assert.equal(normalizeInspectFormat('{{.Config.Healthcheck}}', 'image'), '{{.HealthCheck}}');
  assert.equal(normalizeInspectFormat('{{.Config.Healthcheck}}', 'container'), '{{.Config.Healthcheck}}');
  assert.equal(formatInspect([{ Id: 'abc', Image: 'sha' }], '{{.Id}} {{.ImageID}}'), 'abc sha\n');
});

test('headers split camel case as containers/common does', () => {
  const want: [string, string][] = [
    ['ID', 'ID'], ['ImageID', 'Image ID'], ['CreatedAt', 'Created At'], ['IPv6Enabled', 'I Pv 6 Enabled'],
    ['NetworkInterface', 'Network Interface'], ['HTTPServer', 'HTTP Server'], ['A1B2', 'A 1 B 2'], ['PIDs', 'PI Ds'],
    ['CPUPerc', 'CPU Perc'], ['lowerCase', 'lower Case'], ['snake_case', 'snake _ case'], ['URLs2Go', 'UR Ls 2 Go'],
    ['ÉtéSun', 'Été Sun'],
  ];
  for (const [name, words] of want) assert.equal(splitCamelCase(name).join(' '), words, name);
});
