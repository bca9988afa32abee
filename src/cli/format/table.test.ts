// Expected strings were produced by Go 1.19's text/tabwriter with Podman's settings:
// tabwriter.NewWriter(w, 12, 2, 2, ' ', tabwriter.StripEscape), then Flush.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tabwrite } from './table.ts';

const cases: [string, string][] = [
  ['a\tb\tc\n', 'a           b           c\n'],
  [
    'REPOSITORY\tTAG\tIMAGE ID\nlocalhost/other\tlatest\t288fbb4b6d58\nx\ty\tz\n',
    'REPOSITORY       TAG         IMAGE ID\nlocalhost/other  latest      288fbb4b6d58\nx                y           z\n',
  ],
  // An empty line ends a column block; so does a line without tabs.
  ['a\tb\n\naa\tbb\n', 'a           b\n\naa          bb\n'],
  ['a\tb\nccc\n', 'a           b\nccc\n'],
  ['no tabs\nat all', 'no tabs\nat all'],
  // A trailing tab makes the cell before it a column: it gets padded.
  ['a\tb\t\nc\td\t\n', 'a           b           \nc           d           \n'],
  // Unterminated text: an empty last cell is dropped, so "b" is not padded.
  ['a\tb\t', 'a           b'],
  ['a\t\tc\nlongerthantwelve\tx\ty\n', 'a                             c\nlongerthantwelve  x           y\n'],
  // Widths count runes, not bytes.
  ['héllo\twörld\nx\ty\n', 'héllo       wörld\nx           y\n'],
  ['a\vb\tc\n', 'a           b           c\n'],
  // A form feed ends the table: what follows is aligned on its own.
  ['a\tb\fcccccccccccccccccc\td\n', 'a           b\ncccccccccccccccccc  d\n'],
  ['', ''],
  ['\n\n', '\n\n'],
  ['x\t\n\t\ny\n', 'x           \n            \ny\n'],
  ['a\tb\nc\n\td\n', 'a           b\nc\n            d\n'],
  ['ID\tNAME\nabc\t\n\tdef\n', 'ID          NAME\nabc         \n            def\n'],
  ['a\tbb\tccc\nddd\te\nf\n', 'a           bb          ccc\nddd         e\nf\n'],
  [
    '1\t2\t3\t4\n11\t22\n111\t222\t333\t444\t555\n',
    '1           2           3           4\n11          22\n111         222         333         444         555\n',
  ],
];

test('tabwrite aligns like Go’s tabwriter with Podman’s settings', () => {
  for (const [input, want] of cases) assert.equal(tabwrite(input), want, JSON.stringify(input));
});

test('other settings', () => {
  assert.equal(tabwrite('a\tbb\nccc\td\n', { minwidth: 0, padding: 1, padchar: '.' }), 'a...bb\nccc.d\n');
});
