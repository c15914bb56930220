// The timeline webview: wires the filter box, time range, histogram, table, facets and detail
// pane to the host through the typed channel. The view holds only what is on screen; the host
// owns the index and answers queries, pages, facets and details.
import { Channel, COLUMN_IDS, ColumnId, DetailReply, Envelope, FacetsReply, FromWebview, HelloReply, LIMITS, LoadProgress, PageReply, Pivot, QueryParams, QueryReply, START_QUERY, ReplyOf, RequestType, TimeRange, ToWebview, validateToWebview } from '../protocol';
import { formatCount, h } from './dom';
import { DetailView } from './detail';
import { FacetsView } from './facets';
import { FilterBox } from './filterBox';
import { HistogramView } from './histogram';
import { defaultState, Preset, presetRange, restoreState, ViewState } from './state';
import { COLUMN_TITLES, PAGE_SIZE, TableView } from './table';
import { fromInputValue, toInputValue } from './timeFormat';
import { annotateKeys } from './annotate';
import { cutText, revealHidden } from '../core/output/visibleText';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
// Marks of the start-up (read by bench/timelineVsCode.ts): script running, ready sent, greeted,
// first events heard of, first rows painted (the frame they are drawn in).
performance.mark('timeline:script');
const TYPING_DEBOUNCE_MS = 150;
const RELOAD_THROTTLE_MS = 700;
const FIVE_MINUTES = 5 * 60_000;

const channel = new Channel<FromWebview, ToWebview>(
  (e: Envelope) => vscode.postMessage(e),
  validateToWebview,
  (msg) => {
    onHostEvent(msg);
    return undefined;
  },
  undefined, // the host sends no requests, so the view never answers with an error
  (raw) => console.warn('timeline: ignored a malformed message', raw),
);
window.addEventListener('message', (e) => void channel.receive(e.data));

function request<T extends RequestType>(body: Extract<FromWebview, { type: T }>): Promise<ReplyOf[T]> {
  return channel.request<ReplyOf[T]>(body);
}

const saved = vscode.getState();
/** The page had saved state (the panel was hidden and shown again), not a new view. */
const restored = saved != null;
let state: ViewState = restoreState(saved);
let bounds: TimeRange | null = null;
let total = 0;
let queryId = -1;
let querySeq = 0;
let matches = 0;
let loading = false;
let lastReload = 0;
/** How long the last query took to answer: reloads while loading back off by it. */
let lastQueryCost = 0;
let reloadTimer: ReturnType<typeof setTimeout> | undefined;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let detailSeq = 0;
/** The hello has arrived (before it, progress only updates the status line). */
let greeted = false;
/** The host was told the first events are on screen (it holds its load back until then). */
let shownSent = false;

function save(): void {
  vscode.setState(state);
}

// ── the parts ──
const filterBox = new FilterBox({
  onChange(filter, now) {
    state.filter = filter;
    save();
    clearTimeout(typingTimer);
    if (now) void runQuery({ resetScroll: true });
    else typingTimer = setTimeout(() => void runQuery({ resetScroll: true }), TYPING_DEBOUNCE_MS);
  },
  complete: async (filter, cursor) => (await request({ type: 'complete', filter, cursor })).items,
});

const presetSelect = h('select', { class: 'range-preset', 'aria-label': 'Time range', title: 'Time range (relative to the newest event in the data)' });
for (const [value, label] of [
  ['all', 'All time'],
  ['hour', 'Last hour of data'],
  ['day', 'Last day of data'],
  ['week', 'Last week of data'],
  ['custom', 'Custom range'],
] as const)
  presetSelect.append(h('option', { value }, label));
const fromInput = h('input', { type: 'datetime-local', step: '1', class: 'range-from', 'aria-label': 'From' });
const toInput = h('input', { type: 'datetime-local', step: '1', class: 'range-to', 'aria-label': 'To' });
const customRange = h('span', { class: 'custom-range' }, fromInput, h('span', { class: 'range-sep' }, '→'), toInput);
const zoneButton = h('button', { class: 'zone-toggle', role: 'switch', title: 'Show times in UTC or in local time' });
const columnsButton = h('button', { class: 'columns-button', 'aria-haspopup': 'true', title: 'Choose columns' }, 'Columns');
const columnsMenu = h('div', { class: 'popover columns-menu', hidden: true, role: 'menu' });
const exportButton = h('button', { class: 'export-button', 'aria-haspopup': 'true', title: 'Export the matching events' }, 'Export');
const exportMenu = h('div', { class: 'popover export-menu', hidden: true, role: 'menu' });
const countLabel = h('span', { class: 'match-count', 'aria-live': 'polite' });
const progressBar = h('progress', { class: 'load-progress', max: 1, value: 0 });
const progressLabel = h('span', { class: 'load-label' });
const cancelButton = h('button', { class: 'cancel-load' }, 'Cancel');
const loadBox = h('span', { class: 'load', hidden: true }, progressBar, progressLabel, cancelButton);
const loadError = h('span', { class: 'load-error', hidden: true });
// What each file said (not read and why, its shape, renamed fields, events without a time, copies).
const fileNotesSummary = h('summary', { class: 'file-notes-summary' });
const fileNotesList = h('ul', { class: 'file-notes-list' });
const fileNotesBox = h('details', { class: 'file-notes', hidden: true }, fileNotesSummary, fileNotesList);

const histogram = new HistogramView({
  onZoom(range) {
    state.preset = 'custom';
    state.range = range;
    save();
    syncRangeControls();
    void runQuery({ resetScroll: true });
  },
  onReset() {
    state.preset = 'all';
    state.range = null;
    save();
    syncRangeControls();
    void runQuery({ resetScroll: true });
  },
});

const table = new TableView({
  requestPage(qid, start, count) {
    request({ type: 'page', queryId: qid, start, count }).then(onPage, () => {});
  },
  onSelect(row, id) {
    state.selectedRow = row;
    state.selectedId = id;
    save();
    if (id !== null) void showDetail(id);
  },
  onOpen(row) {
    const r = table.rowAt(row);
    if (!r) return;
    state.detailOpen = true;
    layoutDetail();
    save();
    void showDetail(r.id).then(() => detail.focus());
  },
  onSort(sort) {
    state.sort = sort;
    save();
    table.setColumns(state.columns, state.sort, state.zone);
    void runQuery({ resetScroll: true });
  },
  onScroll(topRow) {
    state.scrollRow = topRow;
    save();
  },
});

const facets = new FacetsView({
  onPick(field, value, negate) {
    // A value longer than the host takes is cut here: its filter is a prefix of it anyway (the host says so).
    void request({ type: 'addTerm', filter: state.filter, field, value: cutText(value, LIMITS.valueLength), negate }).then((r) => {
      filterBox.showNote(r.notice ?? null);
      if (r.filter !== state.filter) applyFilter(r.filter, null);
    });
  },
});

const detail = new DetailView({
  onPivot: (p: Pivot) => applyFilter(p.filter, null),
  onContext(time, id) {
    state.filter = '';
    state.preset = 'custom';
    state.range = { from: time - FIVE_MINUTES, to: time + FIVE_MINUTES + 1000 };
    state.selectedId = id;
    filterBox.value = '';
    syncRangeControls();
    save();
    void runQuery({ resetScroll: true, keepSelection: true });
  },
  onOpenRaw: (id) => channel.notify({ type: 'openRaw', id }),
  onOpenEvent: (id) => void showDetail(id),
  onCopy: (id) => channel.notify({ type: 'copyJson', id }),
  onClose() {
    state.detailOpen = false;
    layoutDetail();
    save();
    table.focus();
  },
});

const main = h('div', { class: 'main' }, facets.element, table.element, detail.element);
annotateKeys(table, (ids, action) => channel.notify({ type: 'annotate', ids, action }));

document.body.append(
  h('div', { class: 'toolbar' }, filterBox.element, presetSelect, customRange, zoneButton, h('span', { class: 'menu-anchor' }, columnsButton, columnsMenu), h('span', { class: 'menu-anchor' }, exportButton, exportMenu)),
  h('div', { class: 'status' }, countLabel, loadBox, loadError, fileNotesBox),
  histogram.element,
  main,
);

// ── controls ──
presetSelect.addEventListener('change', () => {
  const preset = presetSelect.value as Preset;
  if (preset === 'custom') state.range = presetRange(state.preset, state.range, bounds) ?? bounds;
  state.preset = preset;
  save();
  syncRangeControls();
  void runQuery({ resetScroll: true });
});
for (const input of [fromInput, toInput])
  input.addEventListener('change', () => {
    const from = fromInputValue(fromInput.value, state.zone);
    const to = fromInputValue(toInput.value, state.zone);
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
      input.setCustomValidity('The start must be before the end');
      input.reportValidity();
      return;
    }
    fromInput.setCustomValidity('');
    toInput.setCustomValidity('');
    state.preset = 'custom';
    state.range = { from, to: to + 1000 };
    save();
    void runQuery({ resetScroll: true });
  });
zoneButton.addEventListener('click', () => {
  state.zone = state.zone === 'utc' ? 'local' : 'utc';
  save();
  applyZone();
});
cancelButton.addEventListener('click', () => channel.notify({ type: 'cancelLoad' }));

function togglePopover(menu: HTMLElement, button: HTMLElement): void {
  const open = menu.hidden;
  for (const m of [columnsMenu, exportMenu]) m.hidden = true;
  menu.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
}
columnsButton.addEventListener('click', () => togglePopover(columnsMenu, columnsButton));
exportButton.addEventListener('click', () => togglePopover(exportMenu, exportButton));
document.addEventListener('click', (e) => {
  const t = e.target as HTMLElement;
  if (!t.closest('.menu-anchor')) for (const m of [columnsMenu, exportMenu]) m.hidden = true;
  if (!t.closest('.file-notes')) fileNotesBox.open = false;
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') for (const m of [columnsMenu, exportMenu]) m.hidden = true;
  if (e.key === 'Escape') fileNotesBox.open = false;
});
for (const c of COLUMN_IDS) {
  const box = h('input', { type: 'checkbox', value: c });
  box.addEventListener('change', () => {
    const chosen = new Set(state.columns);
    if (box.checked) chosen.add(c);
    else chosen.delete(c);
    if (chosen.size === 0) {
      box.checked = true;
      return;
    }
    state.columns = COLUMN_IDS.filter((x) => chosen.has(x));
    save();
    table.setColumns(state.columns, state.sort, state.zone);
  });
  columnsMenu.append(h('label', { class: 'menu-item' }, box, ` ${COLUMN_TITLES[c as ColumnId]}`));
}
for (const [format, label] of [
  ['jsonl', 'JSON Lines (.jsonl)…'],
  ['csv', 'CSV (.csv)…'],
] as const) {
  const item = h('button', { class: `menu-item export-${format}`, role: 'menuitem' }, label);
  item.addEventListener('click', () => {
    exportMenu.hidden = true;
    if (queryId >= 0) channel.notify({ type: 'export', format, queryId });
  });
  exportMenu.append(item);
}

function syncRangeControls(): void {
  presetSelect.value = state.preset;
  const r = presetRange(state.preset, state.range, bounds) ?? bounds;
  customRange.hidden = state.preset !== 'custom';
  if (r) {
    fromInput.value = toInputValue(r.from, state.zone);
    toInput.value = toInputValue(Math.max(r.from, r.to - 1000), state.zone);
  }
}

function syncColumnsMenu(): void {
  for (const box of columnsMenu.querySelectorAll('input')) box.checked = state.columns.includes(box.value as ColumnId);
}

function applyZone(): void {
  zoneButton.textContent = state.zone === 'utc' ? 'UTC' : 'Local';
  zoneButton.setAttribute('aria-checked', String(state.zone === 'utc'));
  document.body.dataset.zone = state.zone;
  table.setColumns(state.columns, state.sort, state.zone);
  histogram.set(lastHistogram, state.zone);
  detail.setZone(state.zone);
  syncRangeControls();
}

function layoutDetail(): void {
  detail.element.hidden = !state.detailOpen;
  main.classList.toggle('with-detail', state.detailOpen);
}

function applyFilter(filter: string, range: TimeRange | null): void {
  state.filter = filter;
  filterBox.value = filter;
  if (range) {
    state.preset = 'custom';
    state.range = range;
    syncRangeControls();
  }
  save();
  void runQuery({ resetScroll: true, keepSelection: true });
}

// ── talking to the host ──
let lastHistogram: QueryReply['histogram'] | null = null;

interface QueryOptions {
  resetScroll?: boolean;
  keepSelection?: boolean;
  restore?: boolean;
}

/** The query the state asks for, from its first page (the top, or where the table was scrolled). */
function currentQuery(opts: QueryOptions): QueryParams {
  const startRow = opts.resetScroll ? 0 : Math.floor(state.scrollRow);
  return { filter: state.filter, range: presetRange(state.preset, state.range, bounds), sort: state.sort, bins: histogram.wantedBins, pageStart: Math.floor(startRow / PAGE_SIZE) * PAGE_SIZE, pageCount: PAGE_SIZE * 2 };
}

async function runQuery(opts: QueryOptions = {}): Promise<void> {
  const seq = ++querySeq;
  const started = performance.now();
  const startRow = opts.resetScroll ? 0 : Math.floor(state.scrollRow);
  lastReload = Date.now();
  document.body.dataset.busy = 'true';
  let reply: QueryReply;
  try {
    reply = await request({ type: 'query', ...currentQuery(opts) });
  } catch (e) {
    if (seq === querySeq) showLoadError(`The query failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  lastQueryCost = performance.now() - started;
  lastReload = Date.now();
  if (seq === querySeq) showResult(reply, opts, startRow, started);
}

/** Shows a query's answer: rows from `startRow`, histogram, counts, the selection kept or cleared. */
function showResult(reply: QueryReply, opts: QueryOptions, startRow: number, started: number): void {
  const arrived = performance.now();
  const firstRows = reply.rows.length > 0 && !performance.getEntriesByName('timeline:first-rows-painted').length;
  filterBox.showError(reply.error);
  filterBox.showWarnings(reply.error ? [] : reply.warnings ?? [], reply.error ? [] : reply.notes ?? []);
  if (reply.error) {
    document.body.dataset.busy = 'false';
    return;
  }
  queryId = reply.queryId;
  matches = reply.matches;
  total = reply.total;
  bounds = reply.bounds;
  lastHistogram = reply.histogram;
  const keepId = opts.keepSelection || opts.restore || !opts.resetScroll ? state.selectedId : null;
  table.selectedRow = -1;
  table.setResult(reply.queryId, reply.matches, reply.pageStart, reply.rows);
  table.scrollToRow(startRow);
  histogram.set(reply.histogram, state.zone);
  updateCount();
  if (keepId !== null) {
    const row = table.findRow(keepId);
    if (row >= 0) table.select(row, true);
    else if (opts.restore && state.selectedRow >= 0 && state.selectedRow < matches) {
      table.selectedRow = state.selectedRow;
      void showDetail(keepId);
    }
  } else if (opts.resetScroll && state.selectedId !== null) {
    state.selectedId = null;
    state.selectedRow = -1;
    detail.set(null);
  }
  syncRangeControls();
  save();
  // For benchmarks and tests: the view's own share (render) of a filter change, and the whole.
  document.body.dataset.lastRenderMs = (performance.now() - arrived).toFixed(1);
  const firstShown = reply.total > 0 && !shownSent;
  shownSent ||= firstShown;
  requestAnimationFrame(() => {
    if (firstRows) performance.mark('timeline:first-rows-painted');
    if (firstShown) channel.notify({ type: 'shown' });
    document.body.dataset.busy = 'false';
    document.body.dataset.lastQueryMs = String(Math.round(performance.now() - started));
    document.body.dataset.queryId = String(reply.queryId);
  });
  facets.set(null);
  request({ type: 'facets', queryId: reply.queryId, limit: 10 }).then(onFacets, () => {});
}

function onPage(p: PageReply): void {
  table.addRows(p.queryId, p.start, p.rows);
  // A selection restored before its row arrived is announced now.
  const sel = table.selectedSummary();
  if (sel && state.selectedId === null) {
    state.selectedId = sel.id;
    void showDetail(sel.id);
  }
}

function onFacets(f: FacetsReply): void {
  if (f.queryId === queryId) facets.set(f.facets);
}

async function showDetail(id: number): Promise<void> {
  const seq = ++detailSeq;
  if (detail.current?.id === id) return;
  detail.set(null, true);
  let d: DetailReply;
  try {
    d = await request({ type: 'detail', id });
  } catch (e) {
    if (seq === detailSeq) detail.set(null);
    return;
  }
  if (seq === detailSeq) detail.set(d);
}

function updateCount(): void {
  const filtered = state.filter.trim() !== '' || state.preset !== 'all';
  countLabel.textContent = filtered ? `${formatCount(matches)} of ${formatCount(total)} events match` : `${formatCount(total)} events`;
  document.body.dataset.matches = String(matches);
  document.body.dataset.total = String(total);
}

function showProgress(p: LoadProgress): void {
  loading = p.loading;
  loadBox.hidden = !p.loading;
  document.body.dataset.loading = String(p.loading);
  progressBar.max = Math.max(1, p.filesTotal);
  // While files are still being found the total is not known: an indeterminate bar.
  if (p.listing) progressBar.removeAttribute('value');
  else progressBar.value = p.filesDone;
  progressLabel.textContent = `Reading ${formatCount(p.filesDone)} of ${formatCount(p.filesTotal)}${p.listing ? '+' : ''} files${p.listing ? ' (still listing)' : ''} · ${formatCount(p.events)} events`;
  const notes: string[] = [];
  if (p.cancelled) notes.push('Loading cancelled: showing what was read.');
  if (p.stopped) notes.push(`Loading stopped: ${p.stopped}.`);
  if (p.nothingRead) notes.push(p.nothingRead);
  else if (p.failedFiles) notes.push(`${formatCount(p.failedFiles)} file(s) could not be read${p.lastError ? ` (latest: ${p.lastError})` : ''}; see the file notes and the CloudTrail Lens output.`);
  if (notes.length) showLoadError(notes.join(' '));
  showFileNotes(p);
}

function showFileNotes(p: LoadProgress): void {
  const notes = p.fileNotes ?? [];
  fileNotesBox.hidden = notes.length === 0;
  document.body.dataset.fileNotes = String(p.fileNotesTotal ?? notes.length);
  if (!notes.length) return;
  const count = (severity: string) => notes.filter((n) => n.severity === severity).length;
  const parts = [[count('error'), 'not read'], [count('warning'), 'with skipped parts'], [count('note'), 'notes']].filter(([n]) => n).map(([n, what]) => `${n} ${what}`);
  fileNotesSummary.textContent = `Files: ${parts.join(' · ')}${(p.fileNotesTotal ?? 0) > notes.length ? ` (first ${notes.length} of ${p.fileNotesTotal})` : ''}`;
  const name = (location: string) => location.slice(Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1);
  const items = notes.map((n) => h('li', { class: `file-note ${n.severity}`, title: `${n.location}\n${n.message}` }, h('span', { class: 'file-note-name' }, revealHidden(name(n.location))), ' ', revealHidden(n.message)));
  fileNotesList.replaceChildren(...items);
}

function showLoadError(text: string): void {
  loadError.hidden = false;
  loadError.textContent = revealHidden(text);
}

function onHostEvent(msg: ToWebview): void {
  if (msg.type === 'progress') {
    const wasLoading = loading;
    showProgress(msg.progress);
    bounds = msg.bounds;
    if (msg.total > 0 && !performance.getEntriesByName('timeline:first-events').length) performance.mark('timeline:first-events');
    // Before the hello the view has asked for nothing yet: the hello brings the first rows.
    if (!greeted) return;
    if (msg.total === total && !(wasLoading && !msg.progress.loading)) return;
    // The first events of a load are shown at once; later ones are batched.
    const empty = total === 0;
    total = msg.total;
    // New events: refresh the view, at most every RELOAD_THROTTLE_MS while loading.
    clearTimeout(reloadTimer);
    // A reload competes with loading for the host's thread: the costlier queries are (a big
    // index), the less often the view refreshes while files are still being read.
    const gap = Math.max(RELOAD_THROTTLE_MS, 3 * lastQueryCost);
    const wait = msg.progress.loading && !empty ? Math.max(0, gap - (Date.now() - lastReload)) : 0;
    reloadTimer = setTimeout(() => void runQuery({}), wait);
  } else if (msg.type === 'hello') {
    if (!restored) greet(msg, true);
  } else if (msg.type === 'refresh') {
    // The case file changed: annotations, tag: filters and the Tags facet, in place.
    if (greeted) void runQuery({});
  } else if (msg.type === 'setFilter') {
    state.preset = msg.range ? 'custom' : 'all';
    state.range = msg.range;
    applyFilter(msg.filter, msg.range);
  }
}

// ── start ──
/** The view's first query: sent with its ready, answered by the first hello. */
let startQuery = { seq: 0, sent: 0, row: 0 };

/**
 * Applies the first hello: the reply to the ready, or the one the host pushed before the page
 * asked (START_QUERY's answer, so only a page with no saved state takes it). Later ones are
 * ignored. A query the user started meanwhile wins over the hello's result.
 */
function greet(hello: HelloReply, pushed: boolean): void {
  if (greeted) return;
  greeted = true;
  performance.mark('timeline:hello');
  lastQueryCost = performance.now() - startQuery.sent;
  lastReload = Date.now();
  document.title = hello.title;
  total = hello.total;
  bounds = hello.bounds;
  showProgress(hello.progress);
  let opts: QueryOptions = { restore: true };
  let row = startQuery.row;
  if (hello.initialFilter !== null) {
    state = { ...defaultState(), zone: state.zone, columns: state.columns, sort: state.sort, filter: hello.initialFilter, preset: hello.initialRange ? 'custom' : 'all', range: hello.initialRange };
    syncRangeControls();
    filterBox.value = state.filter;
    save();
    opts = { resetScroll: true };
    row = 0;
  }
  const current = startQuery.seq === querySeq;
  if (hello.first && current) {
    showResult(hello.first, opts, row, startQuery.sent);
    // START_QUERY's histogram has its own bin count: re-binned for this canvas once painted.
    if (pushed && histogram.wantedBins !== START_QUERY.bins) requestAnimationFrame(() => setTimeout(() => startQuery.seq === querySeq && void runQuery({}), 0));
  } else if (!hello.first || hello.initialFilter !== null) void runQuery(opts);
  document.body.dataset.ready = 'true';
}

async function start(): Promise<void> {
  filterBox.value = state.filter;
  syncColumnsMenu();
  layoutDetail();
  applyZone();
  // The first query goes with the ready, unless its range is relative to the data's bounds
  // (which the hello brings); the view runs it itself then.
  const query = state.preset === 'all' || state.preset === 'custom' ? currentQuery({ restore: true }) : null;
  startQuery = { seq: ++querySeq, sent: performance.now(), row: Math.floor(state.scrollRow) };
  performance.mark('timeline:ready-sent');
  document.body.dataset.busy = 'true';
  greet(await request({ type: 'ready', query }), false);
}
void start().catch((e) => showLoadError(`The timeline could not start: ${e instanceof Error ? e.message : String(e)}`));
// Keep the histogram's theme colours current (VS Code swaps body classes on a theme change).
new MutationObserver(() => histogram.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
