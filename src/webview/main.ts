// The timeline webview's wiring: builds the views, hands them with the channel to the controller
// (src/webview/controller.ts, where the logic is) and starts it. The view holds only what is on
// screen; the host owns the index and answers queries, pages, facets and details.
import { Channel, Envelope, FromWebview, ToWebview, validateToWebview } from '../protocol';
import { h } from './dom';
import { ControllerChannel, TimelineController } from './controller';
import { DetailView } from './detail';
import { FacetsView } from './facets';
import { FilterBox } from './filterBox';
import { HistogramView } from './histogram';
import { Probe } from './probe';
import { TableView } from './table';
import { Toolbar } from './toolbar';
import { annotateKeys } from './annotate';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const probe = new Probe(document.body.dataset);
probe.mark('timeline:script');

// `controller` is made below, before any of these callbacks can run (they run on events).
const channel = new Channel<FromWebview, ToWebview>(
  (e: Envelope) => vscode.postMessage(e),
  validateToWebview,
  (msg) => {
    controller.onHostEvent(msg);
    return undefined;
  },
  undefined, // the host sends no requests, so the view never answers with an error
  (raw) => console.warn('timeline: ignored a malformed message', raw),
);
window.addEventListener('message', (e) => void channel.receive(e.data));

const filter = new FilterBox({
  onChange: (text, now) => controller.onFilterChange(text, now),
  complete: (text, cursor) => controller.complete(text, cursor),
});
const toolbar = new Toolbar(filter.element, {
  onPreset: (p) => controller.onPreset(p),
  onRange: (r) => controller.onRange(r),
  onZoneClick: () => controller.onZoneClick(),
  onColumns: (c) => controller.onColumns(c),
  onExport: (f) => controller.onExport(f),
  onCancelLoad: () => controller.onCancelLoad(),
});
const histogram = new HistogramView({
  onZoom: (r) => controller.onZoom(r),
  onReset: () => controller.onResetZoom(),
});
const table = new TableView({
  requestPage: (qid, start, count) => controller.requestPage(qid, start, count),
  onSelect: (row, id, clicked) => controller.onSelect(row, id, clicked),
  onOpen: (row) => controller.onOpen(row),
  onSort: (sort) => controller.onSort(sort),
  onScroll: (top) => controller.onScroll(top),
  onResize: (column, px) => controller.onResize(column, px),
});
const facets = new FacetsView({
  onPick: (field, value, negate) => controller.onFacetPick(field, value, negate),
});
const detail = new DetailView({
  onPivot: (p) => controller.onPivot(p),
  onContext: (time, id) => controller.onContext(time, id),
  onOpenRaw: (id) => controller.onOpenRaw(id),
  onCopy: (id) => controller.onCopy(id),
  onOpenEvent: (id) => controller.onOpenEvent(id),
  onClose: () => controller.onCloseDetail(),
});

const main = h('div', { class: 'main' }, facets.element, table.element, detail.element);
annotateKeys(table, (ids, action) => controller.onAnnotate(ids, action));
document.body.append(toolbar.element, toolbar.status, histogram.element, main);

const port: ControllerChannel = {
  request: (body) => channel.request(body),
  notify: (body) => channel.notify(body),
};
const controller: TimelineController = new TimelineController({
  channel: port,
  views: {
    filter,
    table,
    histogram,
    facets,
    detail,
    toolbar,
    page: {
      setTitle: (title) => (document.title = title),
      layoutDetail(open) {
        detail.element.hidden = !open;
        main.classList.toggle('with-detail', open);
      },
    },
  },
  store: { get: () => vscode.getState(), set: (s) => vscode.setState(s) },
  probe,
  frame: (cb) => requestAnimationFrame(cb),
});
void controller.start();
// Keep the histogram's theme colours current (VS Code swaps body classes on a theme change).
new MutationObserver(() => histogram.draw()).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});
