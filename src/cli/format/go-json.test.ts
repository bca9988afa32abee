// Expected strings were produced by Go 1.19's encoding/json (Marshal, MarshalIndent and an
// Encoder with SetEscapeHTML(false)) and by Podman 4.3.1's list commands (json-iterator).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { jsonString, marshalJSON } from './go-json.ts';

const sample = { a: [1, 2], b: {}, c: [], d: null, e: '<&>', f: 1.5, g: true };

test('indented like json.MarshalIndent, HTML escaped by default', () => {
  assert.equal(marshalJSON(sample, { indent: '    ' }),
    '{\n    "a": [\n        1,\n        2\n    ],\n    "b": {},\n    "c": [],\n    "d": null,\n    "e": "\\u003c\\u0026\\u003e",\n    "f": 1.5,\n    "g": true\n}');
  assert.equal(marshalJSON(sample, { indent: '    ', escapeHTML: false }).split('\n')[8], '    "e": "<&>",');
  assert.equal(marshalJSON([{ x: { y: [] } }], { indent: '  ' }), '[\n  {\n    "x": {\n      "y": []\n    }\n  }\n]');
  assert.equal(marshalJSON([], { indent: '    ' }), '[]');
});

test('compact like json.Marshal', () => {
  assert.equal(marshalJSON(sample), '{"a":[1,2],"b":{},"c":[],"d":null,"e":"\\u003c\\u0026\\u003e","f":1.5,"g":true}');
  assert.equal(marshalJSON({}), '{}');
});

test('json-iterator writes an indented empty object over three lines', () => {
  assert.equal(marshalJSON([{ Labels: {}, Mounts: [], Options: { a: 'b' } }], { indent: '  ', jsoniter: true }),
    '[\n  {\n    "Labels": {\n      \n    },\n    "Mounts": [],\n    "Options": {\n      "a": "b"\n    }\n  }\n]');
  assert.equal(marshalJSON({}, { jsoniter: true }), '{}');
});

test('strings and numbers as Go writes them', () => {
  assert.equal(marshalJSON('\u2028\x7f\x00é'), '"\\u2028\x7f\\u0000é"');
  assert.equal(jsonString('\b\f\n\r\t"\\'), '"\\u0008\\u000c\\n\\r\\t\\"\\\\"');
  assert.equal(jsonString('\ud800x'), '"\\ufffdx"');
  assert.equal(marshalJSON([1e21, 1e-7, 0.1, 123456789, -0.5, 10n]), '[1e+21,1e-7,0.1,123456789,-0.5,10]');
  assert.throws(() => marshalJSON(NaN), InvalidArgumentError);
});

test('objects keep their order; Maps are sorted; undefined and functions are left out', () => {
  assert.equal(marshalJSON({ z: 1, a: 2, u: undefined, f: () => 1 }), '{"z":1,"a":2}');
  assert.equal(marshalJSON(new Map<string, unknown>([['z', 1], ['a', [undefined]]])), '{"a":[null],"z":1}');
  assert.equal(marshalJSON({ When: new Date(Date.UTC(2026, 10, 29, 19, 35, 49, 120)) }), '{"When":"2026-11-29T19:35:49.12Z"}');
  assert.equal(marshalJSON({ v: { toJSON: () => 'custom' } }), '{"v":"custom"}');
});
