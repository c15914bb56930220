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
});
