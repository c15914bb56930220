// Which rows a fixed-row-height virtual list draws, and where. Browsers cap an element's
// height (Chrome near 33.5M px), so past MAX_SCROLL_PX the scrollbar is scaled: its position is
// a fraction of the list instead of a pixel offset. One formula covers both cases.

export const MAX_SCROLL_PX = 8_000_000;

export interface VirtualWindow {
  /** First row to draw (inclusive) and the row after the last (exclusive). */
  first: number;
  end: number;
  /** Where row `first` is drawn, in the scroll content's coordinates. */
  offsetY: number;
  /** Height of the scroll content (the spacer). */
  contentHeight: number;
  /** The row at the top edge of the viewport (fractional). */
  topRow: number;
}

export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan: number,
  maxScrollPx = MAX_SCROLL_PX,
): VirtualWindow {
  const natural = total * rowHeight;
  const contentHeight = Math.min(natural, maxScrollPx);
  const rowsInView = Math.ceil(viewportHeight / rowHeight);
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, contentHeight - viewportHeight)));
  let topRow: number;
  if (natural <= maxScrollPx) {
    topRow = top / rowHeight;
  } else {
    const scrollable = contentHeight - viewportHeight;
    const lastTop = Math.max(0, total - viewportHeight / rowHeight);
    topRow = scrollable > 0 ? (top / scrollable) * lastTop : 0;
  }
  const first = Math.max(0, Math.floor(topRow) - overscan);
  const end = Math.min(total, Math.floor(topRow) + rowsInView + 1 + overscan);
  const offsetY = top - (topRow - first) * rowHeight;
  return { first, end, offsetY, contentHeight, topRow };
}

/** The scrollTop that puts `row` at the top of the viewport (the inverse of visibleWindow). */
export function scrollTopForRow(
  row: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  maxScrollPx = MAX_SCROLL_PX,
): number {
  const natural = total * rowHeight;
  if (natural <= maxScrollPx) return row * rowHeight;
  const contentHeight = maxScrollPx;
  const scrollable = contentHeight - viewportHeight;
  const lastTop = Math.max(1e-9, total - viewportHeight / rowHeight);
  return Math.max(0, Math.min(scrollable, (row / lastTop) * scrollable));
}

/** The scrollTop that brings `row` fully into view with the least movement (keyboard navigation). */
export function scrollTopToReveal(
  row: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  maxScrollPx = MAX_SCROLL_PX,
): number {
  const w = visibleWindow(scrollTop, viewportHeight, rowHeight, total, 0, maxScrollPx);
  const rowsInView = Math.max(1, Math.floor(viewportHeight / rowHeight));
  if (row < w.topRow) return scrollTopForRow(row, viewportHeight, rowHeight, total, maxScrollPx);
  if (row + 1 > w.topRow + rowsInView)
    return scrollTopForRow(row + 1 - rowsInView, viewportHeight, rowHeight, total, maxScrollPx);
  return scrollTop;
}
