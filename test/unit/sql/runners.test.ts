// Running compiled SQL through the real SDK clients against the loopback Athena / CloudTrail
// server (DuckDB behind it): progress and cost, paging, cancellation, throttling, errors as
// sentences, a missing table, records rebuilt from rows, Event history with its limits, and no
// secret in any message.
import { strict as assert } from 'node:assert';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { parseQuery } from '../../../src/core/query/parse';
import { matchesRecord } from '../../../src/core/query/match';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover, eventFilesUnder } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import {
  EventHistorySource,
  lookupForQuery,
  RegionPacer,
} from '../../../src/core/sources/eventHistory';
import { StreamedSource } from '../../../src/core/sources/streamed';
import {
  AthenaRunner,
  athenaCost,
  formatProgress,
  QueryProgress,
  ResultPage,
} from '../../../src/core/sql/athena';
import { AwsQueryError } from '../../../src/core/sql/awsErrors';
import { compileQuery } from '../../../src/core/sql/compile';
import { LakeRunner } from '../../../src/core/sql/lake';
import { athenaToTimeline } from '../../../src/core/sql/remote';
import { collectMatchedFiles, recordsFromRows, rowsDocument } from '../../../src/core/sql/results';
import { generateBucket } from '../../../src/core/synthetic/generator';
import {
  TEST_ATHENA_DATABASE,
  TEST_ATHENA_TABLE,
  TEST_EVENT_DATA_STORE,
  TestAwsQueryServer,
} from '../../support/awsQueryServer';

/** Fake credentials: none of these strings may appear in any message. */
const FAKE = {
  accessKeyId: 'AKIAFAKEKEYID0000001',
  secretAccessKey: 'fAkEsEcReT/0123456789abcdefghijklmnopqrs',
  sessionToken:
    'FAKEsessionTOKEN+abcdefghijklmnopqrstuvwxyz0123456789/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij==',
};
const SECRETS = [FAKE.accessKeyId, FAKE.secretAccessKey, FAKE.sessionToken];

function assertNoSecret(text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
}

describe('Athena, CloudTrail Lake and Event history runners (loopback server)', function () {
  this.timeout(120_000);
  let dir: string;
  let server: TestAwsQueryServer;
  let records: Array<Record<string, unknown>>;
  const athena = (extra: ConstructorParameters<typeof AthenaRunner>[1] = {}) =>
    new AthenaRunner(
      {
        endpoint: server.endpoint,
        region: 'us-east-1',
        database: TEST_ATHENA_DATABASE,
        workgroup: 'primary',
        outputLocation: 's3://results/',
      },
      { credentials: FAKE, maxAttempts: 1, firstPollMs: 5, maxPollMs: 20, ...extra },
    );
  const sqlFor = (q: string, select: 'ids' | 'rows' = 'ids') =>
    compileQuery(parseQuery(q), { dialect: 'athena', from: TEST_ATHENA_TABLE, select }).sql;
  const collect = async (it: AsyncIterable<ResultPage>) => {
    const pages: ResultPage[] = [];
    for await (const p of it) pages.push(p);
    return pages;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-sql-run-'));
    await generateBucket({ events: 1300, out: dir, seed: 9 });
    server = await new TestAwsQueryServer(dir, 'run-bucket').start();
    const runner = new InlineRunner();
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
    records = (await index.rawRecords(Array.from({ length: index.size }, (_, i) => i))).map((t) =>
      JSON.parse(t),
    );
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a query: live progress (state, data scanned, cost at $5/TB), then every result page', async () => {
    const progress: QueryProgress[] = [];
    const runner = athena();
    const { id } = await runner.run(sqlFor(''), { onProgress: (p) => progress.push(p) });
    assert.deepEqual([...new Set(progress.map((p) => p.state))], ['RUNNING', 'SUCCEEDED']);
    const last = progress[progress.length - 1];
    assert.ok(last.scannedBytes > 0);
    assert.equal(last.estimatedCostUsd, athenaCost(last.scannedBytes));
    assert.equal(athenaCost(1), ((10 * 1024 * 1024) / 1e12) * 5, 'at least 10 MB is billed');
    assert.match(
      formatProgress(last),
      /^succeeded, [\d.]+ (B|KiB|MiB) scanned, about \$0\.\d{4} \(/,
    );
    const pages = await collect(runner.results(id));
    assert.equal(pages.length, 2, '1300 rows come in two pages of at most 1000');
    assert.deepEqual(pages[0].columns, ['eventid', 'eventtime', '$path']);
    const ids = pages.flatMap((p) => p.rows.map((r) => r[0])).sort();
    assert.deepEqual(ids, records.map((r) => String(r.eventID)).sort());
    const matched = collectMatchedFiles(pages);
    assert.equal(matched.eventIds.size, 1300);
    assert.ok([...matched.byBucket.keys()].every((b) => b === 'run-bucket'));
    assert.ok(matched.byBucket.get('run-bucket')!.every((k) => /^AWSLogs\/.*\.json\.gz$/.test(k)));
    runner.dispose();
  });

  it("rebuilds records from the table's columns, with the record's field names and types", async () => {
    const runner = athena();
    const { id } = await runner.run(sqlFor('eventName:AssumeRole', 'rows'));
    const pages = await collect(runner.results(id));
    const rebuilt = pages.flatMap((p) => recordsFromRows(p, 'athena'));
    const expected = records.filter((r) =>
      matchesRecord(parseQuery('eventName:AssumeRole'), r, JSON.stringify(r)),
    );
    assert.equal(rebuilt.length, expected.length);
    const byId = new Map(expected.map((r) => [r.eventID, r]));
    for (const r of rebuilt) {
      const original = byId.get(r.eventID)!;
      assert.deepEqual(
        r.userIdentity,
        JSON.parse(JSON.stringify(original.userIdentity, (_k, v) => (v === null ? undefined : v))),
      );
      assert.deepEqual(r.requestParameters, original.requestParameters);
      assert.equal(r.eventTime, original.eventTime);
      assert.equal(r.readOnly, String(original.readOnly), "Athena's table holds readOnly as text");
    }
    // Pages become a source the timeline loads as they arrive.
    const source = new StreamedSource(
      'Athena results',
      (async function* () {
        let n = 0;
        for (const p of pages) yield { key: `page-${++n}.json`, bytes: rowsDocument(p, 'athena') };
      })(),
    );
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(source)).events);
    assert.equal(index.size, expected.length);
    runner.dispose();
  });

  it('Athena: a matched record without an event ID is not left out (its rows are rebuilt instead of its file filtered)', async () => {
    const bucket = mkdtempSync(join(tmpdir(), 'ctl-sql-noid-'));
    const folder = join(bucket, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14');
    mkdirSync(folder, { recursive: true });
    const event = (id: string | undefined, second: number) => ({
      eventVersion: '1.08',
      ...(id ? { eventID: id } : {}),
      eventTime: `2024-05-14T10:00:0${second}Z`,
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPolicy',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
    });
    writeFileSync(
      join(folder, '111122223333_CloudTrail_us-east-1_20240514T1005Z_noid.json'),
      JSON.stringify({
        Records: [
          event('0b5c7f4e-0000-4000-8000-000000000001', 1),
          event(undefined, 2),
          event('0b5c7f4e-0000-4000-8000-000000000003', 3),
        ],
      }),
    );
    const own = await new TestAwsQueryServer(bucket, 'noid-bucket').start();
    const runner = new AthenaRunner(
      { endpoint: own.endpoint, region: 'us-east-1', database: TEST_ATHENA_DATABASE },
      { credentials: FAKE, maxAttempts: 1, firstPollMs: 5, maxPollMs: 20 },
    );
    try {
      const outcome = await athenaToTimeline(runner, sqlFor('eventName:PutBucketPolicy', 'rows'), {
        maxFiles: 200,
      });
      assert.equal(outcome.kind, 'rows', 'the file alone cannot show the event without an ID');
      if (outcome.kind !== 'rows') return;
      const index = new EventIndex({ runner: new InlineRunner() });
      await loadEventFiles(index, new InlineRunner(), eventFilesUnder(outcome.source, ''));
      assert.equal(index.size, 3, 'every matched record is in the timeline');
    } finally {
      runner.dispose();
      await own.stop();
      rmSync(bucket, { recursive: true, force: true });
    }
  });

  it('Athena: past maxRows matched rows from few files, the rows stream from the first page instead of being held to the end', async () => {
    const runner = athena();
    try {
      const calls = server.calls.length;
      const outcome = await athenaToTimeline(runner, sqlFor('', 'rows'), {
        maxFiles: 100_000,
        maxRows: 500,
      });
      assert.equal(outcome.kind, 'rows');
      if (outcome.kind !== 'rows') return;
      assert.match(outcome.note, /^More than 500 events matched, too many to download/);
      const read = () =>
        server.calls.slice(calls).filter((c) => c.target.endsWith('GetQueryResults')).length;
      assert.equal(read(), 1, 'the choice stopped at the first page past the bound');
      const index = new EventIndex({ runner: new InlineRunner() });
      await loadEventFiles(index, new InlineRunner(), eventFilesUnder(outcome.source, ''));
      assert.equal(index.size, records.length, 'every row, the first page read again');
      assert.equal(read(), 3);
    } finally {
      runner.dispose();
    }
  });

  it('Cancel sends StopQueryExecution and reports a cancelled query', async () => {
    server.holdQueries = true;
    try {
      const controller = new AbortController();
      const runner = athena();
      const running = runner.run(sqlFor('eventName:x'), {
        signal: controller.signal,
        onProgress: (p) => p.state === 'RUNNING' && controller.abort(),
      });
      await assert.rejects(
        running,
        (e: unknown) =>
          e instanceof AwsQueryError &&
          e.code === 'cancelled' &&
          /StopQueryExecution/.test(e.message),
      );
      assert.ok(server.calls.some((c) => c.target === 'AmazonAthena.StopQueryExecution'));
      runner.dispose();
    } finally {
      server.holdQueries = false;
    }
  });

  it('retries throttling with backoff, then says Athena is throttling', async () => {
    server.throttle.set('AmazonAthena.StartQueryExecution', 1);
    const patient = athena({ maxAttempts: 3 });
    await patient.run(sqlFor('eventName:x'));
    patient.dispose();
    server.throttle.set('AmazonAthena.StartQueryExecution', 5);
    const runner = athena({ maxAttempts: 2 });
    await assert.rejects(
      runner.run(sqlFor('eventName:x')),
      (e: unknown) =>
        e instanceof AwsQueryError &&
        e.code === 'throttled' &&
        e.message ===
          'Athena is throttling requests (still after retries with backoff); wait a moment and try again.',
    );
    server.throttle.clear();
    runner.dispose();
  });

  it('access denied, a failed query and a missing table read as sentences, with no secret in them', async () => {
    server.denied.add('AmazonAthena.StartQueryExecution');
    const runner = athena();
    try {
      await assert.rejects(runner.run(sqlFor('')), (e: unknown) => {
        assert.ok(e instanceof AwsQueryError && e.code === 'access-denied');
        assert.match(
          e.message,
          /^Athena refused the request for the default credentials: access denied\. The identity needs athena:StartQueryExecution/,
        );
        assertNoSecret(e.message);
        return true;
      });
    } finally {
      server.denied.clear();
    }
    await assert.rejects(
      runner.run('SELECT eventid FROM "nope"'),
      (e: unknown) =>
        e instanceof AwsQueryError &&
        e.code === 'table-missing' &&
        e.table === 'default.nope' &&
        /athena-ddl/.test(e.message),
    );
    await assert.rejects(
      runner.run('SELECT no_such_column FROM cloudtrail_logs'),
      (e: unknown) =>
        e instanceof AwsQueryError &&
        e.code === 'failed' &&
        /^Athena: the query failed: /.test(e.message),
    );
    // The fake secret reached the server (signed requests), and nothing the runner said holds it.
    assert.ok(server.calls.some((c) => c.authorization.includes(FAKE.accessKeyId)));
    runner.dispose();
  });

  it('CloudTrail Lake: pages, progress, CancelQuery and failures', async () => {
    const lake = new LakeRunner(
      { endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: FAKE, maxAttempts: 1, firstPollMs: 5, maxPollMs: 20 },
    );
    const sql = compileQuery(parseQuery('readOnly:false'), {
      dialect: 'lake',
      from: TEST_EVENT_DATA_STORE,
    }).sql;
    const states: string[] = [];
    const pages = await collect(lake.query(sql, { onProgress: (p) => states.push(p.state) }));
    assert.deepEqual([...new Set(states)], ['RUNNING', 'FINISHED']);
    assert.deepEqual(pages[0].columns, ['eventID', 'eventTime']);
    const ids = pages.flatMap((p) => p.rows.map((r) => r[0])).sort();
    assert.deepEqual(
      ids,
      records
        .filter((r) => r.readOnly === false)
        .map((r) => String(r.eventID))
        .sort(),
    );
    server.holdQueries = true;
    try {
      const controller = new AbortController();
      await assert.rejects(
        collect(
          lake.query(sql, { signal: controller.signal, onProgress: () => controller.abort() }),
        ),
        (e: unknown) => e instanceof AwsQueryError && e.code === 'cancelled',
      );
      assert.ok(server.calls.some((c) => c.target === 'CloudTrail_20131101.CancelQuery'));
    } finally {
      server.holdQueries = false;
    }
    await assert.rejects(
      collect(lake.query(`SELECT nope FROM ${TEST_EVENT_DATA_STORE}`)),
      (e: unknown) =>
        e instanceof AwsQueryError &&
        e.code === 'failed' &&
        /^CloudTrail Lake: the query failed: /.test(e.message),
    );
    lake.dispose();
  });

  it('CloudTrail Lake: a row that leaves out a NULL cell keeps every value under its own column', async () => {
    const lake = new LakeRunner(
      { endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: FAKE, maxAttempts: 1, firstPollMs: 5, maxPollMs: 20 },
    );
    // errorCode is NULL for most events, and comes before the columns after it.
    const sql = `SELECT eventID, errorCode, eventName, eventSource FROM ${TEST_EVENT_DATA_STORE} ORDER BY errorCode NULLS LAST`;
    server.lakeOmitsNullCells = true;
    try {
      const rebuilt = (await collect(lake.query(sql))).flatMap((p) => recordsFromRows(p, 'lake'));
      assert.equal(rebuilt.length, records.length);
      const byId = new Map(records.map((r) => [r.eventID, r]));
      assert.ok(rebuilt.some((r) => r.errorCode) && rebuilt.some((r) => !r.errorCode));
      for (const r of rebuilt) {
        const original = byId.get(r.eventID)!;
        assert.equal(r.errorCode, original.errorCode ?? undefined, String(r.eventID));
        assert.equal(r.eventName, original.eventName, String(r.eventID));
        assert.equal(r.eventSource, original.eventSource, String(r.eventID));
      }
    } finally {
      server.lakeOmitsNullCells = false;
      lake.dispose();
    }
  });

  it('chooses the narrowest lookup attribute the filter requires, and none under OR or NOT', () => {
    assert.deepEqual(lookupForQuery(parseQuery('readOnly:false eventName:ConsoleLogin')), {
      attribute: 'EventName',
      value: 'ConsoleLogin',
      note: 'Event history matches event names exactly: "ConsoleLogin" must be spelled as CloudTrail writes it (e.g. ConsoleLogin).',
    });
    assert.deepEqual(lookupForQuery(parseQuery('event:ConsoleLogin key:akiaexample')), {
      attribute: 'AccessKeyId',
      value: 'AKIAEXAMPLE',
      note: undefined,
    });
    assert.equal(lookupForQuery(parseQuery('eventName:A OR eventName:B')), undefined);
    assert.equal(lookupForQuery(parseQuery('-eventName:A')), undefined);
    assert.equal(lookupForQuery(parseQuery('eventName:Get*')), undefined);
    assert.equal(lookupForQuery(parseQuery('source:iam.amazonaws.com'))?.attribute, 'EventSource');
  });

  it('Event history paces from when a request was sent: a timer that fired late does not bring the next one closer', async () => {
    const pacer = new RegionPacer(100);
    await pacer.wait();
    const second = pacer.wait(); // planned 100 ms on
    const busy = Date.now() + 250; // the thread is busy past that: the timer fires late
    while (Date.now() < busy);
    await second;
    const sent = Date.now();
    await pacer.wait();
    assert.ok(Date.now() - sent >= 95, `${Date.now() - sent} ms after the late one`);
  });

  it("Event history says what a timeline of it holds: its lookup, its window, and the lookup's note", () => {
    const range = {
      from: Date.parse('2024-05-13T10:00:00Z'),
      to: Date.parse('2024-05-14T10:00:00Z'),
    };
    const lookup = lookupForQuery(parseQuery('eventName:ConsoleLogin user:alice'))!;
    const source = new EventHistorySource({ regions: ['us-east-1'] }, { lookup, range });
    assert.equal(
      source.holds,
      'This timeline holds only the events with EventName = ConsoleLogin that Event history (LookupEvents) returned from 2024-05-13T10:00:00Z to 2024-05-14T10:00:00Z: filters and time ranges here search those events alone. Open the timeline on Event history again to look up others. Event history matches event names exactly: "ConsoleLogin" must be spelled as CloudTrail writes it (e.g. ConsoleLogin).',
    );
    assert.match(
      new EventHistorySource({ regions: ['us-east-1'] }, { range }).holds,
      /^This timeline holds only the events that Event history \(LookupEvents\) returned from 2024-05-13T10:00:00Z to /,
    );
  });

  it('Event history: one attribute per call, 2 requests/s per region, backs off when throttled, the rest of the filter runs locally', async () => {
    server.lookupEvents = records
      .filter((r) => r.awsRegion === 'us-east-1')
      .map((record) => ({ region: 'us-east-1', record }));
    const filter = parseQuery('readOnly:true user:*a*');
    const lookup = lookupForQuery(filter)!;
    assert.equal(lookup.attribute, 'ReadOnly');
    server.throttle.set('CloudTrail_20131101.LookupEvents', 1);
    const mark = server.calls.length;
    const source = new EventHistorySource(
      { regions: ['us-east-1'], endpoint: server.endpoint },
      { credentials: FAKE, lookup, minIntervalMs: 500 },
    );
    const index = new EventIndex({ runner: new InlineRunner() });
    await loadEventFiles(index, new InlineRunner(), (await discover(source)).events);
    const calls = server.calls
      .slice(mark)
      .filter((c) => c.target === 'CloudTrail_20131101.LookupEvents');
    const pages = Math.ceil(
      server.lookupEvents.filter((e) => e.record.readOnly === true).length / 50,
    );
    assert.equal(calls.length, pages + 1, 'every page, plus the throttled call again');
    assert.ok(calls.every((c) => (c.body.LookupAttributes as unknown[]).length === 1));
    const times = server.lookupTimes.get('us-east-1')!.slice(-calls.length);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // Paced at the client; seen at the server after each request's own latency.
    assert.ok(
      gaps.every((g) => g >= 440),
      `requests closer than 0.5 s apart: ${gaps.join(', ')}`,
    );
    assert.ok(
      times[times.length - 1] - times[0] >= (times.length - 1) * 500 - 60,
      'more than 2 requests per second',
    );
    assert.ok(gaps[0] >= 950, `no backoff after the throttle: ${gaps[0]} ms`);
    const local = (await index.query(filter)).rows.length;
    const expected = server.lookupEvents.filter((e) =>
      matchesRecord(filter, e.record, JSON.stringify(e.record)),
    ).length;
    assert.ok(expected > 0);
    assert.equal(local, expected);
    source.dispose();
  });

  it('Event history: a region that fails is reported and the other regions still load', async () => {
    server.lookupEvents = records
      .filter((r) => r.awsRegion === 'us-east-1')
      .slice(0, 70)
      .map((record) => ({ region: 'us-east-1', record }));
    // The first region cannot be reached (a region not enabled, or denied by a policy, alike).
    const source = new EventHistorySource(
      { regions: ['ap-east-1', 'us-east-1'] },
      {
        minIntervalMs: 1,
        clientFor: (region) =>
          new CloudTrailClient({
            region,
            credentials: FAKE,
            maxAttempts: 1,
            endpoint: region === 'us-east-1' ? server.endpoint : 'http://127.0.0.1:9',
          }),
      },
    );
    const index = new EventIndex({ runner: new InlineRunner() });
    const result = await loadEventFiles(index, new InlineRunner(), eventFilesUnder(source, ''));
    assert.equal(index.size, 70, 'the reachable region loads');
    assert.equal(result.filesFailed, 1);
    assert.equal(index.problems.length, 1);
    assert.match(
      index.problems[0].message,
      /Event history \(ap-east-1\): cannot reach the service/,
    );
    source.dispose();
  });

  it('a NextToken that comes back stops the reading with an error (Athena, Lake, Event history), never an endless loop', async () => {
    /** At most `cap` pages: without the guard the same pages would come forever. */
    const capped = async (pages: AsyncIterable<unknown>, cap = 20) => {
      let n = 0;
      for await (const _ of pages) if (++n > cap) assert.fail(`still reading after ${cap} pages`);
      return n;
    };
    const repeats = (service: string) => (e: unknown) =>
      e instanceof Error &&
      e.message.startsWith(`${service}: the results repeat themselves`) &&
      /reading stopped/.test(e.message);
    const targets = [
      'AmazonAthena.GetQueryResults',
      'CloudTrail_20131101.GetQueryResults',
      'CloudTrail_20131101.LookupEvents',
    ];
    targets.forEach((t) => server.repeatToken.add(t));
    try {
      const runner = athena();
      const { id } = await runner.run(sqlFor(''));
      await assert.rejects(capped(runner.results(id)), (e: unknown) => {
        assert.ok(e instanceof AwsQueryError && e.code === 'failed');
        return repeats('Athena')(e);
      });
      runner.dispose();
      const lake = new LakeRunner(
        { endpoint: server.endpoint, region: 'us-east-1' },
        { credentials: FAKE, maxAttempts: 1, firstPollMs: 5, maxPollMs: 20 },
      );
      const sql = compileQuery(parseQuery(''), { dialect: 'lake', from: TEST_EVENT_DATA_STORE });
      await assert.rejects(capped(lake.query(sql.sql)), repeats('CloudTrail Lake'));
      lake.dispose();
      server.lookupEvents = records
        .slice(0, 120)
        .map((record) => ({ region: 'us-east-1', record }));
      const history = new EventHistorySource(
        { regions: ['us-east-1'], endpoint: server.endpoint },
        { credentials: FAKE, minIntervalMs: 1 },
      );
      await assert.rejects(capped(history.listAll('')), repeats('Event history (us-east-1)'));
      history.dispose();
    } finally {
      targets.forEach((t) => server.repeatToken.delete(t));
    }
  });
});
