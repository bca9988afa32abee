import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toYaml, yamlKeyLess } from './yaml.ts';

test('go-yaml key order: non-letters before letters, letters by code point, numbers by value', () => {
  const sorted = ['b', 'a10', 'A', 'a2', 'Built', 'BuiltTime', 'a', '_x'].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
  assert.deepEqual(sorted, ['_x', 'A', 'Built', 'BuiltTime', 'a', 'a2', 'a10', 'b']);
});

test('block style as Podman prints info', () => {
  const text = toYaml({
    host: { arch: 'amd64', conmon: { version: 'conmon version 2.1.6, commit: unknown' }, list: ['x', 'y', 'z'], none: null, empty: [], version: 'a\nb' },
    registries: {},
    version: { GitCommit: '', Built: 0, Version: '12', Native: 'true', uidmap: [{ container_id: 0, host_id: 1000, size: 1 }] },
  });
  assert.equal(
    text,
    [
      'host:',
      '  arch: amd64',
      '  conmon:',
      "    version: 'conmon version 2.1.6, commit: unknown'",
      '  empty: []',
      '  list:',
      '  - x',
      // YAML 1.1 reads a bare y as true
      '  - "y"',
      '  - z',
      '  none: null',
      '  version: |-',
      '    a',
      '    b',
      'registries: {}',
      'version:',
      '  Built: 0',
      '  GitCommit: ""',
      '  Native: "true"',
      '  Version: "12"',
      '  uidmap:',
      '  - container_id: 0',
      '    host_id: 1000',
      '    size: 1',
      '',
    ].join('\n'),
  );
});
