// The host side of one timeline panel, free of VS Code: answers the webview's requests from the
// index (through TimelineData) and hands the actions that need the editor (open, copy, export,
// cancel) to HostActions. The panel (timelinePanel.ts) only wires this to a webview.
import {
  AnnotateAction,
  Channel,
  Envelope,
  Facet,
  FACET_IDS,
  FilterReply,
  FromWebview,
  HelloReply,
  LIMITS,
  LoadProgress,
  QueryError,
  QueryParams,
  START_QUERY,
  QueryReply,
  SortOrder,
  TimeRange,
  ToWebview,
  validateFromWebview,
} from '../../protocol';
import { QuerySyntaxError } from '../../core/query/ast';
import { appendTerm, formatTermWithin } from '../../core/query/format';
import { parseQuery } from '../../core/query/parse';
import { queryWarnings } from '../../core/query/warnings';
import { chooseBins } from './bins';
import { completionsAt } from './completion';
import { detailFor } from './detailModel';
import { ResultSet, TimelineData } from './timelineData';

export interface HostActions {
  openRaw(id: number): void | Promise<void>;
  copyJson(id: number): void | Promise<void>;
  export(format: 'jsonl' | 'csv', result: ResultSet): void | Promise<void>;
  cancelLoad(): void;
  /** The user asked to change the time zone (optional: hosts without settings ignore it). */
  openTimeZoneSetting?(): void;
  /** The view painted its first result over some events. */
  shown(): void;
  /** A malformed message arrived (logged: it means a bug or a compromised view). */
  invalidMessage(raw: unknown): void;
  /** Star, tag or comment these events (in the case file). */
  annotate?(ids: number[], action: AnnotateAction): void | Promise<void>;
}

/** How many query results stay answerable (pages of a result the view moved on from are refused). */
const KEPT_RESULTS = 6;

export class TimelineSession {
  private readonly channel: Channel<ToWebview, FromWebview>;
  private readonly results = new Map<number, ResultSet>();
  private nextQueryId = 1;
  private latestQueryId = 0;
  private pendingFilter: { filter: string; range: TimeRange | null } | null;
  private progress: LoadProgress = {
    loading: false,
    filesDone: 0,
    filesTotal: 0,
    events: 0,
    failedFiles: 0,
  };
  /** A view has said `ready` (its page is running). */
  private viewStarted = false;
  /** The hello pushed to the panel's first view before it asked, and the initial filter it carried. */
  private pushed: { initial: { filter: string; range: TimeRange | null } | null } | null = null;
  /** The filter and range of the view's latest query. */
  private current: { filter: string; range: TimeRange | null } = { filter: '', range: null };
  /** The zone the view shows times in. */
  private timeZone = 'UTC';
  /** Counts the changes the view is told of (progress, refresh): see HelloReply.version. */
  private version = 0;

  constructor(
    private data: TimelineData,
    post: (e: Envelope) => void,
    private readonly actions: HostActions,
    private title: string,
    initialFilter: { filter: string; range: TimeRange | null } | null = null,
  ) {
    this.pendingFilter = initialFilter;
    if (initialFilter) this.current = { ...initialFilter };
    this.channel = new Channel<ToWebview, FromWebview>(
      post,
      validateFromWebview,
      (m) => this.handle(m),
      (message) => ({ type: 'error', message }),
      (raw) => actions.invalidMessage(raw),
    );
  }

  /** Feed every message from the webview here. */
  receive(raw: unknown): Promise<void> {
    return this.channel.receive(raw);
  }

  setProgress(progress: LoadProgress): void {
    this.progress = progress;
    this.channel.notify({
      type: 'progress',
      progress,
      total: this.data.total(),
      bounds: this.data.bounds(),
      version: ++this.version,
    });
    if (!this.viewStarted && !this.pushed && this.data.total() > 0) void this.pushHello();
  }

  /**
   * The first events are in and the panel's page has not started yet: its hello, with the answer
   * to START_QUERY, is sent now. VS Code holds messages for a page that is still loading and hands
   * them over once it has loaded, so the first rows need no round trip; the page's own `ready`
   * still gets a hello (without a result), in case it was not greeted. Held messages are not
   * always handed over in the order they were posted: each carries a version (HelloReply.version).
   */
  private async pushHello(): Promise<void> {
    this.pushed = { initial: this.pendingFilter };
    const hello = await this.hello(START_QUERY);
    this.channel.notify(hello);
  }

  /** The hello for a view whose first query is `q`; an initial filter replaces the view's own (from the top). */
  private async hello(q: QueryParams | null): Promise<HelloReply> {
    const initial = this.pendingFilter;
    this.pendingFilter = null;
    // Taken before the query: progress or a refresh while it runs makes this hello older.
    const { version, progress } = this;
    const total = this.data.total();
    const bounds = this.data.bounds();
    const first =
      q &&
      (initial
        ? await this.query(initial.filter, initial.range, q.sort, q.bins, 0, q.pageCount)
        : await this.query(q.filter, q.range, q.sort, q.bins, q.pageStart, q.pageCount));
    return {
      type: 'hello',
      title: this.title,
      total,
      bounds,
      progress,
      initialFilter: initial ? initial.filter : null,
      initialRange: initial ? initial.range : null,
      first,
      timeZone: this.timeZone,
      version,
    };
  }

  /**
   * Shows a filter in an open panel (the command ran again with a filter). A hidden view is not
   * running and misses the message, so the filter is also kept for its next `ready`; a visible
   * view answers with a query, which clears it.
   */
  showFilter(filter: string, range: TimeRange | null): void {
    this.pendingFilter = { filter, range };
    this.channel.notify({ type: 'setFilter', filter, range });
  }

  /** Sets the zone of the view's times (the setting changed); a running view is told at once. */
  setTimeZone(zone: string): void {
    if (zone === this.timeZone) return;
    this.timeZone = zone;
    this.channel.notify({ type: 'timeZone', zone });
  }

  /** Points the session at another index (the panel was re-targeted at another source). */
  setData(
    data: TimelineData,
    title: string,
    initial: { filter: string; range: TimeRange | null } | null,
  ): void {
    this.data = data;
    this.title = title;
    this.results.clear();
    this.pendingFilter = initial;
  }

  /** The case file changed: the view runs its query again (annotations, tag: filters, the Tags facet). */
  refresh(): void {
    this.channel.notify({ type: 'refresh', version: ++this.version });
  }

  result(queryId: number): ResultSet | undefined {
    return this.results.get(queryId);
  }

  dispose(): void {
    this.channel.dispose();
    this.results.clear();
  }

  private async handle(m: FromWebview): Promise<ToWebview | undefined> {
    switch (m.type) {
      case 'ready': {
        const greeted = !this.viewStarted && this.pushed;
        this.viewStarted = true;
        // The first view was sent its hello already: this one only stands in for it (no result).
        if (greeted)
          return {
            ...(await this.hello(null)),
            initialFilter: greeted.initial?.filter ?? null,
            initialRange: greeted.initial?.range ?? null,
          };
        return await this.hello(m.query);
      }
      case 'query':
        this.pendingFilter = null;
        return await this.query(
          m.filter,
          m.range,
          m.sort,
          m.bins,
          m.pageStart,
          m.pageCount,
          m.anchorId,
        );
      case 'page': {
        const r = this.results.get(m.queryId);
        if (!r) return { type: 'error', message: `query ${m.queryId} is no longer current` };
        return {
          type: 'pageResult',
          queryId: m.queryId,
          start: m.start,
          rows: this.data.rows(r, m.start, m.count),
        };
      }
      case 'facets': {
        const r = this.results.get(m.queryId);
        if (!r) return { type: 'error', message: `query ${m.queryId} is no longer current` };
        // One field at a time, yielding in between: a newer query (the user typed on) is answered
        // first, and facets of a result the view has left are not finished at all.
        const facets: Facet[] = [];
        for (const id of FACET_IDS) {
          if (m.queryId !== this.latestQueryId)
            return { type: 'error', message: `query ${m.queryId} was superseded` };
          const facet = this.data.facet(r, id, m.limit);
          // The case's tags and the detections show only when the result has tagged events or hits.
          if ((id !== 'tag' && id !== 'detection') || facet.values.length > 0) facets.push(facet);
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { type: 'facetsResult', queryId: m.queryId, facets };
      }
      case 'detail': {
        const raw = await this.data.raw(m.id);
        if (raw === undefined) return { type: 'error', message: `no event ${m.id}` };
        const origin = this.data.origin?.(m.id, raw);
        const detections = this.data.detectionsOf?.(m.id, raw);
        const reply = detailFor(
          m.id,
          raw,
          this.data.time(m.id),
          origin?.origin,
          origin?.consoleLogin,
        );
        return detections?.length ? { ...reply, detections } : reply;
      }
      case 'complete':
        return {
          type: 'completeResult',
          items: completionsAt(m.filter, m.cursor, (paths, prefix, limit) =>
            this.data.topValues(paths, prefix, limit),
          ),
        };
      case 'addTerm':
        return this.addTerm(m.filter, m.field, m.value, m.negate);
      case 'openRaw':
        await this.actions.openRaw(m.id);
        return undefined;
      case 'copyJson':
        await this.actions.copyJson(m.id);
        return undefined;
      case 'export': {
        const r = this.results.get(m.queryId);
        if (r) await this.actions.export(m.format, r);
        return undefined;
      }
      case 'cancelLoad':
        this.actions.cancelLoad();
        return undefined;
      case 'shown':
        this.actions.shown();
        return undefined;
      case 'annotate':
        await this.actions.annotate?.(m.ids, m.action);
        return undefined;
      case 'openTimeZoneSetting':
        this.actions.openTimeZoneSetting?.();
        return undefined;
    }
  }

  /**
   * The filter with `field:value` (or its exclusion) added. A value too long for a filter (the
   * host takes LIMITS.filterLength at most) becomes a prefix wildcard, and the user is told what
   * it matches: whether any other value loaded starts the same way. With no room left for a
   * useful prefix the filter stays as it was, and the notice says why.
   */
  private addTerm(filter: string, field: string, value: string, negate: boolean): FilterReply {
    const room = LIMITS.filterLength - appendTerm(filter, '').length;
    const fitted = formatTermWithin(field, value, room, { negate });
    if (!fitted) {
      return {
        type: 'filterText',
        filter,
        notice: `This value (${value.length.toLocaleString('en-US')} characters) does not fit in the filter, which holds ${LIMITS.filterLength.toLocaleString('en-US')} characters: remove terms from the filter first.`,
      };
    }
    const out: FilterReply = { type: 'filterText', filter: appendTerm(filter, fitted.term) };
    if (fitted.prefixLength !== undefined) {
      const others =
        (this.data.valuesStartingWith(field, value.slice(0, fitted.prefixLength)) ?? 0) - 1;
      const what = negate ? 'excludes the values' : 'keeps the values';
      const same =
        others > 0
          ? `${others.toLocaleString('en-US')} other value${others === 1 ? '' : 's'} loaded start${others === 1 ? 's' : ''} the same way, so it ${negate ? 'excludes' : 'finds'} those events too`
          : `no other value loaded starts the same way, so it ${negate ? 'excludes' : 'finds'} exactly this value's events`;
      out.notice = `This value (${value.length.toLocaleString('en-US')} characters) is longer than a filter can hold: the filter ${what} that start with its first ${fitted.prefixLength.toLocaleString('en-US')} characters (${same}).`;
    }
    return out;
  }

  get currentQuery(): { filter: string; range: TimeRange | null } {
    return this.current;
  }

  private async query(
    filter: string,
    range: TimeRange | null,
    sort: SortOrder,
    wantedBins: number,
    pageStart: number,
    pageCount: number,
    anchorId?: number,
  ): Promise<QueryReply> {
    this.current = { filter, range };
    const total = this.data.total();
    const bounds = this.data.bounds();
    let result: ResultSet;
    try {
      result = await this.data.query(filter, range, sort);
    } catch (e) {
      if (!(e instanceof QuerySyntaxError)) throw e;
      return {
        type: 'queryResult',
        queryId: 0,
        matches: 0,
        total,
        bounds,
        histogram: { from: 0, binMs: 1, counts: [], errors: [] },
        pageStart: 0,
        rows: [],
        error: {
          message: e.message.replace(/^col \d+: /, ''),
          offset: Math.max(0, e.offset),
          length: Math.max(0, e.length),
        },
      };
    }
    const queryId = this.nextQueryId++;
    this.latestQueryId = queryId;
    this.results.set(queryId, result);
    for (const old of this.results.keys())
      if (this.results.size > KEPT_RESULTS) this.results.delete(old);
    const span = range ?? bounds;
    let histogram = { from: 0, binMs: 1, counts: [] as number[], errors: [] as number[] };
    if (span) {
      const b = chooseBins(span, wantedBins);
      histogram = {
        from: b.from,
        binMs: b.binMs,
        ...this.data.histogram(result, b.from, b.binMs, b.bins),
      };
    }
    const start = Math.min(pageStart, Math.max(0, result.size - 1));
    const anchorRow = anchorId === undefined ? -1 : this.data.position(result, anchorId);
    return {
      type: 'queryResult',
      queryId,
      matches: result.size,
      total,
      bounds,
      histogram,
      pageStart: start,
      rows: this.data.rows(result, start, pageCount),
      ...(anchorRow >= 0 ? { anchorRow } : {}),
      error: null,
      warnings: filterWarnings(filter, this.timeZone),
      notes: result.notes ?? [],
    };
  }
}

/** What the view shows under the filter box for a filter that parses (query/warnings.ts). */
function filterWarnings(filter: string, timeZone: string): QueryError[] {
  return queryWarnings(parseQuery(filter), filter, timeZone).map((w) => ({
    message: w.message,
    offset: w.start,
    length: w.end - w.start,
  }));
}
