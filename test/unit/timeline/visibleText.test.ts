import assert from 'node:assert/strict';
import { cellText, revealHidden } from '../../../src/webview/visibleText';

describe('timeline: hidden characters made visible', () => {
  it('marks bidi overrides, zero-width and control characters', () => {
    assert.equal(revealHidden('Delete\u202eTEKCUB\u202c'), 'Delete⟨U+202E⟩TEKCUB⟨U+202C⟩');
    assert.equal(revealHidden('ad\u200bmin'), 'ad⟨U+200B⟩min');
    assert.equal(revealHidden('a\u0000b\u001bc'), 'a⟨U+0000⟩b⟨U+001B⟩c');
    assert.equal(revealHidden('\ufeffx\u2066y\u2069'), '⟨U+FEFF⟩x⟨U+2066⟩y⟨U+2069⟩');
  });

  it('leaves ordinary text alone, markup included (it is rendered as text)', () => {
    for (const s of ['GetObject', '<script>alert(1)</script>', 'Zürich 東京 🙂', 'a\tb']) assert.equal(revealHidden(s), s);
  });

  it('keeps cells on one line and cuts very long values, saying how long they were', () => {
    assert.equal(cellText('a\r\nb\nc'), 'a⏎b⏎c');
    const cut = cellText('A'.repeat(10240), 400);
    assert.ok(cut.startsWith('A'.repeat(400) + '…'));
    assert.match(cut, /10,240 chars/);
  });
});
