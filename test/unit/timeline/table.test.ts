// The event table (src/webview/table.ts) over a minimal stand-in for the DOM (set up before the
// table module is required): which pages it asks the host for as rows arrive and it scrolls.
import assert from 'node:assert/strict';
import { RowSummary } from '../../../src/protocol';

/** Just what TableView and dom.ts touch. */
class FakeElement {
  className = '';
  textContent = '';
  title = '';
  hidden = false;
  scrollTop = 0;
  scrollLeft = 0;
  clientHeight = 440;
  parent: FakeElement | null = null;
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  readonly style = { height: '', transform: '', setProperty: () => {} };
  readonly classList = {
    names: new Set<string>(),
    add: (c: string) => this.classList.names.add(c),
    toggle: (c: string, on: boolean) =>
      on ? this.classList.names.add(c) : this.classList.names.delete(c),
  };
  constructor(readonly tagName: string) {}
  setAttribute(k: string, v: string): void {
    this.attributes.set(k, v);
  }
  append(...nodes: (FakeElement | string)[]): void {
    for (const n of nodes) {
      if (typeof n === 'string') this.textContent += n;
      else {
        n.parent = this;
        this.children.push(n);
      }
    }
  }
  remove(): void {
    if (!this.parent) return;
    this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }
  get firstChild(): FakeElement | undefined {
    return this.children[0];
  }
  addEventListener(): void {}
  focus(): void {}
}

const frames: (() => void)[] = [];
Object.assign(globalThis, {
  document: { createElement: (tag: string) => new FakeElement(tag) },
  requestAnimationFrame: (cb: () => void) => frames.push(cb),
  ResizeObserver: class {
    observe(): void {}
  },
});
const paint = () => frames.splice(0).forEach((f) => f());

const { TableView, ROW_HEIGHT } =
  require('../../../src/webview/table') as typeof import('../../../src/webview/table');

const row = (id: number): RowSummary => ({
  id,
  time: 1_700_000_000_000 + id * 1000,
  tag: '',
  detection: '',
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  principal: 'alice',
  sourceIp: '192.0.2.1',
  region: 'us-east-1',
  account: '111122223333',
  errorCode: '',
  readOnly: 'true',
  origin: '',
});

function table() {
  const asked: { queryId: number; start: number; count: number }[] = [];
  const t = new TableView({
    requestPage: (queryId, start, count) => asked.push({ queryId, start, count }),
    onSelect: () => {},
    onOpen: () => {},
    onSort: () => {},
    onScroll: () => {},
    onResize: () => {},
  });
  t.setColumns(['time', 'eventName'], 'asc', 'UTC');
  paint();
  return { t, asked };
}

describe('timeline: the event table', () => {
  it('asks for the rest of a page that came in part (a result shrunk under the scroll position)', () => {
    const { t, asked } = table();
    // The view asked from row 300; the result (starred events, un-starred meanwhile) has 250
    // rows now, and the host answered from its last row.
    t.setResult(1, 250, 249, [row(249)]);
    t.scrollToRow(249);
    paint();
    const shown = Math.ceil(440 / ROW_HEIGHT);
    assert.ok(t.rowAt(249));
    assert.deepEqual(
      asked.filter((a) => a.start === 200),
      [{ queryId: 1, start: 200, count: 50 }],
      `rows ${250 - shown}..248 in view are never asked for`,
    );
  });

  const click = { ctrlKey: false, metaKey: false, shiftKey: false };
  const shift = { ...click, shiftKey: true };

  it('a Shift-click over rows not loaded picks them all: it asks for them and waits before an action', async () => {
    const { t, asked } = table();
    t.setResult(
      1,
      5000,
      0,
      Array.from({ length: 100 }, (_, i) => row(i)),
    );
    paint();
    t.pick(3, click);
    // Scrolled far down: rows 100..3999 never came.
    t.addRows(
      1,
      4000,
      Array.from({ length: 100 }, (_, i) => row(4000 + i)),
    );
    asked.length = 0;
    t.pick(4010, shift);
    assert.equal(t.picking, true);
    const ranges = asked.map((a) => [a.start, a.start + a.count - 1]);
    // Every row of the run not here is asked for, in pages the host serves (at most 500 rows).
    for (let r = 100; r < 4000; r++)
      assert.ok(
        ranges.some(([a, b]) => a <= r && r <= b),
        `row ${r} of the run is never asked for`,
      );
    assert.ok(asked.every((a) => a.queryId === 1 && a.count <= 500 && a.start % 100 === 0));
    let acted: number[] | undefined;
    void t.whenPicked().then((complete) => {
      if (complete) acted = t.selectedIds();
    });
    // The rows come back; only then is the action let go, with all 4,008 events.
    for (const a of asked)
      t.addRows(
        1,
        a.start,
        Array.from({ length: a.count }, (_, i) => row(a.start + i)),
      );
    await new Promise((r) => setImmediate(r));
    assert.equal(t.picking, false);
    assert.ok(acted, 'the action never went');
    assert.equal(acted.length, 4010 - 3 + 1);
    assert.deepEqual(
      [...acted].sort((a, b) => a - b),
      Array.from({ length: 4008 }, (_, i) => 3 + i),
    );
  });

  it('a Shift-click run let go by a new result does not act on part of it', async () => {
    const { t } = table();
    t.setResult(
      1,
      3000,
      0,
      Array.from({ length: 100 }, (_, i) => row(i)),
    );
    t.pick(0, click);
    t.pick(2500, shift);
    let complete: boolean | undefined;
    void t.whenPicked().then((c) => (complete = c));
    t.setResult(
      2,
      3000,
      0,
      Array.from({ length: 100 }, (_, i) => row(i)),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(complete, false);
  });

  it('a run longer than the host annotates at once is read one row past the limit, so the host refuses it whole', () => {
    const { t, asked } = table();
    t.setResult(
      1,
      50_000,
      0,
      Array.from({ length: 100 }, (_, i) => row(i)),
    );
    t.pick(0, click);
    asked.length = 0;
    t.pick(40_000, shift);
    const last = Math.max(...asked.map((a) => a.start + a.count - 1));
    assert.ok(last >= 10_000 && last < 10_100, `asked up to row ${last}`);
    for (const a of asked)
      t.addRows(
        1,
        a.start,
        Array.from({ length: a.count }, (_, i) => row(a.start + i)),
      );
    assert.equal(t.selectedIds().length, 10_001);
  });
});
