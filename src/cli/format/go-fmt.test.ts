// Expected strings were produced by Go 1.19's fmt and strconv on the same inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quote, sprint, sprintf, sprintln } from './go-fmt.ts';
import { formatFloat } from './go-number.ts';

test('integers: widths, flags, bases', () => {
  assert.equal(
    sprintf('%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%o|%O|%b|%#x|%#o|%#b', [42, 42, 42, 42, 42, 42, 255, 255, 8, 8, 5, 255, 8, 5]),
    '42|   42|42   |00042|+42| 42|ff|FF|10|0o10|101|0xff|010|0b101',
  );
  assert.equal(
    sprintf('%d|%05d|%+05d|%x|%.3d|%8.3d|%-8.3d|%.0d|%5.0d|', [-42, -42, 42, -255, 7, 7, 7, 0, 0]),
    '-42|-0042|+0042|-ff|007|     007|007     ||     |',
  );
  assert.equal(sprintf('%-010d|%0-10d|', [5, 5]), '5         |5         |');
  assert.equal(sprintf('%v|%d', [9007199254740991, 9007199254740991]), '9007199254740991|9007199254740991');
});

test('runes', () => {
  assert.equal(sprintf('%c|%c|%q|%U|%#U|%U', [65, 0x1f600, 10, 0x1f600, 0x1f600, -1]), "A|😀|'\\n'|U+1F600|U+1F600 '😀'|U+FFFFFFFFFFFFFFFF");
});

test('strings: padding, precision, quoting, hex', () => {
  assert.equal(
    sprintf('%s|%10s|%-10s|%.2s|%5.1s|%q|%+q|%#q|%x|% x|%#x|%# X|%X', ['héllo', 'ab', 'ab', 'héllo', 'xyz', 'a"b\n\t\x01é', 'é', 'raw', 'hi', 'hi', 'hi', 'hi', 'hi']),
    'héllo|        ab|ab        |hé|    x|"a\\"b\\n\\t\\x01é"|"\\u00e9"|`raw`|6869|68 69|0x6869|0X68 0X69|6869',
  );
  assert.equal(sprintf('%#q|%q|%q', ['has`tick', '\u2028', '😀']), '"has`tick"|"\\u2028"|"😀"');
  assert.equal(sprintf('%.3s|%.10s|%.0s|', ['abcdef', 'ab', 'ab']), 'abc|ab||');
  assert.equal(sprintf('%05s|%-05s|%05q', ['ab', 'ab', 'a']), '000ab|ab   |00"a"');
  assert.equal(quote('tab\there'), '"tab\\there"');
});

test('floats', () => {
  assert.equal(
    sprintf('%f|%.2f|%8.3f|%-8.3f|%08.3f|%+.1f|% .1f|%e|%.3e|%E|%g|%G|%.3g|%10.4g|', [3.14159, 3.14159, 3.14159, 3.14159, -3.14159, 2.25, 2.35, 123456.789, 0.000123456, 1e100, 1e-7, 1e21, 1234.5678, 0.00012345]),
    '3.141590|3.14|   3.142|3.142   |-003.142|+2.2| 2.4|1.234568e+05|1.235e-04|1.000000E+100|1e-07|1E+21|1.23e+03| 0.0001234|',
  );
  assert.equal(sprintf('%g %g %g %g %g %g %g', [100000.5, 1000000.5, 0.0001, 0.00001, 1.5e300, 123456789.5, 0.1 + 0.2]),
    '100000.5 1.0000005e+06 0.0001 1e-05 1.5e+300 1.234567895e+08 0.30000000000000004');
  // Exact ties round to even, as Go does.
  assert.equal(sprintf('%.0f %.0f %.0f %.0f %.1f %.1f %.2f', [0.5, 1.5, 2.5, -0.5, 0.05, 0.25, 1.005]), '0 2 2 -0 0.1 0.2 1.00');
  assert.equal(sprintf('%8.2e|%-12.4E|%+g|% g', [12345.678, 0.000123, 5, 5]), '1.23e+04|1.2300E-04  |+5| 5');
  assert.equal(sprintf('%e %f %g', [0, 0, 0]), '0.000000e+00 0.000000 0');
  assert.equal(sprintf('%v %v %v', [1e20, -0, 1e-320]), '1e+20 -0 1e-320');
  assert.equal(sprintf('%6.2f%%', [99.5]), ' 99.50%');
});

test('formatFloat %g with a precision, as go-units uses it', () => {
  const g = (x: number, p: number): string => formatFloat(x, 'g', p);
  assert.deepEqual([g(1.125, 3), g(999.999, 3), g(0.0001234, 3), g(5, 3), g(1023.5, 4), g(1.00049, 4), g(9.9995, 4)],
    ['1.12', '1e+03', '0.000123', '5', '1024', '1', '9.999']);
  assert.deepEqual([formatFloat(NaN, 'g', -1), formatFloat(Infinity, 'f', 2), formatFloat(-Infinity, 'e', 1)], ['NaN', '+Inf', '-Inf']);
});

test('booleans, nil and composites', () => {
  assert.equal(sprintf('%t %t %v', [true, false, true]), 'true false true');
  assert.equal(sprintf('%s %d %v %x', [null, null, null, null]), '%!s(<nil>) %!d(<nil>) <nil> %!x(<nil>)');
  assert.equal(sprintf('%s', [[1, 2]]), '[%!s(int=1) %!s(int=2)]');
  assert.equal(sprintf('%d', [['a']]), '[%!d(string=a)]');
  assert.equal(sprintf('%v', [{ b: [1, 'x'], a: null }]), 'map[a:<nil> b:[1 x]]');
  assert.equal(sprintf('%v', [new Map([['z', 1], ['a', 2]])]), 'map[a:2 z:1]');
  assert.equal(sprintf('%q', [['a', 'b']]), '["a" "b"]');
  assert.equal(sprintf('%5v', [[1, 22]]), '[    1    22]');
  assert.equal(sprintf('%x', [['ab', 'c']]), '[6162 63]');
  assert.equal(sprintf('%T %T %T %T %T', ['x', 5, 1.5, ['a'], { a: 'b' }]), 'string int float64 []string map[string]string');
});

test('Go’s in-band errors', () => {
  assert.equal(sprintf('%!', []), '%!!(MISSING)');
  assert.equal(sprintf('%z', [1]), '%!z(int=1)');
  assert.equal(sprintf('%', []), '%!(NOVERB)');
  assert.equal(sprintf('%d %d', [1]), '1 %!d(MISSING)');
  assert.equal(sprintf('%d', [1, 2, 'x', null]), '1%!(EXTRA int=2, string=x, <nil>)');
  assert.equal(sprintf('%d %s %t', [1.5, 5, 'x']), '%!d(float64=1.5) %!s(int=5) %!t(string=x)');
});

test('star widths and argument indexes', () => {
  assert.equal(sprintf('%*d|%-*d|%*d', [5, 1, 3, 2, 'x', 3]), '    1|2  |%!(BADWIDTH)3');
  assert.equal(sprintf('%.*f|%.*f', [2, 3.14159, -1, 2.5]), '3.14|%!(BADPREC)2.500000');
  assert.equal(sprintf('%[1]d %[1]x %[2]*[1]d', [10, 5]), '10 a    10');
  assert.equal(sprintf('%[0]d', [1]), '%!d(BADINDEX)');
  assert.equal(sprintf('%[5]d', [1]), '%!d(BADINDEX)');
  assert.equal(sprintf('%[1]d %d %d', [1, 2]), '1 2 %!d(MISSING)');
});

test('Sprint adds spaces between non-string operands; Sprintln between all', () => {
  assert.equal(sprint([1, 2, 'a', 'b', 3]), '1 2ab3');
  assert.equal(sprint(['x', 5, 5, 'b', true, true]), 'x5 5btrue true');
  assert.equal(sprintln(['x', 5, 5, 'b']), 'x 5 5 b\n');
});

test('a Date prints as Go’s time.Time', () => {
  assert.equal(sprintf('%v|%s', [new Date(Date.UTC(2026, 10, 29, 19, 35, 49, 120)), new Date(0)]),
    '2026-11-29 19:35:49.12 +0000 UTC|1970-01-01 00:00:00 +0000 UTC');
});
