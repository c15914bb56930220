// The timeline's logic: what the view asks the host and when, and what it does with the answers
// (queries, pages, facets, details, the hello, pushed host events), over the view state. It owns
// no DOM and no globals: the channel, the views, the state store and the probe are handed in, so
// unit tests drive it with fakes (test/unit/timeline/controller.test.ts).
import {
  AnnotateAction,
  ColumnId,
  DetailReply,
  Facet,
  FacetsReply,
  FromWebview,
  HelloReply,
  LIMITS,
  LoadProgress,
  PageReply,
  Pivot,
  QueryError,
  QueryParams,
  QueryReply,
  ReplyOf,
  RequestType,
  RowSummary,
  SortOrder,
  START_QUERY,
  TimeRange,
  ToWebview,
} from '../protocol';
import { Probe } from './probe';
import { defaultState, Preset, presetRange, restoreState, ViewState } from './state';
import { PAGE_SIZE } from './table';
import { Zone } from './timeFormat';
import type { ExportFormat } from './toolbar';
import { cutText } from '../core/output/visibleText';

export const TYPING_DEBOUNCE_MS = 150;
const RELOAD_THROTTLE_MS = 1000;
const FIVE_MINUTES = 5 * 60_000;

type Notification = Exclude<FromWebview, { type: RequestType }>;

/** The host, as the controller sees it. */
export interface ControllerChannel {
  request<T extends RequestType>(body: Extract<FromWebview, { type: T }>): Promise<ReplyOf[T]>;
  notify(body: Notification): void;
}

/** Where the view state survives the panel being hidden (vscode.getState/setState). */
export interface StateStore {
  get(): unknown;
  set(state: ViewState): void;
}

export interface FilterPort {
  value: string;
  showError(error: QueryError | null): void;
  showWarnings(warnings: QueryError[], notes: string[]): void;
  showNote(note: string | null): void;
}
export interface TablePort {
  selectedRow: number;
  /** Event ids picked with Ctrl/Cmd- or Shift-click besides the selected row. */
  readonly marked: Set<number>;
  setResult(queryId: number, total: number, pageStart: number, rows: RowSummary[]): void;
  addRows(queryId: number, start: number, rows: RowSummary[]): void;
  setColumns(columns: ColumnId[], sort: SortOrder, zone: Zone): void;
  setWidths(widths: Partial<Record<ColumnId, number>>): void;
  scrollToRow(row: number): void;
  findRow(id: number): number;
  rowAt(row: number): RowSummary | undefined;
  select(row: number, reveal?: boolean): void;
  /** Marks `row` selected without announcing it (its event is the selection, its row to come). */
  showSelected(row: number, reveal: boolean): void;
  selectedSummary(): RowSummary | undefined;
  focus(): void;
}
export interface HistogramPort {
  readonly wantedBins: number;
  set(data: QueryReply['histogram'] | null, zone: Zone): void;
}
export interface FacetsPort {
  set(facets: Facet[] | null): void;
}
export interface DetailPort {
  readonly current: DetailReply | null;
  set(d: DetailReply | null, loading?: boolean): void;
  /** Why the selected event cannot be shown (the host could not read its record). */
  showError(message: string): void;
  setZone(zone: Zone): void;
  focus(): void;
}
export interface ToolbarPort {
  syncRange(preset: Preset, shown: TimeRange | null): void;
  syncColumns(columns: ColumnId[]): void;
  setZone(zone: Zone): void;
  showCount(matches: number, total: number, filtered: boolean): void;
  showProgress(p: LoadProgress): void;
  showLoadError(text: string): void;
}
/** The page around the views: its title and whether the detail pane takes space. */
export interface PagePort {
  setTitle(title: string): void;
  layoutDetail(open: boolean): void;
}

export interface Views {
  filter: FilterPort;
  table: TablePort;
  histogram: HistogramPort;
  facets: FacetsPort;
  detail: DetailPort;
  toolbar: ToolbarPort;
  page: PagePort;
}

export interface ControllerDeps {
  channel: ControllerChannel;
  views: Views;
  store: StateStore;
  probe: Probe;
  /** Runs `cb` in the next frame (requestAnimationFrame). */
  frame(cb: () => void): void;
}

interface QueryOptions {
  resetScroll?: boolean;
  keepSelection?: boolean;
  restore?: boolean;
}

export class TimelineController {
  private readonly channel: ControllerChannel;
  private readonly v: Views;
  private readonly store: StateStore;
  private readonly probe: Probe;
  private readonly frame: (cb: () => void) => void;
  /** The page had saved state (the panel was hidden and shown again), not a new view. */
  private readonly restored: boolean;
  state: ViewState;
  private bounds: TimeRange | null = null;
  private total = 0;
  private queryId = -1;
  private querySeq = 0;
  private matches = 0;
  private loading = false;
  private lastReload = 0;
  /** How long the last query took to answer: reloads while loading back off by it. */
  private lastQueryCost = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private detailSeq = 0;
  /** The hello has arrived (before it, progress only updates the status line). */
  private greeted = false;
  /** The host was told the first events are on screen (it holds its load back until then). */
  private shownSent = false;
  private lastHistogram: QueryReply['histogram'] | null = null;
  /** The zone times are shown in: the host's cloudtrailLens.timeZone setting (UTC until the hello). */
  private zone: Zone = 'UTC';
  /** The view's first query: sent with its ready, answered by the first hello. */
  private startQuery = { seq: 0, sent: 0, row: 0 };
  /** The version of the progress shown, and the latest the host has announced (HelloReply.version). */
  private progressVersion = -1;
  private hostVersion = 0;

  constructor(deps: ControllerDeps) {
    this.channel = deps.channel;
    this.v = deps.views;
    this.store = deps.store;
    this.probe = deps.probe;
    this.frame = deps.frame;
    const saved = this.store.get();
    this.restored = saved != null;
    this.state = restoreState(saved);
  }

  get queryIdShown(): number {
    return this.queryId;
  }

  private save(): void {
    this.store.set(this.state);
  }

  // ── what the user did ──

  onFilterChange(filter: string, now: boolean): void {
    this.state.filter = filter;
    this.save();
    clearTimeout(this.typingTimer);
    if (now) void this.runQuery({ resetScroll: true });
    else
      this.typingTimer = setTimeout(
        () => void this.runQuery({ resetScroll: true }),
        TYPING_DEBOUNCE_MS,
      );
  }

  async complete(filter: string, cursor: number): Promise<ReplyOf['complete']['items']> {
    return (await this.channel.request({ type: 'complete', filter, cursor })).items;
  }

  onZoom(range: TimeRange): void {
    this.state.preset = 'custom';
    this.state.range = range;
    this.save();
    this.syncRangeControls();
    void this.runQuery({ resetScroll: true });
  }

  onResetZoom(): void {
    this.state.preset = 'all';
    this.state.range = null;
    this.save();
    this.syncRangeControls();
    void this.runQuery({ resetScroll: true });
  }

  requestPage(qid: number, start: number, count: number): void {
    this.channel.request({ type: 'page', queryId: qid, start, count }).then(
      (p) => this.onPage(p),
      () => {},
    );
  }

  /** A row was selected; `clicked`: by a click, which shows the detail pane again if it was closed. */
  onSelect(row: number, id: number | null, clicked = false): void {
    this.state.selectedRow = row;
    this.state.selectedId = id;
    if (clicked) this.state.detailOpen = true;
    this.layoutDetail();
    this.save();
    if (id !== null) void this.showDetail(id);
  }

  onOpen(row: number): void {
    const r = this.v.table.rowAt(row);
    if (!r) return;
    this.state.detailOpen = true;
    this.layoutDetail();
    this.save();
    void this.showDetail(r.id).then(() => this.v.detail.focus());
  }

  onSort(sort: SortOrder): void {
    this.state.sort = sort;
    this.save();
    this.v.table.setColumns(this.state.columns, this.state.sort, this.zone);
    void this.runQuery({ resetScroll: true });
  }

  onResize(column: ColumnId, px: number): void {
    this.state.widths = { ...this.state.widths, [column]: px };
    this.save();
  }

  onScroll(topRow: number): void {
    this.state.scrollRow = topRow;
    this.save();
  }

  onFacetPick(field: string, value: string, negate: boolean): void {
    // A value longer than the host takes is cut here: its filter is a prefix of it anyway (the host says so).
    void this.channel
      .request({
        type: 'addTerm',
        filter: this.state.filter,
        field,
        value: cutText(value, LIMITS.valueLength),
        negate,
      })
      .then((r) => {
        this.v.filter.showNote(r.notice ?? null);
        if (r.filter !== this.state.filter) this.applyFilter(r.filter, null);
      });
  }

  onPivot(p: Pivot): void {
    this.applyFilter(p.filter, null);
  }

  onContext(time: number, id: number): void {
    this.state.filter = '';
    this.state.preset = 'custom';
    this.state.range = { from: time - FIVE_MINUTES, to: time + FIVE_MINUTES + 1000 };
    this.state.selectedId = id;
    this.v.filter.value = '';
    this.layoutDetail();
    this.syncRangeControls();
    this.save();
    void this.runQuery({ resetScroll: true, keepSelection: true });
  }

  onOpenRaw(id: number): void {
    this.channel.notify({ type: 'openRaw', id });
  }

  onCopy(id: number): void {
    this.channel.notify({ type: 'copyJson', id });
  }

  /** A link in the detail pane to another event (an origin chain's issuing event). */
  onOpenEvent(id: number): void {
    void this.showDetail(id);
  }

  /** Star, tag or comment the selected events (S, T, Shift+T, N); the host asks for the text and keeps the case file. */
  onAnnotate(ids: number[], action: AnnotateAction): void {
    // The host takes at most LIMITS.annotateIds at once and would refuse more without a reply.
    if (ids.length > LIMITS.annotateIds) {
      this.v.toolbar.showLoadError(
        `${ids.length.toLocaleString('en-US')} events are selected: at most ${LIMITS.annotateIds.toLocaleString('en-US')} are starred, tagged or noted at once. Select fewer, or narrow the filter and do it in steps.`,
      );
      return;
    }
    this.channel.notify({ type: 'annotate', ids, action });
  }

  onCloseDetail(): void {
    this.state.detailOpen = false;
    this.layoutDetail();
    this.save();
    this.v.table.focus();
  }

  onPreset(preset: Preset): void {
    if (preset === 'custom')
      this.state.range =
        presetRange(this.state.preset, this.state.range, this.bounds) ?? this.bounds;
    this.state.preset = preset;
    this.save();
    this.syncRangeControls();
    void this.runQuery({ resetScroll: true });
  }

  /** A range typed into the inputs; `to` is the last second shown (inclusive). */
  onRange(range: TimeRange): void {
    this.state.preset = 'custom';
    this.state.range = { from: range.from, to: range.to + 1000 };
    this.save();
    // Written back with each end's offset: a wall-clock time the zone skips or repeats was read by
    // one rule (core/time/zone.ts wallInstant), and the inputs show which instant that was.
    this.syncRangeControls();
    void this.runQuery({ resetScroll: true });
  }

  /** The zone button: the zone is a setting, shared with the hovers; the host opens it. */
  onZoneClick(): void {
    this.channel.notify({ type: 'openTimeZoneSetting' });
  }

  onColumns(columns: ColumnId[]): void {
    this.state.columns = columns;
    this.save();
    this.v.table.setColumns(this.state.columns, this.state.sort, this.zone);
  }

  onExport(format: ExportFormat): void {
    if (this.queryId >= 0) this.channel.notify({ type: 'export', format, queryId: this.queryId });
  }

  onCancelLoad(): void {
    this.channel.notify({ type: 'cancelLoad' });
  }

  // ── keeping the views in step with the state ──

  private syncRangeControls(): void {
    this.v.toolbar.syncRange(
      this.state.preset,
      presetRange(this.state.preset, this.state.range, this.bounds) ?? this.bounds,
    );
  }

  private setZone(zone: Zone): void {
    if (zone === this.zone) return;
    this.zone = zone;
    this.applyZone();
  }

  private applyZone(): void {
    this.v.toolbar.setZone(this.zone);
    this.probe.zone(this.zone);
    this.v.table.setColumns(this.state.columns, this.state.sort, this.zone);
    this.v.histogram.set(this.lastHistogram, this.zone);
    this.v.detail.setZone(this.zone);
    this.syncRangeControls();
  }

  /** The detail pane takes space only when it is open and has an event to show. */
  private layoutDetail(): void {
    this.v.page.layoutDetail(this.state.detailOpen && this.state.selectedId !== null);
  }

  private applyFilter(filter: string, range: TimeRange | null): void {
    this.state.filter = filter;
    this.v.filter.value = filter;
    if (range) {
      this.state.preset = 'custom';
      this.state.range = range;
      this.syncRangeControls();
    }
    this.save();
    void this.runQuery({ resetScroll: true, keepSelection: true });
  }

  // ── talking to the host ──

  /** The query the state asks for, from its first page (the top, or where the table was scrolled). */
  private currentQuery(opts: QueryOptions): QueryParams {
    const startRow = opts.resetScroll ? 0 : Math.floor(this.state.scrollRow);
    return {
      filter: this.state.filter,
      range: presetRange(this.state.preset, this.state.range, this.bounds),
      sort: this.state.sort,
      bins: this.v.histogram.wantedBins,
      pageStart: Math.floor(startRow / PAGE_SIZE) * PAGE_SIZE,
      pageCount: PAGE_SIZE * 2,
      ...(opts.keepSelection && this.state.selectedId !== null
        ? { anchorId: this.state.selectedId }
        : {}),
    };
  }

  private async runQuery(opts: QueryOptions = {}): Promise<void> {
    const seq = ++this.querySeq;
    const started = performance.now();
    const startRow = opts.resetScroll ? 0 : Math.floor(this.state.scrollRow);
    this.lastReload = Date.now();
    this.probe.busy(true);
    let reply: QueryReply;
    try {
      reply = await this.channel.request({ type: 'query', ...this.currentQuery(opts) });
    } catch (e) {
      if (seq === this.querySeq)
        this.v.toolbar.showLoadError(
          `The query failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      return;
    }
    this.lastQueryCost = performance.now() - started;
    this.lastReload = Date.now();
    if (seq === this.querySeq) this.showResult(reply, opts, startRow, started);
  }

  /** Shows a query's answer: rows from `startRow`, histogram, counts, the selection kept or cleared. */
  private showResult(
    reply: QueryReply,
    opts: QueryOptions,
    startRow: number,
    started: number,
  ): void {
    const arrived = performance.now();
    const firstRows = reply.rows.length > 0 && !this.probe.marked('timeline:first-rows-painted');
    this.v.filter.showError(reply.error);
    this.v.filter.showWarnings(
      reply.error ? [] : (reply.warnings ?? []),
      reply.error ? [] : (reply.notes ?? []),
    );
    if (reply.error) {
      this.probe.busy(false);
      return;
    }
    const { table, histogram, detail } = this.v;
    this.queryId = reply.queryId;
    this.matches = reply.matches;
    this.total = reply.total;
    this.bounds = reply.bounds;
    this.lastHistogram = reply.histogram;
    const keepId =
      opts.keepSelection || opts.restore || !opts.resetScroll ? this.state.selectedId : null;
    table.selectedRow = -1;
    // Another query (filter, range, order, a pivot): the rows picked may not be in its result,
    // where nothing would show them picked and S, T or N would still act on them.
    if (opts.resetScroll) table.marked.clear();
    table.setResult(reply.queryId, reply.matches, reply.pageStart, reply.rows);
    table.scrollToRow(startRow);
    histogram.set(reply.histogram, this.zone);
    this.updateCount();
    if (keepId !== null) {
      const row = table.findRow(keepId);
      // Shown when the view moved to another result with it (a pivot, ±5 minutes); a refresh or a
      // restore keeps the scroll position the user left, wherever the selected row is.
      if (row >= 0) table.select(row, opts.keepSelection === true);
      else if (opts.keepSelection && reply.anchorRow !== undefined) {
        // Beyond the first page (a busy ±5 minutes): scrolled to, its row marked while it comes
        // (onPage checks the event there); the pane keeps showing it.
        table.showSelected(reply.anchorRow, true);
        this.state.selectedRow = reply.anchorRow;
      } else if (opts.restore) {
        // Not among the rows come: the pane shows it, and the table marks its row position while
        // that row has not come (onPage checks the event there), never another event's row.
        const at = this.state.selectedRow;
        if (at >= 0 && at < this.matches && !table.rowAt(at)) table.selectedRow = at;
        void this.showDetail(keepId);
      }
    } else if (opts.resetScroll && this.state.selectedId !== null) {
      this.state.selectedId = null;
      this.state.selectedRow = -1;
      detail.set(null);
      this.layoutDetail();
    }
    this.syncRangeControls();
    this.save();
    this.probe.rendered(performance.now() - arrived);
    const firstShown = reply.total > 0 && !this.shownSent;
    this.shownSent ||= firstShown;
    this.frame(() => {
      if (firstRows) this.probe.mark('timeline:first-rows-painted');
      if (firstShown) this.channel.notify({ type: 'shown' });
      this.probe.painted(reply.queryId, performance.now() - started);
    });
    this.v.facets.set(null);
    this.channel.request({ type: 'facets', queryId: reply.queryId, limit: 10 }).then(
      (f) => this.onFacets(f),
      () => {},
    );
  }

  private onPage(p: PageReply): void {
    const { table } = this.v;
    table.addRows(p.queryId, p.start, p.rows);
    const sel = table.selectedSummary();
    if (!sel) return;
    if (this.state.selectedId === null) {
      // A row selected before it arrived (End, PageDown) is announced now.
      this.state.selectedId = sel.id;
      this.layoutDetail();
      this.save();
      void this.showDetail(sel.id);
    } else if (sel.id !== this.state.selectedId) {
      // A restored selection waited at its row position, and another event arrived there (the
      // load went on while the panel was hidden): the selection follows its event, or is let go,
      // so that S, T, N and the context menu never act on the event now at that position.
      const row = table.findRow(this.state.selectedId);
      if (row >= 0) table.select(row);
      else {
        table.selectedRow = -1;
        this.state.selectedRow = -1;
        this.save();
      }
    }
  }

  private onFacets(f: FacetsReply): void {
    if (f.queryId === this.queryId) this.v.facets.set(f.facets);
  }

  private async showDetail(id: number): Promise<void> {
    const seq = ++this.detailSeq;
    const { detail } = this.v;
    if (detail.current?.id === id) return;
    detail.set(null, true);
    let d: DetailReply;
    try {
      d = await this.channel.request({ type: 'detail', id });
    } catch (e) {
      // Said in the pane: a record that cannot be read again (its file changed) is never blank.
      if (seq === this.detailSeq) detail.showError(e instanceof Error ? e.message : String(e));
      return;
    }
    if (seq === this.detailSeq) detail.set(d);
  }

  private updateCount(): void {
    const filtered = this.state.filter.trim() !== '' || this.state.preset !== 'all';
    this.v.toolbar.showCount(this.matches, this.total, filtered);
    this.probe.counts(this.matches, this.total);
  }

  private showProgress(p: LoadProgress): void {
    this.loading = p.loading;
    this.probe.loading(p.loading);
    this.probe.fileNotes(p.fileNotesTotal ?? p.fileNotes?.length ?? 0);
    this.v.toolbar.showProgress(p);
  }

  /** A message the host sent without being asked. */
  onHostEvent(msg: ToWebview): void {
    if (msg.type === 'progress') {
      // One posted earlier and delivered late (to a page still loading) says nothing new.
      if (msg.version < this.progressVersion) return;
      this.progressVersion = msg.version;
      this.hostVersion = Math.max(this.hostVersion, msg.version);
      const wasLoading = this.loading;
      this.showProgress(msg.progress);
      this.bounds = msg.bounds;
      if (msg.total > 0) this.probe.mark('timeline:first-events');
      // Before the hello the view has asked for nothing yet: the hello brings the first rows.
      if (!this.greeted) return;
      if (msg.total === this.total && !(wasLoading && !msg.progress.loading)) return;
      // The first events of a load are shown at once; later ones are batched.
      const empty = this.total === 0;
      this.total = msg.total;
      // New events: refresh the view, at most every RELOAD_THROTTLE_MS while loading.
      clearTimeout(this.reloadTimer);
      // A reload competes with loading for the host's thread: the costlier queries are (a big
      // index), the less often the view refreshes while files are still being read, so that
      // refreshing takes at most about a seventh of the time (a third slowed a load of a
      // million events by about 0.5 s: BENCHMARKS.md "Timeline").
      const gap = Math.max(RELOAD_THROTTLE_MS, 6 * this.lastQueryCost);
      const wait =
        msg.progress.loading && !empty ? Math.max(0, gap - (Date.now() - this.lastReload)) : 0;
      this.reloadTimer = setTimeout(() => void this.runQuery({}), wait);
    } else if (msg.type === 'hello') {
      if (!this.restored) this.greet(msg, true);
    } else if (msg.type === 'timeZone') {
      this.setZone(msg.zone);
    } else if (msg.type === 'refresh') {
      // The case file changed: annotations, tag: filters and the Tags facet, in place (before
      // the hello: the hello asks again if it is older).
      this.hostVersion = Math.max(this.hostVersion, msg.version);
      if (this.greeted) void this.runQuery({});
    } else if (msg.type === 'setFilter') {
      this.state.preset = msg.range ? 'custom' : 'all';
      this.state.range = msg.range;
      this.applyFilter(msg.filter, msg.range);
    }
  }

  /**
   * Applies the first hello: the reply to the ready, or the one the host pushed before the page
   * asked (START_QUERY's answer, so only a page with no saved state takes it). Later ones are
   * ignored. A query the user started meanwhile wins over the hello's result.
   */
  private greet(hello: HelloReply, pushed: boolean): void {
    if (this.greeted) return;
    this.greeted = true;
    this.probe.mark('timeline:hello');
    this.lastQueryCost = performance.now() - this.startQuery.sent;
    this.lastReload = Date.now();
    this.v.page.setTitle(hello.title);
    this.setZone(hello.timeZone);
    this.total = hello.total;
    // A progress or refresh newer than the hello came first (messages to a loading page can
    // arrive out of order): its status stays, and the hello's result is replaced once shown.
    const stale = hello.version < this.hostVersion;
    if (hello.version >= this.progressVersion) {
      this.progressVersion = hello.version;
      this.bounds = hello.bounds;
      this.showProgress(hello.progress);
    }
    let opts: QueryOptions = { restore: true };
    let row = this.startQuery.row;
    if (hello.initialFilter !== null) {
      const s = this.state;
      this.state = {
        ...defaultState(),
        columns: s.columns,
        widths: s.widths,
        sort: s.sort,
        filter: hello.initialFilter,
        preset: hello.initialRange ? 'custom' : 'all',
        range: hello.initialRange,
      };
      this.syncRangeControls();
      this.v.filter.value = this.state.filter;
      this.save();
      opts = { resetScroll: true };
      row = 0;
    }
    const current = this.startQuery.seq === this.querySeq;
    if (hello.first && current) {
      this.showResult(hello.first, opts, row, this.startQuery.sent);
      if (stale) void this.runQuery({});
      // START_QUERY's histogram has its own bin count: re-binned for this canvas once painted.
      else if (pushed && this.v.histogram.wantedBins !== START_QUERY.bins)
        this.frame(() =>
          setTimeout(() => this.startQuery.seq === this.querySeq && void this.runQuery({}), 0),
        );
    } else if (!hello.first || hello.initialFilter !== null) void this.runQuery(opts);
    this.probe.ready();
  }

  /** Shows the saved state and sends the ready (with the first query); resolves once greeted. */
  async start(): Promise<void> {
    this.v.filter.value = this.state.filter;
    this.v.toolbar.syncColumns(this.state.columns);
    this.v.table.setWidths(this.state.widths);
    this.layoutDetail();
    this.applyZone();
    // The first query goes with the ready, unless its range is relative to the data's bounds
    // (which the hello brings); the view runs it itself then.
    const query =
      this.state.preset === 'all' || this.state.preset === 'custom'
        ? this.currentQuery({ restore: true })
        : null;
    this.startQuery = {
      seq: ++this.querySeq,
      sent: performance.now(),
      row: Math.floor(this.state.scrollRow),
    };
    this.probe.mark('timeline:ready-sent');
    this.probe.busy(true);
    try {
      this.greet(await this.channel.request({ type: 'ready', query }), false);
    } catch (e) {
      this.v.toolbar.showLoadError(
        `The timeline could not start: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}
