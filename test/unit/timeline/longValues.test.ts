// A value longer than a filter can hold (the host takes LIMITS.filterLength): a facet click, a
// pivot or a completion writes a prefix wildcard that fits, and the user is told what it matches
// (checked against the values loaded); with no room left the filter stays and the notice says why.
import { QUIET_HOST } from '../../support/timelineAsk';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { formatTermWithin, MIN_PREFIX_CHARS } from '../../../src/core/query/format';
import { parseQuery } from '../../../src/core/query/parse';
import { matchesRecord } from '../../../src/core/query/match';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { FolderSource } from '../../../src/core/sources/folder';
import { completionsAt } from '../../../src/extension/timeline/completion';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../../../src/extension/timeline/timelineSession';
import {
  Envelope,
  LIMITS,
  ToWebview,
  validateFromWebview,
  validateToWebview,
} from '../../../src/protocol';
import { HOSTILE_FOLDER, hostileRecords } from '../../support/hostile';

const LONG_ARN = hostileRecords()
  .map((r) => (r.userIdentity as { arn?: string } | undefined)?.arn ?? '')
  .find((a) => a.length > LIMITS.filterLength)!;

describe('values longer than a filter can hold', function () {
  this.timeout(60_000);
  let dir: string;
  let data: IndexTimelineData;
  let session: TimelineSession;
  let posted: Envelope[];
  let nextId = 1;

  // Two user agents that share their first 11,000 characters.
  const sharedHead = `Mozilla/5.0 ${'(padding) '.repeat(1100)}`;
  const agentA = `${sharedHead}A`;
  const agentB = `${sharedHead}B`;
  // One long value in two spellings: a click's term finds both, so neither is "another value".
  const spelled = `Spelled/1.0 ${'(padding) '.repeat(1100)}`;

  async function ask<T extends ToWebview['type']>(
    body: object,
  ): Promise<Extract<ToWebview, { type: T }>> {
    const id = nextId++;
    await session.receive({ id, body });
    const reply = posted.find((e) => e.replyTo === id);
    const msg = reply && validateToWebview(reply.body);
    assert.ok(msg, `no valid reply to ${JSON.stringify(body).slice(0, 200)}`);
    return msg as Extract<ToWebview, { type: T }>;
  }

  /** Runs a filter as the view would: the host must accept the message, and answer it. */
  async function count(filter: string): Promise<number> {
    const body = {
      type: 'query',
      filter,
      range: null,
      sort: 'asc',
      bins: 10,
      pageStart: 0,
      pageCount: 0,
    };
    assert.ok(
      validateFromWebview(body),
      `the host refuses a filter of ${filter.length} characters`,
    );
    const r = await ask<'queryResult'>(body);
    assert.equal(r.error, null, filter.slice(0, 200));
    return r.matches;
  }

  before(async () => {
    assert.ok(LONG_ARN, 'the hostile fixture holds a principal ARN longer than a filter');
    dir = mkdtempSync(join(tmpdir(), 'ctl-long-'));
    cpSync(HOSTILE_FOLDER, join(dir, 'hostile'), { recursive: true });
    const rec = (i: number, userAgent: string) => ({
      eventVersion: '1.08',
      eventTime: `2024-05-14T11:00:0${i}Z`,
      eventSource: 's3.amazonaws.com',
      eventName: 'ListBuckets',
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.9',
      userAgent,
      eventID: `long-${i}`,
    });
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify({
        Records: [
          rec(1, agentA),
          rec(2, agentB),
          rec(3, agentB),
          rec(4, spelled),
          rec(5, spelled.toUpperCase()),
        ],
      }),
    );
    data = new IndexTimelineData(new EventIndex({ runner: new InlineRunner() }));
    await loadScope(
      data.index,
      new InlineRunner(),
      [{ source: new FolderSource(dir) }],
      new AbortController().signal,
      () => {},
    );
    posted = [];
    const quiet = QUIET_HOST;
    session = new TimelineSession(data, (e) => posted.push(e), quiet, 't', null);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a facet click on a value longer than a filter filters on its first characters, and says that it finds exactly its events', async () => {
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: '',
      field: 'userIdentity.arn',
      value: LONG_ARN,
      negate: false,
    });
    assert.ok(t.filter.length <= LIMITS.filterLength, `${t.filter.length} characters`);
    assert.match(
      t.notice ?? '',
      /longer than a filter can hold: the filter keeps the values that start with its first [\d,]+ characters \(no other value loaded starts the same way, so it finds exactly this value's events\)/,
    );
    assert.equal(await count(t.filter), 1);
    const not = await ask<'filterText'>({
      type: 'addTerm',
      filter: '',
      field: 'userIdentity.arn',
      value: LONG_ARN,
      negate: true,
    });
    assert.match(not.notice ?? '', /excludes the values that start with/);
    assert.equal(await count(not.filter), data.total() - 1);
  });

  it('says when other values start the same way, and the filter finds their events too', async () => {
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: 'region:us-east-1',
      field: 'userAgent',
      value: agentA,
      negate: false,
    });
    assert.ok(
      t.filter.startsWith('region:us-east-1 userAgent:') && t.filter.length <= LIMITS.filterLength,
    );
    assert.match(
      t.notice ?? '',
      /1 other value loaded starts the same way, so it finds those events too/,
    );
    assert.equal(await count(t.filter), 3);
  });

  it('does not count the spellings of the value as other values', async () => {
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: '',
      field: 'userAgent',
      value: spelled,
      negate: false,
    });
    assert.match(
      t.notice ?? '',
      /no other value loaded starts the same way, so it finds exactly this value's events/,
    );
    assert.equal(await count(t.filter), 2);
  });

  it('with no room left in the filter, keeps the filter and says why', async () => {
    const full = `userAgent:"${'x'.repeat(LIMITS.filterLength - 100)}"`;
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: full,
      field: 'userAgent',
      value: agentA,
      negate: false,
    });
    assert.equal(t.filter, full);
    assert.match(
      t.notice ?? '',
      /does not fit in the filter, which holds 10,000 characters: remove terms from the filter first/,
    );
  });

  it('a short value is still added exactly, without a notice', async () => {
    const t = await ask<'filterText'>({
      type: 'addTerm',
      filter: '',
      field: 'userAgent',
      value: 'aws-cli/2.15.0',
      negate: false,
    });
    assert.deepEqual(t, { type: 'filterText', filter: 'userAgent:aws-cli/2.15.0' });
  });

  it("the detail pane's pivots fit too, and their labels say they match by prefix", async () => {
    const result = await data.query('eventName:GetUser', null, 'asc');
    const [id] = data.ids(result, 0, 1);
    const d = await ask<'detailResult'>({ type: 'detail', id });
    const principal = d.pivots.find((p) => p.kind === 'principal')!;
    assert.ok(principal.filter.length <= LIMITS.filterLength);
    assert.match(principal.label, /\(values starting with its first [\d,]+ characters\)$/);
    assert.equal(await count(principal.filter), 1);
  });

  it('completion offers a long value as a term that fits', () => {
    const items = completionsAt('userAgent:Mozilla', 17, () => [{ value: agentA, count: 1 }]);
    assert.equal(items.length, 1);
    assert.ok(items[0].insert.length <= LIMITS.filterLength);
    assert.ok(matchesRecord(parseQuery(items[0].insert), { userAgent: agentA }, '{}'));
  });

  it('formatTermWithin keeps every character literal in the prefix, and refuses a prefix too short to mean anything', () => {
    const value = `(a) "b" \\c* //x <y> AND 🙂\u{E0041}${'z'.repeat(20_000)}`;
    const fitted = formatTermWithin('userAgent', value, 5000)!;
    assert.ok(fitted.term.length <= 5000 && fitted.prefixLength! > 2000);
    assert.ok(matchesRecord(parseQuery(fitted.term), { userAgent: value }, '{}'));
    assert.ok(
      !matchesRecord(
        parseQuery(fitted.term),
        { userAgent: `(a) "b" \\c* //x <y> AND 🙂\u{E0041}zz` },
        '{}',
      ),
    );
    assert.equal(formatTermWithin('userAgent', value, MIN_PREFIX_CHARS), undefined);
    assert.equal(
      formatTermWithin('eventTime', value, 5000),
      undefined,
      'never a wildcard on a time field',
    );
  });
});
