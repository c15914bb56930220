import assert from 'node:assert/strict';
import {
  Channel,
  Envelope,
  FromWebview,
  LIMITS,
  ToWebview,
  validateFromWebview,
  validateToWebview,
} from '../../../src/protocol';

describe('timeline protocol: validation', () => {
  const query = {
    type: 'query',
    filter: 'event:GetObject',
    range: { from: 1, to: 2 },
    sort: 'asc',
    bins: 200,
    pageStart: 0,
    pageCount: 200,
  };

  it('accepts well-formed webview messages', () => {
    assert.deepEqual(validateFromWebview(query), query);
    assert.ok(validateFromWebview({ type: 'ready', query: null }));
    const { type: _, ...params } = query;
    assert.ok(validateFromWebview({ type: 'ready', query: params }));
    assert.ok(validateFromWebview({ type: 'page', queryId: 3, start: 100, count: 100 }));
    assert.ok(
      validateFromWebview({
        type: 'addTerm',
        filter: '',
        field: 'eventName',
        value: '<script>',
        negate: true,
      }),
    );
    assert.ok(validateFromWebview({ ...query, range: null }));
  });

  it('rejects unknown types, missing or mistyped fields and out-of-range values', () => {
    for (const bad of [
      null,
      'query',
      [],
      { type: 'nope' },
      { type: 'toString' },
      { type: '__proto__' },
      { ...query, filter: 5 },
      { ...query, sort: 'sideways' },
      { ...query, bins: 0 },
      { ...query, bins: LIMITS.bins + 1 },
      { ...query, pageCount: LIMITS.pageCount + 1 },
      { ...query, pageStart: -1 },
      { ...query, pageStart: 1.5 },
      { ...query, range: { from: 5, to: 1 } },
      { ...query, range: { from: NaN, to: 1 } },
      { ...query, filter: 'x'.repeat(LIMITS.filterLength + 1) },
      { type: 'ready' },
      { type: 'ready', query: { ...query, type: undefined, bins: 0 } },
      { type: 'detail', id: '1' },
      { type: 'export', format: 'xlsx', queryId: 1 },
    ]) {
      assert.equal(validateFromWebview(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('checks host messages down to the rows', () => {
    const row = {
      id: 1,
      time: 5,
      tag: '',
      detection: '',
      eventName: 'a',
      eventSource: 'b',
      principal: 'c',
      sourceIp: 'd',
      region: 'e',
      account: 'f',
      errorCode: '',
      readOnly: 'true',
      origin: 'arn:aws:iam::1:user/g',
    };
    const page = { type: 'pageResult', queryId: 1, start: 0, rows: [row] };
    assert.ok(validateToWebview(page));
    assert.equal(
      validateToWebview({ ...page, rows: [{ ...row, eventName: { html: '<b>' } }] }),
      undefined,
    );
    assert.equal(validateToWebview({ ...page, rows: [{ ...row, id: -1 }] }), undefined);
    assert.equal(
      validateToWebview({
        type: 'facetsResult',
        queryId: 1,
        facets: [{ id: 'bogus', field: 'x', values: [], other: 0 }],
      }),
      undefined,
    );
    const result = {
      type: 'queryResult',
      queryId: 1,
      matches: 1,
      total: 1,
      bounds: null,
      histogram: { from: 0, binMs: 1, counts: [1], errors: [0] },
      pageStart: 0,
      rows: [row],
      error: null,
    };
    const progress = { loading: true, filesDone: 0, filesTotal: 1, events: 1, failedFiles: 0 };
    const hello = {
      type: 'hello',
      title: 't',
      total: 1,
      bounds: null,
      progress,
      initialFilter: null,
      initialRange: null,
      first: result,
      timeZone: 'Europe/Paris',
      version: 3,
    };
    assert.ok(validateToWebview(hello));
    assert.equal(validateToWebview({ ...hello, version: -1 }), undefined);
    assert.equal(validateToWebview({ ...hello, version: undefined }), undefined, 'no version');
    assert.ok(validateToWebview({ type: 'refresh', version: 4 }));
    assert.equal(validateToWebview({ type: 'refresh' }), undefined, 'a refresh without version');
    assert.ok(
      validateToWebview({ type: 'progress', progress, total: 1, bounds: null, version: 5 }),
    );
    assert.equal(
      validateToWebview({ type: 'progress', progress, total: 1, bounds: null, version: 0.5 }),
      undefined,
    );
    assert.equal(
      validateToWebview({ ...hello, timeZone: 'x'.repeat(65) }),
      undefined,
      'a zone name longer than any',
    );
    assert.ok(validateToWebview({ type: 'timeZone', zone: 'UTC' }));
    assert.ok(validateToWebview({ ...hello, first: null }));
    assert.equal(
      validateToWebview({ ...hello, first: { ...result, rows: [{ ...row, time: 'x' }] } }),
      undefined,
      'the first result is checked as a query result',
    );
    assert.equal(
      validateToWebview({ ...hello, first: { ...result, type: 'pageResult' } }),
      undefined,
    );
  });
});

describe('timeline protocol: channel', () => {
  function pair(onHost: (m: FromWebview) => ToWebview | undefined) {
    const toHost: Envelope[] = [];
    const toView: Envelope[] = [];
    const invalid: unknown[] = [];
    const view = new Channel<FromWebview, ToWebview>(
      (e) => toHost.push(e),
      validateToWebview,
      () => undefined,
      undefined,
    );
    const host = new Channel<ToWebview, FromWebview>(
      (e) => toView.push(e),
      validateFromWebview,
      onHost,
      (message) => ({ type: 'error', message }),
      (r) => invalid.push(r),
    );
    const pump = async () => {
      while (toHost.length || toView.length) {
        for (const e of toHost.splice(0)) await host.receive(e);
        for (const e of toView.splice(0)) await view.receive(e);
      }
    };
    return { view, host, pump, invalid, toView };
  }

  it('pairs a request with its reply', async () => {
    const { view, pump } = pair((m) =>
      m.type === 'addTerm' ? { type: 'filterText', filter: `${m.filter} x` } : undefined,
    );
    const p = view.request({ type: 'addTerm', filter: 'a', field: 'f', value: 'v', negate: false });
    await pump();
    assert.deepEqual(await p, { type: 'filterText', filter: 'a x' });
  });

  it('answers a malformed request with an error (the sender does not hang) and reports it', async () => {
    const { host, toView, invalid } = pair(() => undefined);
    await host.receive({ id: 7, body: { type: 'detail', id: 'not a number' } });
    assert.equal(invalid.length, 1);
    assert.equal(toView.length, 1);
    assert.equal(toView[0].replyTo, 7);
    assert.equal((toView[0].body as { type: string }).type, 'error');
  });

  it('rejects a request whose handler throws, with the message', async () => {
    const { view, pump } = pair(() => {
      throw new Error('index gone');
    });
    const p = view.request({ type: 'detail', id: 1 });
    await pump();
    await assert.rejects(p, /index gone/);
  });

  it('ignores envelopes that are not envelopes', async () => {
    const { host, toView, invalid } = pair(() => undefined);
    await host.receive('<script>');
    await host.receive({ body: {} });
    assert.equal(toView.length, 0);
    assert.equal(invalid.length, 2);
  });
});
