// The timeline webview's controller against a fake channel and fake views: the races and replies
// that only show in a real panel now and then (a pushed hello overtaken by typing, replies out of
// order, a failed query, a panel shown again from its saved state).
import assert from 'node:assert/strict';
import {
  ColumnId,
  FromWebview,
  HelloReply,
  LIMITS,
  QueryReply,
  RowSummary,
  START_QUERY,
  TimeRange,
} from '../../../src/protocol';
import { ControllerChannel, TimelineController, Views } from '../../../src/webview/controller';
import { Probe } from '../../../src/webview/probe';
import { defaultState, ViewState } from '../../../src/webview/state';

interface Pending {
  body: FromWebview;
  resolve(reply: unknown): void;
  reject(e: Error): void;
}

class FakeChannel implements ControllerChannel {
  pending: Pending[] = [];
  notified: FromWebview[] = [];
  request(body: FromWebview): Promise<never> {
    return new Promise((resolve, reject) =>
      this.pending.push({ body, resolve: resolve as (r: unknown) => void, reject }),
    );
  }
  notify(body: FromWebview): void {
    this.notified.push(body);
  }
  /** The oldest outstanding request of this type (removed from the list). */
  take(type: FromWebview['type']): Pending {
    const i = this.pending.findIndex((p) => p.body.type === type);
    assert.ok(
      i >= 0,
      `no ${type} request outstanding (have: ${this.pending.map((p) => p.body.type).join(', ')})`,
    );
    return this.pending.splice(i, 1)[0];
  }
}

const row = (id: number, eventName: string): RowSummary => ({
  id,
  time: 1_700_000_000_000 + id * 1000,
  tag: '',
  detection: '',
  eventName,
  eventSource: 's3.amazonaws.com',
  principal: 'alice',
  sourceIp: '192.0.2.1',
  region: 'us-east-1',
  account: '111122223333',
  errorCode: '',
  readOnly: 'true',
  origin: '',
});

function result(queryId: number, rows: RowSummary[], extra: Partial<QueryReply> = {}): QueryReply {
  return {
    type: 'queryResult',
    queryId,
    matches: rows.length,
    total: 50,
    bounds: { from: 0, to: 1 },
    histogram: { from: 0, binMs: 1000, counts: [rows.length], errors: [0] },
    pageStart: 0,
    rows,
    error: null,
    ...extra,
  };
}

function hello(first: QueryReply | null, extra: Partial<HelloReply> = {}): HelloReply {
  return {
    type: 'hello',
    title: 'Timeline',
    total: 50,
    bounds: { from: 0, to: 1 },
    progress: { loading: false, filesDone: 1, filesTotal: 1, events: 50, failedFiles: 0 },
    initialFilter: null,
    initialRange: null,
    first,
    timeZone: 'UTC',
    version: 0,
    ...extra,
  };
}

/** Fake views recording what the controller showed. */
function fakeViews() {
  const shown = {
    results: [] as { queryId: number; rows: RowSummary[] }[],
    errors: [] as unknown[],
    loadErrors: [] as string[],
    selected: [] as number[],
    /** Rows marked selected without being announced, and whether scrolled into view. */
    shownSelected: [] as [number, boolean][],
    /** For each select: whether it scrolled its row into view. */
    revealed: [] as boolean[],
    details: [] as (number | null)[],
    detailErrors: [] as string[],
    title: '',
    detailOpen: [] as boolean[],
    filterValue: '',
    zones: [] as string[],
    ranges: [] as (TimeRange | null)[],
  };
  // The table's loaded rows by position (a reply's rows start at its pageStart), for its query.
  let rows = new Map<number, RowSummary>();
  let tableQuery = -1;
  const views: Views = {
    filter: {
      get value() {
        return shown.filterValue;
      },
      set value(v: string) {
        shown.filterValue = v;
      },
      showError: (e) => shown.errors.push(e),
      showWarnings: () => {},
      showNote: () => {},
    },
    table: {
      selectedRow: -1,
      marked: new Set<number>(),
      setResult(queryId, _total, start, r) {
        tableQuery = queryId;
        rows = new Map(r.map((x, i) => [start + i, x]));
        shown.results.push({ queryId, rows: r });
      },
      addRows(queryId, start, r) {
        if (queryId === tableQuery) r.forEach((x, i) => rows.set(start + i, x));
      },
      setColumns: (_c: ColumnId[]) => {},
      setWidths: () => {},
      scrollToRow: () => {},
      findRow: (id) => [...rows].find(([, r]) => r.id === id)?.[0] ?? -1,
      rowAt: (i) => rows.get(i),
      select(i, reveal = false) {
        this.selectedRow = i;
        shown.selected.push(i);
        shown.revealed.push(reveal);
      },
      showSelected(i, reveal) {
        this.selectedRow = i;
        shown.shownSelected.push([i, reveal]);
      },
      selectedSummary() {
        return this.selectedRow >= 0 ? rows.get(this.selectedRow) : undefined;
      },
      focus: () => {},
    },
    histogram: { wantedBins: START_QUERY.bins, set: () => {} },
    facets: { set: () => {} },
    detail: {
      current: null,
      set: (d) => shown.details.push(d?.id ?? null),
      showError: (m) => shown.detailErrors.push(m),
      setZone: () => {},
      focus: () => {},
    },
    toolbar: {
      syncRange: (_preset, r) => shown.ranges.push(r),
      syncColumns: () => {},
      setZone: (z) => shown.zones.push(z),
      showCount: () => {},
      showProgress: () => {},
      showLoadError: (t) => shown.loadErrors.push(t),
    },
    page: {
      setTitle: (t) => (shown.title = t),
      layoutDetail: (open) => shown.detailOpen.push(open),
    },
  };
  return { views, shown };
}

function setup(saved?: ViewState) {
  const channel = new FakeChannel();
  const { views, shown } = fakeViews();
  const stored: ViewState[] = [];
  const data: Record<string, string | undefined> = {};
  const marks: string[] = [];
  const frames: (() => void)[] = [];
  const controller = new TimelineController({
    channel,
    views,
    store: { get: () => saved, set: (s) => stored.push(structuredClone(s)) },
    probe: new Probe(data, {
      mark: (n) => marks.push(n),
      getEntriesByName: (n) => marks.filter((m) => m === n),
    }),
    frame: (cb) => frames.push(cb),
  });
  const paint = () => frames.splice(0).forEach((f) => f());
  return { channel, controller, views, shown, stored, data, marks, paint };
}

const settle = () => new Promise((r) => setImmediate(r));

/** A controller started and greeted with one row (query 1). */
async function greeted(first = hello(result(1, [row(1, 'GetObject')]))) {
  const t = setup();
  void t.controller.start();
  t.channel.take('ready').resolve(first);
  await settle();
  return t;
}

describe('timeline: the webview controller', () => {
  it('writes a typed range back into the inputs, with the offset each end was read at', async () => {
    const t = await greeted();
    const from = Date.UTC(2024, 10, 3, 5, 30);
    t.controller.onRange({ from, to: from + 3600_000 });
    // The inputs now show each end with its offset: a wall-clock time the zone repeats or skips
    // is not left as typed, so the reader sees which instant was taken.
    assert.deepEqual(t.shown.ranges.at(-1), { from, to: from + 3600_000 + 1000 });
  });

  it('keeps a filter typed while the pushed hello arrives (the hello does not overwrite it)', async () => {
    const t = setup();
    const started = t.controller.start();
    const ready = t.channel.take('ready');
    assert.deepEqual((ready.body as { query: unknown }).query, {
      ...START_QUERY,
      bins: START_QUERY.bins,
      pageCount: 200,
    });
    // The user types before anything came back.
    t.controller.onFilterChange('event:ConsoleLogin', true);
    const typed = t.channel.take('query');
    assert.equal((typed.body as { filter: string }).filter, 'event:ConsoleLogin');
    // The host pushes its hello with START_QUERY's (unfiltered) answer.
    t.controller.onHostEvent(hello(result(1, [row(1, 'GetObject'), row(2, 'PutObject')])));
    assert.equal(
      t.shown.results.length,
      0,
      "the hello's unfiltered rows were shown over the typed filter",
    );
    assert.equal(t.data.ready, 'true');
    typed.resolve(result(2, [row(7, 'ConsoleLogin')]));
    await settle();
    assert.deepEqual(
      t.shown.results.map((r) => r.queryId),
      [2],
    );
    assert.equal(t.controller.state.filter, 'event:ConsoleLogin');
    assert.equal(t.data.matches, '1');
    // The ready's own hello, arriving later, is ignored too.
    ready.resolve(hello(result(3, [row(1, 'GetObject')])));
    await started;
    assert.deepEqual(
      t.shown.results.map((r) => r.queryId),
      [2],
    );
    t.paint();
    assert.equal(t.data.queryId, '2');
    assert.equal(t.data.busy, 'false');
    assert.deepEqual(t.channel.notified, [{ type: 'shown' }]);
    assert.ok(t.marks.includes('timeline:first-rows-painted'));
  });

  it('drops a stale reply that arrives after a newer one', async () => {
    const t = await greeted();
    t.controller.onFilterChange('event:A', true);
    t.controller.onFilterChange('event:B', true);
    const [a, b] = [t.channel.take('query'), t.channel.take('query')];
    b.resolve(result(11, [row(2, 'B')]));
    await settle();
    a.resolve(result(10, [row(3, 'A')]));
    await settle();
    assert.deepEqual(
      t.shown.results.map((r) => r.queryId),
      [1, 11],
    );
    assert.equal(t.controller.queryIdShown, 11);
    // Export asks for the result on screen, not the stale one.
    t.controller.onExport('csv');
    assert.deepEqual(t.channel.notified.at(-1), { type: 'export', format: 'csv', queryId: 11 });
  });

  it('says when more events are selected than the host annotates at once, instead of sending what it would refuse', async () => {
    const t = await greeted();
    t.controller.onAnnotate([1, 2], 'star');
    assert.deepEqual(t.channel.notified.at(-1), { type: 'annotate', ids: [1, 2], action: 'star' });
    const many = Array.from({ length: LIMITS.annotateIds + 1 }, (_, i) => i);
    const before = t.channel.notified.length;
    t.controller.onAnnotate(many, 'tag');
    assert.equal(t.channel.notified.length, before, 'nothing sent');
    assert.match(t.shown.loadErrors.at(-1) ?? '', /^10,001 events are selected: at most 10,000/);
  });

  it('shows a query error inline and keeps the rows; a failed request says so', async () => {
    const t = await greeted();
    t.controller.onFilterChange('event:(', true);
    const error = { message: 'expected a value', offset: 7, length: 1 };
    t.channel.take('query').resolve(result(0, [], { error }));
    await settle();
    assert.deepEqual(t.shown.errors.at(-1), error);
    assert.deepEqual(
      t.shown.results.map((r) => r.queryId),
      [1],
      'an error reply replaced the rows',
    );
    assert.equal(t.controller.queryIdShown, 1);
    assert.equal(t.data.busy, 'false');
    // The host answered with an error message (the request rejects).
    t.controller.onFilterChange('event:x', true);
    t.channel.take('query').reject(new Error('the index is gone'));
    await settle();
    assert.deepEqual(t.shown.loadErrors, ['The query failed: the index is gone']);
  });

  describe('messages overtaking each other on the way to a page still loading', () => {
    const status = (loading: boolean, events = 50) => ({
      loading,
      filesDone: loading ? 1 : 9,
      filesTotal: 9,
      events,
      failedFiles: 0,
    });
    const progressEvent = (version: number, loading: boolean, total = 50) => ({
      type: 'progress' as const,
      progress: status(loading, total),
      total,
      bounds: { from: 0, to: 1 },
      version,
    });

    it('keeps the done status a later progress gave when the pushed hello arrives after it, and asks again', async () => {
      const t = setup();
      void t.controller.start();
      t.channel.take('ready');
      // The host posted: progress v1 (loading), the hello (taken at v1), progress v2 (done); the
      // page got the first and last before the hello.
      t.controller.onHostEvent(progressEvent(1, true, 20));
      t.controller.onHostEvent(progressEvent(2, false, 50));
      assert.equal(t.data.loading, 'false');
      t.controller.onHostEvent(
        hello(result(1, [row(1, 'GetObject')], { total: 20 }), {
          version: 1,
          total: 20,
          progress: status(true, 20),
        }),
      );
      assert.equal(t.data.loading, 'false', "the hello's older status was shown over the newer");
      assert.equal(t.data.ready, 'true');
      // Its result (20 events of 50) is shown, then asked for again.
      const again = t.channel.take('query');
      again.resolve(result(2, [row(1, 'GetObject'), row(2, 'PutObject')]));
      await settle();
      assert.deepEqual(
        t.shown.results.map((r) => r.queryId),
        [1, 2],
      );
      assert.equal(t.data.total, '50');
    });

    it('asks again after a hello older than a refresh that came first (the rules ran, the case changed)', async () => {
      const t = setup();
      void t.controller.start();
      t.channel.take('ready');
      t.controller.onHostEvent({ type: 'refresh', version: 3 });
      assert.ok(
        !t.channel.pending.some((p) => p.body.type === 'query'),
        'nothing to refresh before the hello',
      );
      t.controller.onHostEvent(hello(result(1, [row(1, 'GetObject')]), { version: 2 }));
      t.channel.take('query');
    });

    it('asks nothing more after a hello as new as what came before it', async () => {
      const t = setup();
      void t.controller.start();
      t.channel.take('ready');
      t.controller.onHostEvent(progressEvent(1, true, 20));
      t.controller.onHostEvent(
        hello(result(1, [row(1, 'GetObject')]), { version: 1, progress: status(true, 20) }),
      );
      assert.equal(t.data.loading, 'true');
      assert.deepEqual(
        t.channel.pending.map((p) => p.body.type),
        ['facets'],
        'a query was asked again',
      );
    });

    it('ignores a progress older than the one shown', async () => {
      const t = await greeted(hello(result(1, [row(1, 'GetObject')]), { version: 4 }));
      t.controller.onHostEvent(progressEvent(6, false));
      t.controller.onHostEvent(progressEvent(5, true, 20));
      assert.equal(t.data.loading, 'false');
      assert.ok(!t.channel.pending.some((p) => p.body.type === 'query'));
    });
  });

  it('restores a hidden panel from its saved state: the query, the selection, the detail pane', async () => {
    const saved: ViewState = {
      ...defaultState(),
      filter: 'event:PutObject',
      sort: 'desc',
      selectedId: 42,
      selectedRow: 250,
      scrollRow: 240,
      detailOpen: false,
    };
    const t = setup(JSON.parse(JSON.stringify(saved)));
    void t.controller.start();
    assert.equal(t.shown.filterValue, 'event:PutObject');
    assert.deepEqual(t.shown.detailOpen, [false]);
    const ready = t.channel.take('ready');
    assert.deepEqual((ready.body as { query: unknown }).query, {
      filter: 'event:PutObject',
      range: null,
      sort: 'desc',
      bins: START_QUERY.bins,
      pageStart: 200,
      pageCount: 200,
    });
    // A restored page does not take the pushed hello (it answers START_QUERY, not this state).
    t.controller.onHostEvent(hello(result(1, [row(1, 'GetObject')])));
    assert.equal(t.shown.results.length, 0);
    const rows = Array.from({ length: 60 }, (_, i) =>
      row(i < 50 ? 100 + i : 42 - 50 + i, 'PutObject'),
    );
    ready.resolve(hello(result(5, rows, { pageStart: 200, matches: 400 })));
    await settle();
    assert.deepEqual(
      t.shown.results.map((r) => r.queryId),
      [5],
    );
    assert.ok(
      t.shown.selected.length === 1 && rows[t.shown.selected[0] - 200].id === 42,
      'the saved event is selected again',
    );
    assert.deepEqual(t.stored.at(-1)!.filter, 'event:PutObject');
  });

  it('does not select another event that now sits at a restored row position (the load went on while the panel was hidden)', async () => {
    // The user selected event 42 at row 950, scrolled back to the top and hid the panel.
    const saved: ViewState = { ...defaultState(), selectedId: 42, selectedRow: 950, scrollRow: 0 };
    const t = setup(JSON.parse(JSON.stringify(saved)));
    void t.controller.start();
    const top = Array.from({ length: 200 }, (_, i) => row(1000 + i, 'GetObject'));
    t.channel.take('ready').resolve(hello(result(5, top, { matches: 2000 })));
    await settle();
    assert.equal(t.channel.take('detail').body.type, 'detail');
    // Events loaded meanwhile moved 42 ten rows down: row 950 holds event 77 now.
    const page = Array.from({ length: 100 }, (_, i) =>
      row(900 + i === 950 ? 77 : 900 + i === 960 ? 42 : 3000 + i, 'GetObject'),
    );
    t.controller.requestPage(5, 900, 100);
    t.channel.take('page').resolve({ type: 'pageResult', queryId: 5, start: 900, rows: page });
    await settle();
    // S, T and N act on the table's selection: it is the event in the detail pane, or none.
    const selected = t.views.table.selectedSummary();
    assert.equal(selected?.id ?? 42, 42, `event ${selected?.id} is selected instead of 42`);
    assert.equal(t.views.table.selectedRow, 960);
  });

  it('does not select another event at the restored row position when that row came with the first rows', async () => {
    const saved: ViewState = {
      ...defaultState(),
      selectedId: 42,
      selectedRow: 250,
      scrollRow: 240,
    };
    const t = setup(JSON.parse(JSON.stringify(saved)));
    void t.controller.start();
    // Rows 200..399; 42 moved out of them, event 77 sits at row 250.
    const rows = Array.from({ length: 200 }, (_, i) => row(i === 50 ? 77 : 1000 + i, 'GetObject'));
    t.channel.take('ready').resolve(hello(result(5, rows, { pageStart: 200, matches: 2000 })));
    await settle();
    const selected = t.views.table.selectedSummary();
    assert.equal(selected?.id ?? 42, 42, `event ${selected?.id} is selected instead of 42`);
    // The pane shows the event selected (by its id), as before the panel was hidden.
    assert.equal((t.channel.take('detail').body as { id: number }).id, 42);
  });

  it('±5 minutes in a busy window scrolls to the event kept selected, beyond the first page', async () => {
    const t = await greeted(hello(result(1, [row(1, 'GetObject'), row(5750, 'DeleteTrail')])));
    t.controller.onSelect(1, 5750, true);
    t.channel.take('detail');
    t.controller.onContext(1_700_005_750_000, 5750);
    const q = t.channel.take('query');
    assert.equal((q.body as { anchorId?: number }).anchorId, 5750, 'the host is not told');
    // 1,000 events in the ten minutes; the event is the 751st, not among the first 200 rows.
    const first = Array.from({ length: 200 }, (_, i) => row(5000 + i, 'GetObject'));
    q.resolve(result(2, first, { matches: 1000, anchorRow: 750 }));
    await settle();
    assert.deepEqual(t.shown.shownSelected.at(-1), [750, true], 'not scrolled to its row');
    assert.equal(t.controller.state.selectedId, 5750);
    assert.equal(t.controller.state.selectedRow, 750);
    assert.equal(t.shown.detailOpen.at(-1), true, 'the pane let go of the event');
    // Its page comes: the same event is there, the selection stays on it.
    t.controller.requestPage(2, 700, 100);
    const page = Array.from({ length: 100 }, (_, i) =>
      row(i === 50 ? 5750 : 5700 + i + (i > 50 ? 1000 : 0), 'GetObject'),
    );
    t.channel.take('page').resolve({ type: 'pageResult', queryId: 2, start: 700, rows: page });
    await settle();
    assert.equal(t.views.table.selectedSummary()?.id, 5750);
    assert.equal(t.controller.state.selectedId, 5750);
  });

  it('shows the detail pane again once a row selected before it arrived comes in', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i, 'GetObject'));
    const t = await greeted(hello(result(1, rows, { matches: 1000 })));
    t.controller.onSelect(0, 0, true);
    t.channel.take('detail');
    assert.equal(t.shown.detailOpen.at(-1), true);
    // End: the last row, not loaded yet.
    t.views.table.selectedRow = 999;
    t.controller.onSelect(999, null, false);
    t.controller.requestPage(1, 900, 100);
    const page = Array.from({ length: 100 }, (_, i) => row(5900 + i, 'PutObject'));
    t.channel.take('page').resolve({ type: 'pageResult', queryId: 1, start: 900, rows: page });
    await settle();
    assert.deepEqual((t.channel.take('detail').body as { id: number }).id, 5999);
    assert.equal(t.shown.detailOpen.at(-1), true, 'the pane stays hidden with an event selected');
    assert.equal(t.stored.at(-1)!.selectedId, 5999, 'the selection is not saved');
  });

  it('lets go of the rows picked with Ctrl/Shift-click when the filter or range changes, not when more events come', async () => {
    const t = await greeted(hello(result(1, [row(1, 'GetObject'), row(2, 'PutObject')])));
    t.views.table.marked.add(1).add(2);
    t.controller.onSelect(1, 2, true);
    t.channel.take('detail');
    // A refresh of the same query (the case changed after S): the picked rows stay picked.
    t.controller.onHostEvent({ type: 'refresh', version: 1 });
    t.channel.take('query').resolve(result(2, [row(1, 'GetObject'), row(2, 'PutObject')]));
    await settle();
    assert.deepEqual([...t.views.table.marked], [1, 2]);
    // Another filter: events 1 and 2 are not in it, and nothing shows them picked; the next S on
    // the row selected there would star them too.
    t.controller.onFilterChange('event:ConsoleLogin', true);
    t.channel.take('query').resolve(result(3, [row(7, 'ConsoleLogin')]));
    await settle();
    assert.deepEqual([...t.views.table.marked], [], 'rows out of view are still picked');
  });

  it('keeps the scroll position when the view refreshes while loading (the selection is not scrolled back into view)', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i, 'GetObject'));
    const t = await greeted(hello(result(1, rows, { matches: 1000 })));
    t.controller.onSelect(100, 100, true);
    t.channel.take('detail');
    // The user scrolls on, 80 rows below the selected one (still among the rows loaded).
    t.controller.onScroll(180);
    t.controller.onHostEvent({ type: 'refresh', version: 1 });
    t.channel.take('query').resolve(result(2, rows, { matches: 1000 }));
    await settle();
    assert.equal(t.shown.selected.at(-1), 100, 'the selection is kept');
    assert.equal(t.shown.revealed.at(-1), false, 'the refresh scrolled back to the selected row');
    // A pivot keeps the selected event and shows it.
    t.controller.onPivot({ kind: 'principal', label: 'alice', filter: 'principal:alice' });
    t.channel.take('query').resolve(result(3, rows, { matches: 1000 }));
    await settle();
    assert.equal(t.shown.revealed.at(-1), true);
  });

  it('gives the detail pane no space until an event is selected, and a click shows it again after closing', async () => {
    const t = await greeted(hello(result(1, [row(1, 'GetObject'), row(2, 'PutObject')])));
    assert.equal(t.shown.detailOpen.at(-1), false, 'the empty pane takes space');
    t.controller.onSelect(0, 1, true);
    assert.equal(t.shown.detailOpen.at(-1), true);
    t.channel.take('detail');
    t.controller.onCloseDetail();
    assert.equal(t.shown.detailOpen.at(-1), false);
    // The keyboard moves the selection without opening the pane; a click opens it.
    t.controller.onSelect(1, 2, false);
    assert.equal(t.shown.detailOpen.at(-1), false);
    t.controller.onSelect(0, 1, true);
    assert.equal(
      t.shown.detailOpen.at(-1),
      true,
      'a single click after closing did not show the event',
    );
    assert.equal(t.stored.at(-1)!.detailOpen, true);
  });

  it('says in the detail pane why an event cannot be shown (its file changed), not a blank pane', async () => {
    const t = await greeted(hello(result(1, [row(1, 'GetObject'), row(2, 'PutObject')])));
    t.controller.onSelect(0, 1, true);
    const why = '/logs/a.json: the file changed since it was loaded';
    t.channel.take('detail').reject(new Error(why));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(t.shown.detailErrors, [why]);
    // An answer that comes after another event was selected says nothing of that one.
    t.controller.onSelect(1, 2, true);
    const late = t.channel.take('detail');
    t.controller.onSelect(0, 1, true);
    late.reject(new Error('of the event left'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(t.shown.detailErrors, [why]);
  });

  it('shows times in the zone the host says (hello, then a changed setting); the zone button asks the host', async () => {
    const t = await greeted({
      ...hello(result(1, [row(1, 'GetObject')])),
      timeZone: 'Europe/Paris',
    });
    assert.equal(t.shown.zones.at(-1), 'Europe/Paris');
    assert.equal(t.data.zone, 'Europe/Paris');
    t.controller.onHostEvent({ type: 'timeZone', zone: 'Asia/Tokyo' });
    assert.equal(t.shown.zones.at(-1), 'Asia/Tokyo');
    t.controller.onZoneClick();
    assert.deepEqual(t.channel.notified.at(-1), { type: 'openTimeZoneSetting' });
  });
});
