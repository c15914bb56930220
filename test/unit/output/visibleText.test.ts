import assert from 'node:assert/strict';
import {
  cellText,
  cutText,
  escapeHiddenInJson,
  lineText,
  revealHidden,
  terminalText,
  trimHiddenStart,
} from '../../../src/core/output/visibleText';
import { tagCharacters } from '../../support/hostile';

/** `text` followed by `hidden` in Unicode tag characters: it looks like `text`. */
const tagged = (text: string, hidden: string): string => text + tagCharacters(hidden);

describe('hidden characters made visible', () => {
  it('marks bidi overrides, zero-width and control characters', () => {
    assert.equal(revealHidden('Delete\u202eTEKCUB\u202c'), 'Delete⟨U+202E⟩TEKCUB⟨U+202C⟩');
    assert.equal(revealHidden('ad\u200bmin'), 'ad⟨U+200B⟩min');
    assert.equal(revealHidden('a\u0000b\u001bc'), 'a⟨U+0000⟩b⟨U+001B⟩c');
    assert.equal(revealHidden('\ufeffx\u2066y\u2069'), '⟨U+FEFF⟩x⟨U+2066⟩y⟨U+2069⟩');
    assert.equal(revealHidden('a\u009bb\u007fc'), 'a⟨U+009B⟩b⟨U+007F⟩c');
  });

  it('marks Unicode tag characters (ASCII smuggling), so admin plus tags does not look like admin', () => {
    const smuggled = tagged('admin', 'ok');
    assert.equal(revealHidden(smuggled), 'admin⟨U+E006F⟩⟨U+E006B⟩');
    assert.equal(revealHidden('\u{E0001}x\u{E007F}'), '⟨U+E0001⟩x⟨U+E007F⟩');
  });

  it('marks variation selectors, Mongolian selectors, the grapheme joiner and fillers', () => {
    assert.equal(revealHidden('a\ufe00b\ufe0fc'), 'a⟨U+FE00⟩b⟨U+FE0F⟩c');
    assert.equal(revealHidden('a\u{E0100}b\u{E01EF}'), 'a⟨U+E0100⟩b⟨U+E01EF⟩');
    assert.equal(
      revealHidden('a\u180bb\u180cc\u180dd\u180ee\u180ff'),
      'a⟨U+180B⟩b⟨U+180C⟩c⟨U+180D⟩d⟨U+180E⟩e⟨U+180F⟩f',
    );
    assert.equal(
      revealHidden('a\u034fb\u3164c\u115fd\u00ade'),
      'a⟨U+034F⟩b⟨U+3164⟩c⟨U+115F⟩d⟨U+00AD⟩e',
    );
    assert.equal(revealHidden('a\u2028b\u2029c'), 'a⟨U+2028⟩b⟨U+2029⟩c');
  });

  it('marks lone surrogates, and leaves pairs (emoji) alone', () => {
    assert.equal(revealHidden('a\ud800b\udc00'), 'a⟨U+D800⟩b⟨U+DC00⟩');
    assert.equal(revealHidden('🙂'), '🙂');
  });

  it('leaves ordinary text alone, markup included (it is rendered as text)', () => {
    for (const s of ['GetObject', '<script>alert(1)</script>', 'Zürich 東京 🙂', 'a\tb', 'a\nb'])
      assert.equal(revealHidden(s), s);
  });

  it('keeps cells on one line and cuts very long values, saying how long they were', () => {
    assert.equal(cellText('a\r\nb\nc'), 'a⏎b⏎c');
    const cut = cellText('A'.repeat(10240), 400);
    assert.ok(cut.startsWith('A'.repeat(400) + '…'));
    assert.match(cut, /10,240 chars/);
    assert.equal(cellText(tagged('admin', 'x')), 'admin⟨U+E0078⟩');
  });

  it('never cuts a surrogate pair in two', () => {
    assert.equal(cutText('ab🙂', 3), 'ab');
    assert.equal(cutText('ab🙂', 4), 'ab🙂');
    assert.doesNotMatch(cellText('a'.repeat(399) + '🙂'.repeat(10), 400), /U\+D83D/);
  });

  it('for a terminal, keeps tab, line feed and CRLF line ends, and marks a bare CR', () => {
    assert.equal(terminalText('a\tb\r\nc\nd\re\u001b[2J'), 'a\tb\r\nc\nd⟨U+000D⟩e⟨U+001B⟩[2J');
  });

  it('for one line of text output, marks tab and every line break too, and cuts nothing', () => {
    assert.equal(
      lineText('a.json\n0 INVALID\tx\r\u2028\u001b[2J\u202e'),
      'a.json⟨U+000A⟩0 INVALID⟨U+0009⟩x⟨U+000D⟩⟨U+2028⟩⟨U+001B⟩[2J⟨U+202E⟩',
    );
    assert.equal(lineText('x'.repeat(2000)), 'x'.repeat(2000));
    assert.equal(lineText(lineText('a\nb')), 'a⟨U+000A⟩b', 'the same again');
  });

  it('trims the hidden and white-space characters a value starts with', () => {
    assert.equal(trimHiddenStart(' \u200b\u{E0020}\t=1+1 x'), '=1+1 x');
    assert.equal(trimHiddenStart('x'), 'x');
  });

  it('writes hidden characters in JSON as escapes, keeping the value exactly', () => {
    const value = `\u001b]0;PWNED\u0007 ${tagged('admin', 'ok')} \u202e \u009b`;
    const json = JSON.stringify({ v: value })
      .replace('\\u001b', '\u001b')
      .replace('\\u0007', '\u0007');
    const escaped = escapeHiddenInJson(json);
    assert.match(escaped, /^[\x20-\x7e]*$/, 'only printable ASCII is left');
    assert.equal(JSON.parse(escaped).v, value);
  });

  it('keeps the white space between JSON tokens (a tab, line feed or CR there is no escape)', () => {
    const json = '{"a":\t"x\\u0009",\r\n"b":[1,\r2]}';
    const escaped = escapeHiddenInJson(json);
    assert.deepEqual(JSON.parse(escaped), JSON.parse(json));
    assert.equal(escaped, '{"a":\t"x\\u0009",\r\n"b":[1, 2]}', 'a CR that ends no line is a space');
  });
});
