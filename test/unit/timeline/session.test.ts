// The timeline's host side end to end over a real index: generated events plus the hostile
// fixture, loaded with the core loader, driven through the protocol exactly as the webview does.
import { QUIET_HOST } from '../../support/timelineAsk';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { parseQuery } from '../../../src/core/query/parse';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { EXPORT_CSV_FIELDS, writeExport } from '../../../src/extension/timeline/exportWriter';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { IndexTimelineData, principalLabel } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import {
  Envelope,
  LoadProgress,
  START_QUERY,
  ToWebview,
  validateToWebview,
} from '../../../src/protocol';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';
import { presetRange } from '../../../src/webview/state';
import {
  allHostileRecords,
  HOSTILE_FOLDER,
  HOSTILE_LOGS,
  hostileRecords,
} from '../../support/hostile';

// What the hostile fixture loads, counted from its files (a record nested too deep is left out).
const hostile = hostileRecords();
const HOSTILE_EVENTS = hostile.length;
const HOSTILE_FILES = readdirSync(HOSTILE_LOGS).filter((n) => n.endsWith('.json')).length;
const HOSTILE_ERRORS = hostile.filter(
  (r) => typeof r.errorCode === 'string' && r.errorCode !== '',
).length;
const HOSTILE_US_EAST_1 = hostile.filter((r) => r.awsRegion === 'us-east-1').length;

describe('timeline session over a real index', function () {
  this.timeout(60_000);
  let dir: string;
  let tally: BucketTally;
  let data: IndexTimelineData;
  let session: TimelineSession;
  let posted: Envelope[];
  let nextId = 1;
  const actions: string[] = [];
  const progress: LoadProgress[] = [];

  /** Sends a request as the webview would and returns the validated reply. */
  async function askOn<T extends ToWebview['type']>(
    to: TimelineSession,
    sent: Envelope[],
    body: object,
  ): Promise<Extract<ToWebview, { type: T }>> {
    const id = nextId++;
    await to.receive({ id, body });
    const reply = sent.find((e) => e.replyTo === id);
    assert.ok(reply, `no reply to ${JSON.stringify(body)}`);
    const msg = validateToWebview(reply.body);
    assert.ok(msg, `malformed reply ${JSON.stringify(reply.body).slice(0, 200)}`);
    return msg as Extract<ToWebview, { type: T }>;
  }
  const ask = <T extends ToWebview['type']>(body: object) => askOn<T>(session, posted, body);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-timeline-'));
    tally = await generateBucket({ events: 3000, out: join(dir, 'gen'), seed: 11 });
    cpSync(HOSTILE_FOLDER, join(dir, 'hostile'), { recursive: true });
    // JSON that is not a log, beside the logs (a trail configuration with comments, a key list).
    writeFileSync(join(dir, 'gen', 'trail-config.json'), '// lint me\n{ "Trails": [] }');
    writeFileSync(join(dir, 'gen', 'public-keys.json'), '{ "keys": [] }');
    const index = new EventIndex({ runner: new InlineRunner() });
    data = new IndexTimelineData(index);
    posted = [];
    session = new TimelineSession(
      data,
      (e) => posted.push(e),
      {
        openRaw: (id) => void actions.push(`open ${id}`),
        copyJson: (id) => void actions.push(`copy ${id}`),
        export: (f) => void actions.push(`export ${f}`),
        cancelLoad: () => void actions.push('cancel'),
        shown: () => void actions.push('shown'),
        invalidMessage: () => void actions.push('invalid'),
      },
      'CloudTrail Timeline: test',
      null,
    );
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [
        { source: new FolderSource(join(dir, 'gen')) },
        { source: new FolderSource(join(dir, 'hostile')) },
      ],
      new AbortController().signal,
      (p) => progress.push(p),
    );
    session.setProgress(outcome.progress);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every generated and hostile event, reporting progress up to done', () => {
    assert.equal(data.total(), tally.events + HOSTILE_EVENTS);
    const last = progress[progress.length - 1];
    // The two JSON files beside the logs that are not logs are read (and skipped) too.
    assert.equal(last.filesDone, tally.files + HOSTILE_FILES + 2);
    assert.equal(last.filesTotal, tally.files + HOSTILE_FILES + 2);
    assert.equal(
      last.failedFiles,
      0,
      'JSON files found beside the logs that are not logs are skipped quietly',
    );
    assert.ok(
      progress.some((p) => p.filesDone > 0 && p.filesDone < p.filesTotal),
      'intermediate progress',
    );
  });

  it('counts a file named by the user that is not a log as a failure, naming it', async () => {
    const index = new EventIndex({ runner: new InlineRunner() });
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [{ source: new FolderSource(join(dir, 'gen')), keys: ['trail-config.json', 'missing.json'] }],
      new AbortController().signal,
      () => {},
    );
    assert.equal(outcome.progress.failedFiles, 1);
    assert.match(outcome.progress.lastError ?? '', /trail-config\.json: /);
    assert.deepEqual(
      outcome.missing.map((m) => m.split('/').pop()),
      ['missing.json'],
    );
  });

  it('says hello with totals and bounds', async () => {
    const hello = await ask<'hello'>({ type: 'ready', query: null });
    assert.equal(hello.first, null, 'no query came with the ready');
    assert.equal(hello.total, tally.events + HOSTILE_EVENTS);
    assert.ok(
      hello.bounds &&
        hello.bounds.from <= Date.parse(tally.firstEventTime) &&
        hello.bounds.to > Date.parse(tally.lastEventTime),
    );
    assert.equal(hello.initialFilter, null);
    const tb = data.index.timeBounds()!;
    assert.deepEqual(
      hello.bounds,
      { from: tb.from, to: Math.floor(tb.to / 1000) * 1000 + 1000 },
      "the running bounds agree with the index, to the end of the last event's second",
    );
    // So the presets fall on whole seconds too: "last hour" holds the event an hour before the last.
    assert.equal(presetRange('hour', null, hello.bounds)!.from % 1000, 0);
  });

  it('answers the query that comes with the ready in the hello', async () => {
    const query = {
      filter: 'readOnly:true',
      range: null,
      sort: 'desc' as const,
      bins: 50,
      pageStart: 0,
      pageCount: 20,
    };
    const hello = await ask<'hello'>({ type: 'ready', query });
    const q = await ask<'queryResult'>({ type: 'query', ...query });
    assert.ok(hello.first && hello.first.queryId > 0);
    assert.ok(
      hello.first.matches > 20 &&
        hello.first.rows.length === 20 &&
        hello.first.rows.every((r) => r.readOnly === 'true'),
    );
    assert.deepEqual(
      { ...hello.first, queryId: 0 },
      { ...q, queryId: 0 },
      'the same answer as the query on its own',
    );
    const page = await ask<'pageResult'>({
      type: 'page',
      queryId: hello.first.queryId,
      start: 1,
      count: 3,
    });
    assert.deepEqual(
      page.rows,
      hello.first.rows.slice(1, 4),
      'its result stays answerable for pages',
    );
    assert.equal(page.rows.length, 3);
  });

  describe('a new view', () => {
    const quiet = QUIET_HOST;
    const loading = (): LoadProgress => ({
      loading: true,
      filesDone: 1,
      filesTotal: 9,
      events: data.total(),
      failedFiles: 0,
    });
    const pushedHellos = (sent: Envelope[]) =>
      sent.filter((e) => e.replyTo === undefined && (e.body as { type: string }).type === 'hello');
    const settle = () => new Promise((r) => setTimeout(r, 50));

    it('is greeted before it asks, once the first events are in, with the answer to its start query', async () => {
      const sent: Envelope[] = [];
      const s = new TimelineSession(data, (e) => sent.push(e), quiet, 'T', {
        filter: 'readOnly:true',
        range: null,
      });
      s.setProgress(loading());
      await settle();
      s.setProgress(loading());
      await settle();
      const pushes = pushedHellos(sent);
      assert.equal(pushes.length, 1, 'one hello, however many progress reports');
      const hello = validateToWebview(pushes[0].body);
      assert.ok(hello && hello.type === 'hello' && hello.first);
      assert.equal(hello.initialFilter, 'readOnly:true');
      const own = await askOn<'queryResult'>(s, sent, {
        type: 'query',
        ...START_QUERY,
        filter: 'readOnly:true',
      });
      assert.deepEqual(
        { ...hello.first, queryId: 0 },
        { ...own, queryId: 0 },
        "START_QUERY's answer, with the initial filter",
      );
      // The page's own ready still gets a hello (the same initial filter, no result: it has one).
      const reply = await askOn<'hello'>(s, sent, { type: 'ready', query: START_QUERY });
      assert.equal(reply.first, null);
      assert.equal(reply.initialFilter, 'readOnly:true');
      // A page started later (the panel shown again) gets its result in the reply, and no push.
      const again = await askOn<'hello'>(s, sent, { type: 'ready', query: START_QUERY });
      assert.ok(again.first && again.first.matches === data.total());
      assert.equal(again.initialFilter, null);
      s.setProgress(loading());
      await settle();
      assert.equal(pushedHellos(sent).length, 1);
    });

    it('numbers what it tells the view, and a hello carries the number its data was taken at', async () => {
      const sent: Envelope[] = [];
      const s = new TimelineSession(data, (e) => sent.push(e), quiet, 'T');
      s.setProgress(loading()); // pushes the hello, taken now
      s.setProgress({ ...loading(), loading: false, filesDone: 9 });
      s.refresh();
      await settle();
      const told = sent
        .filter((e) => e.replyTo === undefined)
        .map((e) => validateToWebview(e.body)!)
        .map((m) => [m.type, 'version' in m ? m.version : undefined]);
      assert.deepEqual(
        told.filter(([t]) => t !== 'hello'),
        [
          ['progress', 1],
          ['progress', 2],
          ['refresh', 3],
        ],
      );
      const pushed = validateToWebview(pushedHellos(sent)[0].body);
      assert.ok(pushed && pushed.type === 'hello');
      assert.equal(pushed.version, 1);
      assert.equal(pushed.progress.loading, true, 'the status it was taken with');
      // A ready now gets the latest.
      const reply = await askOn<'hello'>(s, sent, { type: 'ready', query: START_QUERY });
      assert.equal(reply.version, 3);
      assert.equal(reply.progress.loading, false);
    });

    it('that asked first, or before any events, is not greeted unasked', async () => {
      const sent: Envelope[] = [];
      const s = new TimelineSession(data, (e) => sent.push(e), quiet, 'T');
      const reply = await askOn<'hello'>(s, sent, { type: 'ready', query: START_QUERY });
      assert.ok(reply.first && reply.first.rows.length > 0);
      s.setProgress(loading());
      await settle();
      assert.equal(pushedHellos(sent).length, 0);

      const empty = new IndexTimelineData(new EventIndex({ runner: new InlineRunner() }));
      const sentEmpty: Envelope[] = [];
      const e = new TimelineSession(empty, (x) => sentEmpty.push(x), quiet, 'T');
      e.setProgress({ ...loading(), events: 0 });
      await settle();
      assert.equal(pushedHellos(sentEmpty).length, 0, 'nothing to show yet');
    });
  });

  it('answers a query with its count, histogram and first page in one reply', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventName:ConsoleLogin',
      range: null,
      sort: 'asc',
      bins: 100,
      pageStart: 0,
      pageCount: 50,
    });
    assert.equal(q.error, null);
    assert.equal(q.matches, tally.byEventName.ConsoleLogin);
    assert.equal(
      q.histogram.counts.reduce((a, b) => a + b, 0),
      q.matches,
    );
    assert.ok(q.histogram.counts.length <= 100);
    assert.equal(q.rows.length, Math.min(50, q.matches));
    assert.ok(q.rows.every((r) => r.eventName === 'ConsoleLogin'));
    for (let i = 1; i < q.rows.length; i++)
      assert.ok(q.rows[i - 1].time <= q.rows[i].time, 'ascending');
  });

  it('says where the event a query keeps selected is in its result (±5 minutes beyond the first page)', async () => {
    const all = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventSource:s3.amazonaws.com',
      range: null,
      sort: 'desc',
      bins: 10,
      pageStart: 400,
      pageCount: 1,
    });
    assert.ok(all.matches > 500);
    const kept = all.rows[0].id;
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventSource:s3.amazonaws.com',
      range: null,
      sort: 'desc',
      bins: 10,
      pageStart: 0,
      pageCount: 50,
      anchorId: kept,
    });
    assert.equal(q.anchorRow, 400);
    assert.equal(q.rows.length, 50, 'the first page is still the one asked for');
    // An event the result does not hold has no row.
    const other = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventSource:s3.amazonaws.com AND -eventSource:s3.amazonaws.com',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 10,
      anchorId: kept,
    });
    assert.equal(other.anchorRow, undefined);
  });

  it('stacks errors in the histogram and sorts descending on request', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: '',
      range: null,
      sort: 'desc',
      bins: 200,
      pageStart: 0,
      pageCount: 20,
    });
    assert.equal(q.matches, tally.events + HOSTILE_EVENTS);
    const errors = q.histogram.errors.reduce((a, b) => a + b, 0);
    assert.equal(
      errors,
      tally.errors + HOSTILE_ERRORS,
      'generated errors plus the hostile records with an errorCode',
    );
    for (let i = 1; i < q.rows.length; i++)
      assert.ok(q.rows[i - 1].time >= q.rows[i].time, 'descending');
  });

  it('limits to the time range, half-open', async () => {
    const b = data.bounds()!;
    const mid = b.from + Math.floor((b.to - b.from) / 2 / 1000) * 1000;
    const first = await ask<'queryResult'>({
      type: 'query',
      filter: '',
      range: { from: b.from, to: mid },
      sort: 'asc',
      bins: 50,
      pageStart: 0,
      pageCount: 0,
    });
    const second = await ask<'queryResult'>({
      type: 'query',
      filter: '',
      range: { from: mid, to: b.to },
      sort: 'asc',
      bins: 50,
      pageStart: 0,
      pageCount: 0,
    });
    assert.equal(first.matches + second.matches, tally.events + HOSTILE_EVENTS);
    assert.ok(first.matches > 0 && second.matches > 0);
  });

  it('reports a syntax error with its position instead of results', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventName:(GetObject OR',
      range: null,
      sort: 'asc',
      bins: 50,
      pageStart: 0,
      pageCount: 50,
    });
    assert.ok(q.error);
    assert.ok(q.error.offset > 0 && q.error.offset <= 'eventName:(GetObject OR'.length);
    assert.equal(q.rows.length, 0);
  });

  it('pages through a result by query id and refuses unknown ids', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'error:*',
      range: null,
      sort: 'asc',
      bins: 50,
      pageStart: 0,
      pageCount: 10,
    });
    const page = await ask<'pageResult'>({
      type: 'page',
      queryId: q.queryId,
      start: 10,
      count: 100,
    });
    assert.equal(page.rows.length, Math.min(100, q.matches - 10));
    assert.ok(page.rows.every((r) => r.errorCode !== ''));
    const stale = await ask<'error'>({ type: 'page', queryId: 99999, start: 0, count: 10 });
    assert.equal(stale.type, 'error');
  });

  it('counts facets whose clicks filter to exactly that many events', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: '',
      range: null,
      sort: 'asc',
      bins: 50,
      pageStart: 0,
      pageCount: 0,
    });
    const f = await ask<'facetsResult'>({ type: 'facets', queryId: q.queryId, limit: 5 });
    assert.deepEqual(
      f.facets.map((x) => x.id),
      [
        'eventName',
        'eventSource',
        'principal',
        'sourceIp',
        'region',
        'account',
        'errorCode',
        'userAgent',
        'origin',
      ],
    );
    const region = f.facets.find((x) => x.id === 'region')!;
    // Hostile records in us-east-1 count there too.
    const top = region.values[0];
    assert.equal(
      top.count,
      tally.byRegion[top.value] + (top.value === 'us-east-1' ? HOSTILE_US_EAST_1 : 0),
    );
    for (const facet of f.facets) {
      const v = facet.values[0];
      const term = await ask<'filterText'>({
        type: 'addTerm',
        filter: '',
        field: facet.field,
        value: v.value,
        negate: false,
      });
      const r = await ask<'queryResult'>({
        type: 'query',
        filter: term.filter,
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 0,
        pageCount: 0,
      });
      assert.equal(r.matches, v.count, `${facet.id}: ${term.filter}`);
      const not = await ask<'filterText'>({
        type: 'addTerm',
        filter: '',
        field: facet.field,
        value: v.value,
        negate: true,
      });
      const rn = await ask<'queryResult'>({
        type: 'query',
        filter: not.filter,
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 0,
        pageCount: 0,
      });
      assert.equal(
        rn.matches,
        tally.events + HOSTILE_EVENTS - v.count,
        `${facet.id} excluded: ${not.filter}`,
      );
    }
  });

  it('drops facets of a result that a newer query replaced', async () => {
    const old = await ask<'queryResult'>({
      type: 'query',
      filter: 'error:*',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 0,
    });
    await ask<'queryResult'>({
      type: 'query',
      filter: 'user:alice',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 0,
    });
    const stale = await ask<'error'>({ type: 'facets', queryId: old.queryId, limit: 5 });
    assert.equal(stale.type, 'error');
  });

  it('labels principals readably while filtering on the exact ARN', () => {
    assert.equal(
      principalLabel('arn:aws:sts::111122223333:assumed-role/Admin/alice'),
      'Admin/alice',
    );
    assert.equal(principalLabel('arn:aws:iam::111122223333:user/bob'), 'bob');
    assert.equal(principalLabel('arn:aws:iam::111122223333:root'), 'root');
  });

  it('adds a facet term to an OR filter without changing its meaning', async () => {
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: 'eventName:A OR eventName:B',
      field: 'awsRegion',
      value: 'us-east-1',
      negate: true,
    });
    assert.equal(t.filter, '(eventName:A OR eventName:B) -awsRegion:us-east-1');
    parseQuery(t.filter);
  });

  it('leaves out the record nested 32,000 deep, names it, and still answers queries on any field', async () => {
    const deep = data.index.problems.find((p) => p.key.endsWith('hostile0002.json'));
    assert.equal(deep?.severity, 'warning');
    const leftOut = allHostileRecords().length - HOSTILE_EVENTS;
    assert.ok(leftOut > 0, 'the fixture holds a record nested too deep');
    assert.match(deep?.message ?? '', new RegExp(`^${leftOut} element\\(s\\) skipped`));
    assert.match(
      deep?.message ?? '',
      /record 1 \(line 1\) is nested more than 512 levels deep; skipped/,
    );
    const stop = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventName:StopLogging',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 10,
    });
    assert.equal(stop.matches, 1, 'the other record of that file is loaded');
    // Fields the index does not keep and free text are read from the raw records: they work.
    for (const [filter, matches] of [
      ['requestParameters.name:org-trail', 1],
      ['requestParameters.a:bottom', 0],
      ['requestParameters.a.b:bottom', 0],
      ['bottom', 0],
      ['HOSTILE0006', 1],
    ] as const) {
      const q = await ask<'queryResult'>({
        type: 'query',
        filter,
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 0,
        pageCount: 10,
      });
      assert.equal(q.error, null, filter);
      assert.equal(q.matches, matches, filter);
    }
    const d = await ask<'detailResult'>({ type: 'detail', id: stop.rows[0].id });
    assert.equal(JSON.parse(d.json).eventName, 'StopLogging');
  });

  it('finds hostile values literally and explains the record in the detail pane', async () => {
    const q = await ask<'queryResult'>({
      type: 'query',
      filter: 'eventName:"<img src=x onerror=\\"document.body.dataset.pwned=\'eventName\'\\">"',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 10,
    });
    assert.equal(q.error, null);
    assert.equal(q.matches, 1);
    const d = await ask<'detailResult'>({ type: 'detail', id: q.rows[0].id });
    const rec = JSON.parse(d.json);
    assert.equal(rec.eventName, `<img src=x onerror="document.body.dataset.pwned='eventName'">`);
    assert.ok(Object.keys(rec.requestParameters).some((k) => k.startsWith('<b onmouseover')));
    assert.ok(d.explanations.some((e) => e.label === 'Who'));
    assert.ok(d.pivots.length >= 3);
    for (const p of d.pivots) {
      const r = await ask<'queryResult'>({
        type: 'query',
        filter: p.filter,
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 0,
        pageCount: 50,
      });
      assert.equal(r.error, null, p.filter);
      assert.ok(
        r.rows.some((row) => row.id === q.rows[0].id),
        `pivot ${p.kind} (${p.filter}) finds the event itself`,
      );
    }
  });

  it('completes field names and frequent values', async () => {
    const fields = await ask<'completeResult'>({ type: 'complete', filter: 'eventN', cursor: 6 });
    assert.ok(fields.items.some((i) => i.insert === 'eventName:'));
    const values = await ask<'completeResult'>({
      type: 'complete',
      filter: 'region:us-',
      cursor: 10,
    });
    assert.ok(values.items.length > 0);
    assert.ok(values.items.every((i) => i.label.startsWith('us-')));
    const top = Object.entries(tally.byRegion)
      .filter(([k]) => k.startsWith('us-'))
      .sort((a, b) => b[1] - a[1])[0];
    assert.equal(values.items[0].label, top[0]);
  });

  it('refuses malformed messages with an error reply, and hands actions to the host', async () => {
    const bad = await ask<'error'>({ type: 'detail', id: -5 });
    assert.equal(bad.type, 'error');
    assert.ok(actions.includes('invalid'));
    await session.receive({ id: nextId++, body: { type: 'copyJson', id: 3 } });
    await session.receive({ id: nextId++, body: { type: 'cancelLoad' } });
    await session.receive({ id: nextId++, body: { type: 'shown' } });
    assert.ok(
      actions.includes('copy 3') && actions.includes('cancel') && actions.includes('shown'),
    );
  });

  it('exports a result as JSON lines (records as stored) and CSV', async () => {
    const result = await data.query('eventName:ConsoleLogin', null, 'asc');
    const jsonl = join(dir, 'out.jsonl');
    const csv = join(dir, 'out.csv');
    assert.equal(
      await writeExport(jsonl, 'jsonl', data, result, new AbortController().signal, () => {}),
      result.size,
    );
    await writeExport(csv, 'csv', data, result, new AbortController().signal, () => {});
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, tally.byEventName.ConsoleLogin);
    assert.ok(lines.every((l) => JSON.parse(l).eventName === 'ConsoleLogin'));
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    assert.equal(rows.length, tally.byEventName.ConsoleLogin + 1);
    assert.equal(
      rows[0],
      'time,case,detections,eventName,eventSource,principal,sourceIPAddress,region,account,errorCode,readOnly,origin',
    );
  });

  it('exports the same CSV as the CLI writes for the same columns (one CSV writer)', async () => {
    // As a panel's: the built-in pack run over the index (the detections column).
    const withRules = new IndexTimelineData(data.index);
    await withRules.setDetectionRules(builtinRules()).update();
    const result = await withRules.query('', null, 'asc');
    const csv = join(dir, 'all.csv');
    await writeExport(csv, 'csv', withRules, result, new AbortController().signal, () => {});
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: () => {}, stderrIsTTY: false };
    assert.equal(
      await main(
        [
          'query',
          join(dir, 'gen'),
          join(dir, 'hostile'),
          '--format',
          'csv',
          '--fields',
          EXPORT_CSV_FIELDS.join(','),
        ],
        io,
      ),
      0,
    );
    assert.equal(readFileSync(csv, 'utf8'), out);
    assert.ok(
      out.includes('${alert(1)}⟨U+0000⟩⟨U+001B⟩[31m.amazonaws.com'),
      'the hostile event source is in it, its control characters marked',
    );
    assert.match(out, /,▲ CloudTrail logging stopped/, 'the detections are in it');
  });

  it('keeps a filter sent to a hidden view for its next ready, until the view queries', async () => {
    const range = data.bounds()!;
    session.showFilter('event:GetObject', range);
    const pushed = posted.filter((e) => (e.body as { type: string }).type === 'setFilter');
    assert.deepEqual(pushed[pushed.length - 1].body, {
      type: 'setFilter',
      filter: 'event:GetObject',
      range,
    });
    // The view's own query (its saved state) gives way to the filter, from the top.
    const hello = await ask<'hello'>({
      type: 'ready',
      query: {
        filter: 'event:ConsoleLogin',
        range: null,
        sort: 'asc',
        bins: 10,
        pageStart: 300,
        pageCount: 5,
      },
    });
    assert.equal(hello.initialFilter, 'event:GetObject');
    assert.deepEqual(hello.initialRange, range);
    const own = await ask<'queryResult'>({
      type: 'query',
      filter: 'event:GetObject',
      range,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 5,
    });
    assert.deepEqual({ ...hello.first, queryId: 0 }, { ...own, queryId: 0 });
    assert.ok(own.matches > 5 && own.rows.every((r) => r.eventName === 'GetObject'));
    assert.equal(hello.first!.pageStart, 0);
    session.showFilter('event:PutObject', null);
    await ask<'queryResult'>({
      type: 'query',
      filter: 'event:PutObject',
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 0,
    });
    assert.equal(
      (await ask<'hello'>({ type: 'ready', query: null })).initialFilter,
      null,
      'a visible view applied it already',
    );
  });

  it('answers a return to a recent filter from its kept result, whatever the spacing', async () => {
    const a = await data.query('eventName:GetObject  region:us-east-1', null, 'asc');
    const b = await data.query(' eventName:GetObject region:us-east-1', null, 'asc');
    const c = await data.query('eventName:GetObject region:us-east-1', null, 'desc');
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(
      data.facet(a, 'region', 5),
      data.facet(b, 'region', 5),
      'facets of a kept result are kept too',
    );
  });

  it('reports an export that cannot write its file instead of hanging', async () => {
    // The file is opened while the first records are read: its failure (a folder gone or not
    // writable, a full disk) came with no listener, as an uncaught error, and the export then
    // waited for ever on a stream that would never drain.
    const result = await data.query('', null, 'asc');
    const target = join(dir, 'no-such-folder', 'out.jsonl');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)));
    for (const format of ['jsonl', 'csv'] as const) {
      const outcome = await Promise.race([
        writeExport(target, format, data, result, new AbortController().signal, () => {}).then(
          () => 'written',
          (e: Error) => e.message,
        ),
        hung,
      ]);
      assert.match(String(outcome), /ENOENT/, format);
    }
    clearTimeout(timer);
  });

  it('leaves nothing behind when an export is cancelled', async () => {
    const result = await data.query('', null, 'asc');
    const target = join(dir, 'cancelled.jsonl');
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(
      writeExport(target, 'jsonl', data, result, ctl.signal, () => {}),
      /cancelled/,
    );
    assert.deepEqual(
      require('node:fs')
        .readdirSync(dir)
        .filter((n: string) => n.startsWith('cancelled')),
      [],
    );
  });
});
