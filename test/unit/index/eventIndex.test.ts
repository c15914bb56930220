// The index API the views use, on a generated bucket whose tally is known.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { BucketTally, generateBucket } from '../../../src/core/synthetic/generator';

describe('EventIndex', function () {
  this.timeout(120_000);
  let dir: string;
  let pool: WorkerPool;
  let index: EventIndex;
  let tally: BucketTally;
  const q = (text: string) => index.query(parseQuery(text));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-index-'));
    tally = await generateBucket({ events: 5000, out: dir, seed: 3 });
    pool = new WorkerPool(2);
    index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events);
  });

  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every event, with the per-file counts of the generator', () => {
    assert.equal(index.size, tally.events);
    assert.equal(index.files.length, tally.files);
    for (const f of index.files) assert.equal(f.events, tally.fileEvents[f.key], f.key);
    const org = index.files.find((f) => f.info?.organizationId);
    assert.equal(org?.info?.organizationId, 'o-a1b2c3d4e5');
  });

  it('answers every tally entry exactly', async () => {
    for (const [name, n] of Object.entries(tally.byEventName))
      assert.equal((await q(`eventName:${name}`)).rows.length, n, name);
    for (const [src, n] of Object.entries(tally.byEventSource))
      assert.equal((await q(`eventSource:${src}`)).rows.length, n, src);
    for (const [acct, n] of Object.entries(tally.byAccount))
      assert.equal((await q(`recipientAccountId:${acct}`)).rows.length, n, acct);
    for (const [region, n] of Object.entries(tally.byRegion))
      assert.equal((await q(`awsRegion:${region}`)).rows.length, n, region);
    for (const [type, n] of Object.entries(tally.byIdentityType))
      assert.equal((await q(`userIdentity.type:${type}`)).rows.length, n, type);
    for (const [code, n] of Object.entries(tally.byErrorCode))
      assert.equal((await q(`errorCode:"${code}"`)).rows.length, n, code);
    assert.equal((await q('errorCode:*')).rows.length, tally.errors);
    assert.equal((await q('eventCategory:Data')).rows.length, tally.dataEvents);
    assert.equal(
      (await q('eventName:ConsoleLogin AND responseElements.ConsoleLogin:Failure')).rows.length,
      tally.consoleLoginFailures,
    );
  });

  it('time bounds and order', async () => {
    const b = index.timeBounds()!;
    assert.equal(new Date(b.from).toISOString().replace('.000', ''), tally.firstEventTime);
    assert.equal(new Date(b.to).toISOString().replace('.000', ''), tally.lastEventTime);
    const asc = await q('');
    const desc = await index.query(parseQuery(''), { order: 'desc' });
    assert.deepEqual(Array.from(desc.rows), Array.from(asc.rows).reverse());
    assert.equal(asc.order, 'asc');
  });

  it('limits a query to a time range and to files', async () => {
    const from = Date.parse('2024-05-14T00:10:00Z');
    const to = Date.parse('2024-05-14T00:20:00Z');
    const ranged = await index.query({ kind: 'all' }, { range: { from, to } });
    const viaQuery = await q('time>=2024-05-14T00:10:00Z AND time<2024-05-14T00:20:00Z');
    assert.deepEqual(Array.from(ranged.rows), Array.from(viaQuery.rows));
    assert.ok(ranged.rows.length > 0);
    const file = index.files[7];
    const own = await index.query({ kind: 'all' }, { files: [file.id] });
    assert.equal(own.rows.length, file.events);
    assert.ok(Array.from(own.rows).every((r) => index.store.fileOf[r] === file.id));
  });

  it('summaries show the principal the way people name it', async () => {
    const res = await q('type:AssumedRole AND user:carol@example.com');
    const s = index.summary(res.rows[0]);
    assert.equal(
      s.principal,
      'AWSReservedSSO_AdministratorAccess_5f1c2d3e4b6a7980/carol@example.com',
    );
    assert.equal(s.principalType, 'AssumedRole');
    assert.match(s.eventID, /^[0-9a-f-]{36}$/);
    const root = index.summary((await q('type:Root')).rows[0]);
    assert.equal(root.principal, 'root');
    const svc = index.summary((await q('type:AWSService')).rows[0]);
    assert.match(svc.principal, /\.amazonaws\.com$/);
    const page = index.summaries(res, 1, 3);
    assert.deepEqual(
      page.map((p) => p.row),
      Array.from(res.rows.slice(1, 4)),
    );
  });

  it('facets count the values of a field over a result', async () => {
    const all = await q('');
    const f = index.facet(all, 'eventName', 3);
    const top = Object.entries(tally.byEventName)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    assert.deepEqual(
      f.values.map((v) => [v.label, v.count]),
      top,
    );
    assert.equal(f.other, tally.events - top.reduce((s, [, n]) => s + n, 0));
    const err = index.facet(all, 'errorCode', 50);
    assert.equal(err.absent, tally.events - tally.errors);
    assert.equal(
      err.values.reduce((s, v) => s + v.count, 0),
      tally.errors,
    );
    const principals = index.facet(all, 'principal', 5);
    assert.equal(principals.values.length, 5);
    assert.throws(() => index.facet(all, 'requestParameters.key'), /cannot facet/);
  });

  it('histograms count events and errors per bin', async () => {
    const all = await q('');
    const b = index.timeBounds()!;
    const h = index.histogram(all, b.from, b.to + 1, 24);
    assert.equal(
      h.counts.reduce((s, n) => s + n, 0),
      tally.events,
    );
    assert.equal(
      h.errors.reduce((s, n) => s + n, 0),
      tally.errors,
    );
    assert.ok(h.counts.every((n, i) => h.errors[i] <= n));
  });

  it('fetches the raw JSON of rows on demand, in the order asked', async () => {
    const res = await q('eventName:RunInstances');
    const rows = Uint32Array.from([res.rows[3], res.rows[0], res.rows[2]]);
    const raws = await index.rawRecords(rows);
    raws.forEach((raw, i) => {
      const rec = JSON.parse(raw);
      assert.equal(rec.eventName, 'RunInstances');
      assert.equal(rec.eventID, index.summary(rows[i]).eventID);
    });
    assert.equal(await index.rawRecord(rows[1]), raws[1]);
  });

  it('keeps the columns lean', () => {
    // About 30 four-byte columns, the time column and resources: well under 200 bytes/event.
    assert.ok(
      index.columnBytes / index.size < 200,
      `${index.columnBytes / index.size} bytes per event`,
    );
  });
});
