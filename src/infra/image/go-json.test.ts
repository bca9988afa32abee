import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goCompact, goJsonString, goMarshal, rawObjectMembers, RawJson, sortedKeys } from './go-json.ts';

test('strings are escaped as Go escapes them', () => {
  assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonString('q"\\\n\r\t'), '"q\\"\\\\\\n\\r\\t"');
  assert.equal(goJsonString('\b\f\u0001\u001f'), '"\\u0008\\u000c\\u0001\\u001f"');
  assert.equal(goJsonString('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goJsonString('é😀/'), '"é😀/"');
  assert.equal(goJsonString('\ud800x'), '"\ufffdx"');
});

test('goMarshal keeps insertion order and drops undefined', () => {
  assert.equal(
    goMarshal({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 0 }, e: new RawJson(' { "k" : [ 1, 2 ] } ') }),
    '{"b":1,"a":[true,null,"x"],"d":{"z":0},"e":{"k":[1,2]}}',
  );
  assert.equal(goMarshal(sortedKeys({ b: 1, a: 2, 'B': 3 })), '{"B":3,"a":2,"b":1}');
});

test('goCompact strips whitespace outside strings and escapes HTML characters inside', () => {
  assert.equal(goCompact('{ "a b" : "x <y>", "c":\n [ "\\"&" ] }'), '{"a b":"x \\u003cy\\u003e","c":["\\"\\u0026"]}');
});

test('rawObjectMembers returns each member verbatim', () => {
  const members = rawObjectMembers(' {"a": {"x": "}"}, "b" :[1, "]"] , "c":null,"d":-1.5e3,"a":"last"} ');
  assert.deepEqual([...members], [
    ['a', '"last"'],
    ['b', '[1, "]"]'],
    ['c', 'null'],
    ['d', '-1.5e3'],
  ]);
  assert.deepEqual([...rawObjectMembers('{}')], []);
  assert.deepEqual([...rawObjectMembers('{"k\\u0041":"v\\"}"}')], [['kA', '"v\\"}"']]);
});
