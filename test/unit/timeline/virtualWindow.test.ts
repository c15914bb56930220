import assert from 'node:assert/strict';
import {
  scrollTopForRow,
  scrollTopToReveal,
  visibleWindow,
} from '../../../src/webview/virtualWindow';

describe('timeline: virtual window', () => {
  it('draws only the rows in view plus overscan', () => {
    const w = visibleWindow(22 * 1000, 440, 22, 100_000, 10);
    assert.equal(w.first, 990);
    assert.equal(w.end, 1000 + 20 + 1 + 10);
    assert.equal(w.offsetY, 990 * 22);
    assert.ok(w.end - w.first < 200);
  });

  it('stays under 200 rows at any position of a million-row list, tall viewport included', () => {
    for (const top of [0, 1e5, 3e6, 7.999e6, 9e9]) {
      const w = visibleWindow(top, 1600, 22, 1_000_000, 10);
      assert.ok(w.end - w.first < 200, `${w.end - w.first} rows at ${top}`);
      assert.ok(w.end <= 1_000_000 && w.first >= 0);
    }
  });

  it('scales the scroll range past the browser height limit and still reaches the last row', () => {
    const total = 10_000_000;
    const w = visibleWindow(8_000_000 - 440, 440, 22, total, 0, 8_000_000);
    assert.equal(w.contentHeight, 8_000_000);
    assert.equal(w.end, total);
    // The row at the top edge is drawn at the top edge of the viewport.
    const scrollTop = 8_000_000 - 440;
    const rowTopPx = w.offsetY + (Math.floor(w.topRow) - w.first) * 22;
    assert.ok(rowTopPx <= scrollTop && rowTopPx + 22 > scrollTop, `${rowTopPx} vs ${scrollTop}`);
  });

  it('scrollTopForRow inverts visibleWindow, in both regimes', () => {
    for (const total of [5_000, 5_000_000]) {
      for (const row of [0, 1234, total - 30]) {
        const top = scrollTopForRow(row, 440, 22, total, 8_000_000);
        assert.ok(
          Math.abs(visibleWindow(top, 440, 22, total, 0, 8_000_000).topRow - row) < 1e-6,
          `${total} ${row}`,
        );
      }
    }
  });

  it('reveals a row with the least scrolling', () => {
    assert.equal(scrollTopToReveal(5, 0, 440, 22, 1000), 0);
    assert.equal(scrollTopToReveal(20, 0, 440, 22, 1000), 22);
    assert.equal(scrollTopToReveal(3, 22 * 10, 440, 22, 1000), 66);
  });
});
