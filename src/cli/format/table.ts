/**
 * Go's text/tabwriter, as Podman's report package drives it for tables:
 * `tabwriter.NewWriter(w, 12, 2, 2, ' ', tabwriter.StripEscape)`.
 *
 * Cells end at '\t' (or '\v'); a line's last cell is not part of a column, so it is never
 * padded. Consecutive lines with a cell in column k form a block whose width is the widest
 * cell + padding, at least minwidth. A '\f' ends a line and starts a new, independent table.
 * Widths count code points, as Go counts runes.
 */

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
  padchar: string;
}

export const podmanTabwriter: TabwriterOptions = { minwidth: 12, padding: 2, padchar: ' ' };

interface Cell {
  text: string;
  width: number;
}

function toCells(pieces: string[]): Cell[] {
  return pieces.map((text) => ({ text, width: [...text].length }));
}

/** One '\f'-delimited section: its lines, the last one being the unterminated rest. */
function formatSection(section: string, last: boolean, opts: TabwriterOptions): string {
  const rawLines = section.split('\n');
  const lines = rawLines.map((raw, i) => {
    const pieces = raw.split(/[\t\v]/);
    // Text after the last newline only becomes a cell when it is non-empty (Go's Flush).
    const isRest = i === rawLines.length - 1 && last;
    if (isRest && pieces.at(-1) === '') pieces.pop();
    return toCells(pieces);
  });
  if (!last) lines.push([]);

  const out: string[] = [];
  const widths: number[] = [];
  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      let row = '';
      lines[i]!.forEach((cell, j) => {
        row += cell.text;
        if (j < widths.length) row += opts.padchar.repeat(Math.max(widths[j]! - cell.width, 0));
      });
      out.push(row);
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let line = line0; line < line1; line++) {
      if (column >= lines[line]!.length - 1) continue;
      // This line has a cell in this column: it starts a column block.
      writeLines(line0, line);
      line0 = line;
      let width = opts.minwidth;
      for (; line < line1; line++) {
        const cells = lines[line]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, cells[column]!.width + opts.padding);
      }
      widths.push(width);
      format(line0, line);
      widths.pop();
      line0 = line;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out.join('\n');
}

/** Aligns tab-separated text as Go's tabwriter does, then flushes it. */
export function tabwrite(text: string, opts: TabwriterOptions = podmanTabwriter): string {
  const sections = text.split('\f');
  return sections.map((s, i) => formatSection(s, i === sections.length - 1, opts)).join('');
}
