// The index keeps no parsed records: a record's text is read again from its file when it is
// wanted (the detail pane, exports, jsonl, terms the columns cannot decide). A file that changed
// since it was indexed must never give another record for a row: the re-read is checked against
// the fingerprint of the bytes indexed, also after the index is reopened from its cache.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { parseQuery } from '../../../src/core/query/parse';
import { IndexCache } from '../../../src/core/ingest/indexCache';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner, JobRunner, WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { SourceError } from '../../../src/core/sources/source';
import { main } from '../../../src/cli/main';

const record = (eventName: string) => ({
  eventVersion: '1.08',
  eventTime: '2024-05-14T10:00:00Z',
  eventName,
  eventSource: 'cloudtrail.amazonaws.com',
  eventID: 'e-1',
  requestParameters: { name: 'trail1' },
});
const logOf = (eventName: string) => JSON.stringify({ Records: [record(eventName)] });

/** The re-read refused: a 'changed' SourceError naming the file and what to do. */
function refusedAsChanged(file: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SourceError, String(e));
    assert.equal(e.code, 'changed');
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.match(e.message, /changed since it was loaded/);
    assert.match(e.message, /reads the new version/);
    return true;
  };
}

describe('records read again are the ones indexed', function () {
  this.timeout(60_000);
  let dir: string;
  let folder: string;
  let file: string;
  let pool: WorkerPool;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-reread-'));
    folder = join(dir, 'logs');
    file = join(folder, 'a.json');
    mkdirSync(folder);
    writeFileSync(file, logOf('DeleteTrail'));
    pool = new WorkerPool(1);
  });
  afterEach(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(runner: JobRunner, cache?: IndexCache): Promise<EventIndex> {
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(folder))).events, {
      cache,
    });
    cache?.save();
    return index;
  }

  // The worker reads a local file itself (pool), or the file is read through its source (inline).
  for (const [name, runner] of [
    ['worker', () => pool],
    ['inline', () => new InlineRunner()],
  ] as const) {
    it(`a file overwritten after it was indexed gives no record, but an error naming it (${name})`, async () => {
      const index = await load(runner());
      const rows = (await index.query(parseQuery('eventName:DeleteTrail'))).rows;
      assert.equal(rows.length, 1);
      assert.match((await index.rawRecords(rows))[0], /"DeleteTrail"/);
      // The same shape, another record: its element 0 would be taken for the row.
      writeFileSync(file, logOf('Innocent'));
      await assert.rejects(index.rawRecords(rows), refusedAsChanged(file));
      await assert.rejects(index.rawRecord(rows[0]), refusedAsChanged(file));
      // A term the columns cannot decide reads the records again: refused alike.
      await assert.rejects(
        index.query(parseQuery('requestParameters.name:trail1')),
        refusedAsChanged(file),
      );
      // The same bytes again (a restore, a touch): read as before.
      writeFileSync(file, logOf('DeleteTrail'));
      assert.match((await index.rawRecords(rows))[0], /"eventName":"DeleteTrail"/);
      assert.equal((await index.query(parseQuery('requestParameters.name:trail1'))).rows.length, 1);
    });
  }

  for (const from of ['snapshot', 'pack'] as const) {
    it(`an index reopened from its cache (${from}) checks its re-reads too`, async () => {
      const cacheDir = join(dir, 'cache');
      await load(pool, IndexCache.open(cacheDir, 'scope'));
      const cache = IndexCache.open(cacheDir, 'scope');
      if (from === 'pack') rmSync(cache.snapshotPath);
      const index = await load(pool, cache);
      assert.equal(cache.stats.snapshot, from === 'snapshot');
      assert.equal(cache.stats.misses, 0, 'nothing read while loading');
      const rows = (await index.query(parseQuery('eventName:DeleteTrail'))).rows;
      assert.equal(rows.length, 1);
      assert.match((await index.rawRecords(rows))[0], /"DeleteTrail"/, 'unchanged: read');
      writeFileSync(file, logOf('Innocent'));
      await assert.rejects(index.rawRecords(rows), refusedAsChanged(file));
    });
  }

  it('CLI: query --format jsonl says the file changed, and prints no other record', async () => {
    // A file that cannot be parsed is reported after the load, before any record is printed:
    // that is when a.json is overwritten.
    writeFileSync(join(folder, 'b.json'), '{"Records": [');
    let out = '';
    let err = '';
    const code = await main(['query', folder, '--format', 'jsonl', '--no-cache'], {
      out: (t) => void (out += t),
      err: (t) => {
        err += t;
        if (t.includes('b.json')) writeFileSync(file, logOf('Innocent'));
      },
      stderrIsTTY: false,
    });
    assert.ok(err.includes('b.json'), err);
    assert.equal(code, 2, err);
    assert.equal(out, '');
    assert.ok(
      err.includes(`cloudtrail-lens query: ${file}: the file changed since it was loaded`),
      err,
    );
    assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  });
});
