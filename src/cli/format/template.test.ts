// Expected strings were produced by Go 1.19's text/template with containers/common's
// report functions, executing the same templates against the same data decoded from JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../define/errors.ts';
import { GoTemplate, enforceRange, hasTable, isJSONFormat, normalizeFormat } from './template.ts';

const data = {
  ID: 'abc123',
  Names: ['c1', 'c2'],
  Labels: { a: '1', 'b.c': '2' },
  Size: 1987685,
  F: 2.5,
  Nested: { Inner: { X: 'deep' }, Arr: [{ N: 'n0' }, { N: 'n1' }] },
  Empty: '',
  Zero: 0,
  T: true,
  Fl: false,
  Nil: null,
  S: 'héllo wörld',
};

function run(text: string, dot: unknown = data): string {
  return new GoTemplate(text).execute(dot);
}

function cases(table: [string, string][]): void {
  for (const [text, want] of table) assert.equal(run(text), want, text);
}

test('fields, maps, slices and Go’s printing of values', () => {
  cases([
    ['{{.ID}}', 'abc123'],
    ['{{.Names}}', '[c1 c2]'],
    ['{{.Labels}}', 'map[a:1 b.c:2]'],
    ['{{.Nested}}', 'map[Arr:[map[N:n0] map[N:n1]] Inner:map[X:deep]]'],
    ['{{.Nested.Inner.X}}', 'deep'],
    ['{{.Labels.a}}', '1'],
    ['{{.T}} {{.Fl}} {{.Zero}} {{.F}} {{.Size}}', 'true false 0 2.5 1987685'],
    ['{{.Nil}}|{{.Missing}}|{{.Nested.Missing}}|{{.Missing.x.y}}', '<no value>|<no value>|<no value>|<no value>'],
    ['{{$.Nested.Inner.X}}', 'deep'],
    ['{{$x := .Nested}}{{$x.Inner.X}}', 'deep'],
    ['{{(index .Nested.Arr 1).N}}', 'n1'],
    ['text only', 'text only'],
    ['', ''],
    ['{{"{{"}}', '{{'],
  ]);
  assert.equal(run('{{.}}', [1, 2.5, 'x', true, null, { k: [1] }]), '[1 2.5 x true <nil> map[k:[1]]]');
  assert.equal(run('{{.}}', null), '<no value>');
  assert.equal(run('{{.x}}', null), '<no value>');
  assert.equal(run('{{.}} {{.}}', 0.1), '0.1 0.1');
  assert.equal(run('{{.}}', -0.000012), '-1.2e-05');
  assert.equal(run('{{.}}', 123456789.25), '1.2345678925e+08');
  assert.equal(run('{{.}}', new Map([['b', 2], ['a', 1]])), 'map[a:1 b:2]');
});

test('control structures: if, else if, with, range, break, continue', () => {
  cases([
    ['{{if and .ID .Names}}both{{end}}', 'both'],
    ['{{if or .Empty .Zero}}y{{else}}n{{end}}', 'n'],
    ['{{if not .Fl}}nf{{end}}', 'nf'],
    ['{{if .Nil}}x{{else}}nil-false{{end}}', 'nil-false'],
    ['{{if .Empty}}a{{else if .Zero}}b{{else if .T}}c{{else}}d{{end}}', 'c'],
    ['{{with .Nested.Inner}}{{.X}}{{end}}', 'deep'],
    ['{{with .Missing}}x{{else}}{{.ID}}{{end}}', 'abc123'],
    ['{{range .Nested.Arr}}{{.N}} {{end}}', 'n0 n1 '],
    ['{{range $i, $x := .Names}}{{$i}}:{{$x}} {{end}}', '0:c1 1:c2 '],
    ['{{range $e := .Names}}{{$e}}{{end}}{{$.ID}}', 'c1c2abc123'],
    ['{{range $k, $v := .Labels}}{{$k}}={{$v}}\n{{end}}', 'a=1\nb.c=2\n'],
    ['{{range .Labels}}{{.}}{{end}}', '12'],
    ['{{range .Nested.Arr}}{{$.ID}}-{{.N}} {{end}}', 'abc123-n0 abc123-n1 '],
    ['{{range .Missing}}x{{else}}empty{{end}}|{{range .Nil}}x{{end}}', 'empty|'],
    ['{{range .Names}}{{if eq . "c2"}}{{break}}{{end}}{{.}}{{end}}', 'c1'],
    ['{{range .Names}}{{if eq . "c1"}}{{continue}}{{end}}{{.}}{{end}}', 'c2'],
  ]);
  assert.equal(run('{{range .}}{{.}}{{end}}', { b: 2, a: 1, c: 3 }), '123');
  assert.equal(run('{{range $i, $e := .}}{{$i}}{{$e.Name}}{{end}}', [{ Name: 'a' }, { Name: 'b' }]), '0a1b');
});

test('variables and pipelines', () => {
  cases([
    ['{{$x := .ID}}{{$x = "new"}}{{$x}}', 'new'],
    ['{{$x := 1}}{{$x := 2}}{{$x}}', '2'],
    ['{{$x := 1}}{{if true}}{{$x = 3}}{{$y := 4}}{{end}}{{$x}}', '3'],
    ['{{with $x := .ID}}{{$x}}{{end}}', 'abc123'],
    ['{{.ID | upper | lower}}', 'abc123'],
    ['{{.ID | printf "%q"}}', '"abc123"'],
    ['{{"a" | printf "%s%s" "b"}}', 'ba'],
    ['{{.Names | len | printf "%03d"}}', '002'],
    ['{{(printf "%s-%s" .ID "x") | upper}}', 'ABC123-X'],
    ['{{index .Names 0 | printf "%s!"}}', 'c1!'],
    ['{{ .ID | printf "%s" | printf "%s" }}', 'abc123'],
    ['{{.ID | }}', 'abc123'],
  ]);
});

test('trim markers and comments', () => {
  cases([
    ['{{- .ID -}}', 'abc123'],
    ['  {{- .ID}}  ', 'abc123  '],
    ['{{.ID -}}  \n  x', 'abc123x'],
    ['{{/* comment */}}a{{- /* c2 */ -}} b', 'ab'],
    ['{{range .Names -}} {{.}} {{- end}}', 'c1c2'],
    ['{{- 3}}|{{3 -}}|{{-3}}|{{ -3 }}|{{- -3 -}}', '3|3|-3|-3|-3'],
  ]);
});

test('literals', () => {
  cases([
    ['{{1.5}} {{0x10}} {{1_000}} {{\'a\'}} {{-3}} {{true}}', '1.5 16 1000 97 -3 true'],
    ['{{0b101}} {{0o17}} {{017}} {{0x_1F}} {{1_0.5}}', '5 15 15 31 10.5'],
    ['{{"\\x41\\101\\u00e9\\n"}}', 'AAé\n'],
    ["{{'\\''}}", '39'],
    ['{{`a\r\nb`}}', 'a\nb'],
    ['{{"a\\tb"}} {{`raw\\n`}}', 'a\tb raw\\n'],
  ]);
});

test('comparison and logic builtins', () => {
  cases([
    ['{{eq .Size 1987685}} {{eq .ID "x" "abc123"}} {{ne .ID "x"}} {{lt .ID "b"}} {{gt .Size 1000}} {{le .F 2.5}}', 'true true true true true true'],
    ['{{eq .Nil .Missing}} {{eq .ID .Nil}} {{eq .Missing "x"}}', 'true false false'],
    ['{{and .Zero .ID}}|{{or .Zero .Empty}}|{{and .ID .Size}}|{{or .ID .Size}}', '0||1987685|abc123'],
    // and/or stop at the deciding argument: the rest is never evaluated.
    ['{{or .ID (index .Names 9)}}', 'abc123'],
    ['{{and 1 .Missing.x}}', '<no value>'],
  ]);
});

test('len, index, slice, print family, html, js, urlquery', () => {
  cases([
    ['{{len .Names}}/{{len .Labels}}/{{len .ID}}/{{len .S}}', '2/2/6/13'],
    ['{{index .Nested.Arr 1}}', 'map[N:n1]'],
    ['{{index .Labels "b.c"}}|{{index .Labels "nope"}}|', '2||'],
    ['{{index .ID 1}}', '98'],
    ['{{slice .ID 1 3}}|{{slice .Names 1}}', 'bc|[c2]'],
    ['{{printf "%-10s|%5d|%.2f" .ID .Size .F}}', 'abc123    |1987685|2.50'],
    ['{{printf "%v %s" .Labels .Names}}', 'map[a:1 b.c:2] [c1 c2]'],
    ['{{printf "%d%%" 50}}|{{printf "%[2]s %[1]s" "a" "b"}}|{{printf "%x" .ID}}', '50%|b a|616263313233'],
    ['{{printf "%T %T %T" .Labels .Nested .Nested.Arr}}', 'map[string]string map[string]interface {} []interface {}'],
    ['{{print .ID .Size .F .T}}', 'abc1231987685 2.5 true'],
    ['{{println .ID .Size}}', 'abc123 1987685\n'],
    ['{{print .Missing}}|{{print .Nil}}', '<nil>|<nil>'],
    ['{{html "<a href=\'x\'>&\\""}} {{js "<a \'b\' \\"c\\">"}} {{urlquery "a b&c=d/é"}}',
      '&lt;a href=&#39;x&#39;&gt;&amp;&#34; \\u003Ca \\\'b\\\' \\"c\\"\\u003E a+b%26c%3Dd%2F%C3%A9'],
  ]);
});

test('Podman’s functions: join json lower pad split title truncate upper', () => {
  cases([
    ['{{join .Names ", "}}|{{join .Missing ","}}|', 'c1, c2||'],
    ['{{json .Names}} {{json .Labels}} {{json .ID}} {{json .Nil}} {{json .Size}}', '["c1","c2"] {"a":"1","b.c":"2"} "abc123" null 1987685'],
    ['{{truncate .ID 3}}|{{truncate .ID 30}}|{{truncate .ID 0}}', 'abc|abc123|'],
    ['{{title .S}}|{{title "hello wOrld-foo bar_baz"}}', 'Héllo Wörld|Hello WOrld-Foo Bar_baz'],
    ['{{upper .S}}|{{lower "ABC"}}', 'HÉLLO WÖRLD|abc'],
    ['{{split .ID "1"}}|{{split "a,b,c" ","}}', '[abc 23]|[a b c]'],
    ['{{pad .ID 1 2}}|{{pad .Empty 1 2}}|', ' abc123  ||'],
  ]);
  // Go's JSON encoder, but without HTML escaping (Podman turns it off).
  assert.equal(run('{{json .}}', { h: '<a&b>', u: '\u2028', c: '\u0001\b\f' }), '{"h":"<a&b>","u":"\\u2028","c":"\\u0001\\u0008\\u000c"}');
});

test('function-valued fields are methods; objects with toString are Stringers', () => {
  const report = {
    Name: 'x',
    Upper(): string {
      return this.Name.toUpperCase();
    },
    Join(sep: string, more: string): string {
      return ['a', 'b', more].join(sep);
    },
  };
  assert.equal(run('{{.Upper}} {{.Join "-" "c"}} {{"z" | .Join "+"}}', report), 'X a-b-c a+b+z');
  class Ref {
    toString(): string {
      return 'ref!';
    }
  }
  assert.equal(run('{{.R}} {{printf "%s" .R}}', { R: new Ref() }), 'ref! ref!');
  assert.equal(run('{{.When}}', { When: new Date(Date.UTC(2026, 10, 29, 19, 29, 7, 120)) }), '2026-11-29 19:29:07.12 +0000 UTC');
});

test('Podman-shaped JSON keys answer Go field names', () => {
  assert.equal(run('{{.ID}} {{.NetworkInterface}} {{.DNSEnabled}}', { Id: 'i', network_interface: 'podman0', dns_enabled: false }), 'i podman0 false');
});

test('extra functions', () => {
  const t = new GoTemplate('{{double .N}}', { funcs: { double: { params: ['int'], fn: (n) => (n as number) * 2 } } });
  assert.equal(t.execute({ N: 21 }), '42');
  assert.deepEqual(new GoTemplate('{{.A}}{{if .B.C}}{{.D | upper}}{{end}}{{$.E}}').fieldNames(), ['A', 'B', 'D']);
});

function throwsInvalid(text: string, message: string, dot: unknown = data): void {
  assert.throws(() => run(text, dot), (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, text);
    assert.equal(err.message, message, text);
    return true;
  });
}

test('parse errors read like Go’s', () => {
  const p = (m: string): string => `template: format:1: ${m}`;
  throwsInvalid('{{foo}}', p('function "foo" not defined'));
  throwsInvalid('{{.a', p('unclosed action'));
  throwsInvalid('{{if .a}}', p('unexpected EOF'));
  throwsInvalid('{{end}}', p('unexpected {{end}}'));
  throwsInvalid('{{else}}', p('unexpected {{else}}'));
  throwsInvalid('{{$x}}', p('undefined variable "$x"'));
  throwsInvalid('{{"abc}}', p('unterminated quoted string'));
  throwsInvalid('{{if}}{{end}}', p('missing value for if'));
  throwsInvalid('{{range .Names}}{{else}}{{else}}{{end}}', p('expected end; found {{else}}'));
  throwsInvalid('{{.ID.}}', p('unexpected <.> in operand'));
  throwsInvalid('{{.ID | "x"}}', p('non executable command in pipeline stage 2'));
  throwsInvalid('{{with .ID}}{{else if .ID}}{{end}}', p('unexpected <if> in input'));
  throwsInvalid('{{"\\q"}}', p('invalid syntax'));
  throwsInvalid("{{'ab'}}", p("malformed character constant: 'ab'"));
  throwsInvalid('{{09}}', p('integer overflow: "09"'));
  throwsInvalid('{{1.2.3}}', p('unexpected ".3" in operand'));
  throwsInvalid('{{.ID)}}', p('unexpected ")" in command'));
  throwsInvalid('{{(.ID}}', p('unclosed left paren'));
  throwsInvalid('{{| .ID}}', p('unexpected "|" in command'));
  throwsInvalid('{{$x, $y := .Names}}', p('too many declarations in command'));
  throwsInvalid('{{range $x, $y, $z := .Names}}{{end}}', p('too many declarations in range'));
  throwsInvalid('{{break}}', p('{{break}} outside {{range}}'));
  throwsInvalid('a\n{{/* x */ }}', 'template: format:2: comment ends before closing delimiter');
});

test('execution errors read like Go’s, with line:column and the failing node', () => {
  const e = (at: string, m: string, col = 2): string => `template: format:1:${col}: executing "format" at <${at}>: ${m}`;
  throwsInvalid('{{nil}}', e('nil', 'nil is not a command'));
  throwsInvalid('{{.ID 1}}', e('.ID', 'ID is not a method but has arguments'));
  throwsInvalid('{{1 2}}', e('1', "can't give argument to non-function 1"));
  throwsInvalid('{{.Missing | upper}}', e('upper', 'invalid value; expected string', 13));
  throwsInvalid('{{join .ID ","}}', e('.ID', 'wrong type for value; expected []string; got string', 7));
  throwsInvalid('{{truncate .ID "3"}}', e('"3"', 'expected integer; found "3"', 15));
  throwsInvalid('{{printf}}', e('printf', 'wrong number of args for printf: want at least 1 got 0'));
  throwsInvalid('{{len 1 2}}', e('len', 'wrong number of args for len: want 1 got 2'));
  throwsInvalid('{{index .Names 3}}', e('index .Names 3', 'error calling index: index out of range: 3'));
  throwsInvalid('{{index .Names 2}}', e('index .Names 2', 'error calling index: reflect: slice index out of range'));
  throwsInvalid('{{index .Names "x"}}', e('index .Names "x"', 'error calling index: cannot index slice/array with type string'));
  throwsInvalid('{{index .Labels 1}}', e('index .Labels 1', 'error calling index: value has type int; should be string'));
  throwsInvalid('{{index .Missing "x"}}', e('index .Missing "x"', 'error calling index: index of untyped nil'));
  throwsInvalid('{{slice .ID 3 1}}', e('slice .ID 3 1', 'error calling slice: invalid slice index: 3 > 1'));
  throwsInvalid('{{call .ID}}', e('call .ID', 'error calling call: non-function of type string'));
  throwsInvalid('{{eq .ID 5}}', e('eq .ID 5', 'error calling eq: incompatible types for comparison'));
  throwsInvalid('{{lt .T .T}}', e('lt .T .T', 'error calling lt: invalid type for comparison'));
  throwsInvalid('{{eq .Names .Names}}', e('eq .Names .Names', 'error calling eq: non-comparable type [c1 c2]: []string'));
  throwsInvalid('{{.ID | len | len}}', e('len', 'error calling len: len of type int', 14));
  throwsInvalid('{{range .ID}}{{end}}', e('.ID', "range can't iterate over abc123", 8));
  throwsInvalid('{{.Nil.z}}', e('.Nil.z', 'nil pointer evaluating interface {}.z', 6));
  // Go names the static type (interface {} for JSON-decoded data); skiff the value's.
  throwsInvalid('{{.ID.b}}', e('.ID.b', "can't evaluate field b in type string", 5));
  throwsInvalid('x\n {{.ID 2}}', 'template: format:2:3: executing "format" at <.ID>: ID is not a method but has arguments');
});

test('normalizeFormat follows Podman', () => {
  assert.equal(normalizeFormat('{{.ID}}\\t{{.Name}}'), '{{.ID}}\t{{.Name}}\n');
  assert.equal(normalizeFormat('{{.ID}}\\n'), '{{.ID}}\n');
  assert.equal(normalizeFormat('{{.ID}} {{.Name}}\n'), '{{.ID}} {{.Name}}\n');
  // Tables lose every "table " and every space becomes a tab, even inside actions.
  assert.equal(normalizeFormat('table {{.ID}} {{ .Name }}\\t{{.Portable }}'), '{{.ID}}\t{{\t.Name\t}}\t{{.Por}}\n');
});

test('enforceRange, isJSONFormat, hasTable', () => {
  assert.equal(enforceRange('{{.ID}}\n'), '{{range .}}{{.ID}}\n{{end -}}');
  assert.equal(enforceRange('{{ range . }}{{.ID}}{{ end }}'), '{{ range . }}{{.ID}}{{ end }}');
  assert.equal(enforceRange('{{range .Names}}{{.}}{{end}}'), '{{range .}}{{range .Names}}{{.}}{{end}}{{end -}}');
  for (const f of ['json', ' json ', '{{json .}}', '{{ json }}', '{{json . }}']) assert.equal(isJSONFormat(f), true, f);
  for (const f of ['{{json .ID}}', 'JSON', 'table json', '{{json .}}x']) assert.equal(isJSONFormat(f), false, f);
  assert.equal(hasTable('table {{.ID}}'), true);
  assert.equal(hasTable('table'), false);
});
