// The one CSV writer (the CLI's `--format csv` and the timeline's export): RFC 4180, lines
// ended by CRLF. Log values are attacker-controlled and a CSV is opened in a spreadsheet, so:
// - a cell, or any part of it after a `,` `;` or tab (a spreadsheet set to another separator
//   splits there and starts a new cell), that would start with a formula once invisible and
//   space characters are skipped (= + - @, their full-width and small forms) gets a leading `'`
//   (OWASP's advice), so it is read as text; a cell that is just a number (-5, +1.5e3) is left
//   as it is;
// - every cell holding a separator of either kind (`,` or `;`), a quote, a tab, a line break or
//   spaces at its ends is quoted;
// - control and other hidden characters are written as visible markers (⟨U+001B⟩), line feeds
//   kept: a CSV is for reading, and nothing in it acts or hides. The exact records are what the
//   JSON Lines formats carry.
import { revealHidden, trimHiddenStart } from './visibleText';

const CSV_LINE_END = '\r\n';

const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B]/;
const SEPARATORS = /([,;\t])/;
const NEEDS_QUOTES = /[",;\t\r\n]|^\s|\s$/;

/** A number, such as -5 or +1.5e3: a spreadsheet reads it as that number, nothing runs. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Text a spreadsheet reads as starting a formula, after the invisible and space characters it skips. */
function startsFormula(text: string): boolean {
  return FORMULA_START.test(trimHiddenStart(text));
}

/** One cell: defused, hidden characters marked, quoted when needed. */
export function csvCell(value: string): string {
  // Parts at even indexes, the separators between them at odd ones.
  const parts = value.split(SEPARATORS);
  if (parts.length === 1 && PLAIN_NUMBER.test(value)) return value;
  for (let i = 0; i < parts.length; i += 2) if (startsFormula(parts[i])) parts[i] = `'${parts[i]}`;
  const cell = revealHidden(parts.join(''));
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One line of cells, ended by CRLF. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + CSV_LINE_END;
}
