// The one CSV writer: RFC 4180 with CRLF, formulas defused wherever a spreadsheet could start a
// cell (with `,` or `;` as its separator), hidden characters marked.
import assert from 'node:assert/strict';
import { csvCell, csvLine } from '../../../src/core/output/csv';

/**
 * Cells of CSV text as a spreadsheet set to `separator` reads them (RFC 4180: a quote only opens
 * a quoted field at the start of a field; elsewhere it is an ordinary character).
 */
function readCsv(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === separator) {
      row.push(field);
      field = '';
      atStart = true;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atStart = true;
      i++;
    } else {
      field += c;
      atStart = false;
    }
  }
  if (field !== '' || row.length) (row.push(field), rows.push(row));
  return rows;
}

/** Whether a spreadsheet would take the cell for a formula (it skips leading spaces; a plain number is a number). */
const live = (cell: string): boolean =>
  /^[\s\u200b]*[=+\-@＝＋－＠]/u.test(cell) && !/^\s*[+-]?\d+(\.\d+)?$/.test(cell);

const HOSTILE = [
  '=HYPERLINK("http://evil.example/","click")',
  "x;=cmd|' /C calc'!A0",
  "x,=cmd|' /C calc'!A0",
  "a;b;@SUM(1+1)*cmd|' /C calc'!A0",
  ' =1+1',
  '\u200b=1+1',
  '\u{E0020}=1+1',
  '＝1+1',
  '\t=1+1',
  '\r\n=1+1',
  'ok; +1',
  'ok; +1+cmd',
  'x\t-2+3',
  '-1+2',
];

describe('CSV writer', () => {
  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,"b"'), '"a,""b"""');
    assert.equal(csvCell('Get\nObject'), '"Get\nObject"');
    assert.equal(csvCell(''), '');
    assert.equal(
      csvLine(['2024-05-14T10:05:00Z', 'GetObject', '', 'true']),
      '2024-05-14T10:05:00Z,GetObject,,true\r\n',
    );
  });

  it('quotes every cell that holds a separator of either kind', () => {
    assert.equal(csvCell('a;b'), '"a;b"');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell(' padded '), '" padded "');
  });

  it('defuses formulas after invisible and space characters, and full-width signs', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('-1+2'), "'-1+2");
    assert.equal(csvCell(' =1+1'), "' =1+1");
    assert.equal(csvCell('\u200b=1+1'), "'⟨U+200B⟩=1+1");
    assert.equal(csvCell('＝1+1'), "'＝1+1");
    assert.equal(csvCell('＠SUM(A1)'), "'＠SUM(A1)");
    for (const n of ['-5', '-0', '+1.5e3', '-.5'])
      assert.equal(csvCell(n), n, 'a plain number runs nothing');
  });

  it('defuses every part a spreadsheet with another separator would make a cell of', () => {
    assert.equal(csvCell('x;=cmd'), `"x;'=cmd"`);
    assert.equal(csvCell('a;b; =c'), `"a;b;' =c"`);
    assert.equal(csvCell('x,@cmd'), `"x,'@cmd"`);
  });

  it('leaves no live formula whichever separator the spreadsheet uses', () => {
    const text =
      csvLine(['time', 'value']) +
      HOSTILE.map((v) => csvLine(['2024-05-14T10:05:00Z', v])).join('');
    for (const separator of [',', ';', '\t']) {
      const cells = readCsv(text, separator).flat();
      assert.deepEqual(cells.filter(live), [], `separator ${JSON.stringify(separator)}`);
    }
    // Read with its own separator, every value is there, marked and prefixed but whole.
    const values = readCsv(text, ',')
      .slice(1)
      .map((r) => r[1]);
    assert.equal(values.length, HOSTILE.length);
    assert.equal(values[1], "x;'=cmd|' /C calc'!A0");
  });

  it('writes control and other hidden characters as visible markers', () => {
    assert.equal(csvCell('\u001b]0;PWNED\u0007'), '"⟨U+001B⟩]0;PWNED⟨U+0007⟩"');
    assert.equal(csvCell('admin\u{E0041}'), 'admin⟨U+E0041⟩');
    assert.equal(csvCell('Delete\u202eTEKCUB'), 'Delete⟨U+202E⟩TEKCUB');
  });
});
