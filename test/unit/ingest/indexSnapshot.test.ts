// The whole-index snapshot (issue 15 §2): a scope listed again exactly as it was is taken whole
// from the snapshot, without reading a file, and is the very index that was saved (every column,
// dictionary, the time order, the duplicate table, the files' entries, problems and origins);
// when a file was touched, deleted or added, the per-file pack answers exactly; a damaged or
// foreign snapshot is never used, but noted and rebuilt.
import * as assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFilesUnder } from './logFiles';
import { EventIndex, type IndexState } from '../../../src/core/index/eventIndex';
import { builtinRules } from '../../../src/core/detect/builtinPack';
import { IndexDetections } from '../../../src/core/detect/indexDetections';
import { parseQuery } from '../../../src/core/query/parse';
import { IndexCache } from '../../../src/core/ingest/indexCache';
import { dictionaryJson, INDEX_SNAPSHOT_FORMAT } from '../../../src/core/ingest/indexSnapshot';
import { loadEventFiles, type LoadOptions } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { generateBucket } from '../../../src/core/synthetic/generator';

const SCOPE = 'snapshot scope';
const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** The index's whole state as plain values (typed arrays as arrays; origins as saved). */
function plain(index: EventIndex): unknown {
  const s: IndexState = index.state();
  return JSON.parse(
    JSON.stringify(s, (_k, v: unknown) =>
      ArrayBuffer.isView(v) ? [v.constructor.name, ...(v as Uint32Array)] : v,
    ),
  );
}

/** What views show, independent of the order files finished loading in. */
async function answers(index: EventIndex): Promise<unknown> {
  const all = await index.query(parseQuery(''));
  const bounds = index.timeBounds();
  const strip = ({ row: _r, fileId: _f, ...s }: { row: number; fileId: number }) => s;
  const queries = ['errorCode:*', 'eventName:Get*', 'origin:*', '-readOnly:true'];
  return {
    count: index.eventCount,
    rows: index.summaries(all, 0, all.rows.length).map(strip),
    queries: await Promise.all(
      queries.map(async (q) => (await index.query(parseQuery(q))).rows.length),
    ),
    facets: ['eventName', 'userIdentity.arn', 'sourceIPAddress', '@origin'].map((f) =>
      index.facet(all, f, 20),
    ),
    histogram: bounds && [...index.histogram(all, bounds.from, bounds.to + 1, 24).counts],
    hidden: [...all.rows].filter((r) => index.isDuplicate(r)).length,
    files: index.files
      .map((f) => [f.key, f.state, f.events, f.notes, f.shape, f.untimed, f.duplicates])
      .sort(),
    problems: index.problems.map((p) => [p.key, p.code, p.severity, p.message]).sort(),
  };
}

describe('whole-index snapshot (index cache)', function () {
  this.timeout(120_000);
  let dir: string;
  let bucket: string;
  let cacheDir: string;
  let pool: WorkerPool;
  let reads: number;
  // Files read: here, or handed to a worker to read.
  const read = FolderSource.prototype.read;
  const workerFile = FolderSource.prototype.workerFile;

  before(() => {
    FolderSource.prototype.read = function (...args: Parameters<FolderSource['read']>) {
      reads++;
      return read.apply(this, args);
    };
    FolderSource.prototype.workerFile = function (...args: Parameters<FolderSource['workerFile']>) {
      reads++;
      return workerFile.apply(this, args);
    };
  });
  after(() => {
    FolderSource.prototype.read = read;
    FolderSource.prototype.workerFile = workerFile;
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-snap-'));
    bucket = join(dir, 'bucket');
    cacheDir = join(dir, 'cache');
    await generateBucket({ events: 2000, out: bucket, seed: 11, eventsPerFile: 100 });
    // The same events twice (a log also kept unzipped): copies are hidden, and stay hidden.
    const first = logFiles()[0];
    writeFileSync(join(bucket, 'copy.json'), gunzipSync(readFileSync(first)));
    writeFileSync(join(bucket, 'broken.json'), '{"Records": [');
    pool = new WorkerPool(2);
  });
  afterEach(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const logFiles = (root = bucket) => logFilesUnder(root);

  async function load(
    root: string,
    cache?: IndexCache,
    options: Partial<LoadOptions> = {},
    save = true,
  ): Promise<EventIndex> {
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(root))).events, {
      cache,
      ...options,
    });
    if (save) cache?.save();
    return index;
  }

  it('saved in steps (as the timeline saves it), the snapshot is the same; steps given up leave no file', async () => {
    const snapshotFiles = () => readdirSync(cacheDir).filter((n) => n.includes('.ctlsnap'));
    // Given up after a few steps: no snapshot, no temporary file; the pack was saved first.
    const given = IndexCache.open(cacheDir, SCOPE);
    await load(bucket, given, {}, false);
    const partial = given.saving();
    for (let k = 0; k < 5; k++) assert.equal(partial.next().done, false, `step ${k}`);
    partial.return();
    assert.deepEqual(snapshotFiles(), [], 'no snapshot and no temporary file');
    // Saved in steps to the end: a reopening takes it whole, and it is the index saved.
    const cache = IndexCache.open(cacheDir, SCOPE);
    const written = await load(bucket, cache, {}, false);
    const steps = cache.saving();
    let count = 0;
    while (!steps.next().done) count++;
    assert.ok(count > 20, `${count} steps: one per array and dictionary slice at least`);
    const reopen = IndexCache.open(cacheDir, SCOPE);
    const reopened = await load(bucket, reopen);
    assert.equal(reopen.stats.snapshot, true, 'taken from the snapshot');
    assert.deepEqual(plain(reopened), plain(written));
  });

  for (const [name, root] of [
    ['a generated bucket with copies and a broken file', () => bucket],
    ['the hostile fixtures', () => join(FIXTURES, 'hostile')],
    ['the invalid-JSON fixtures', () => join(FIXTURES, 'hostile-input')],
  ] as const) {
    it(`${name}: reopened unchanged, the index is the one saved, without reading a file`, async () => {
      const written = await load(root(), IndexCache.open(cacheDir, SCOPE));
      const fresh = await load(root());
      reads = 0;
      const cache = IndexCache.open(cacheDir, SCOPE);
      const reopened = await load(root(), cache);
      assert.equal(cache.stats.snapshot, true, 'taken from the snapshot');
      assert.equal(reads, 0, 'no file read');
      assert.equal(cache.stats.misses, 0);
      assert.equal(cache.stats.hits, reopened.files.length);
      assert.deepEqual(cache.notices, []);
      assert.deepEqual(plain(reopened), plain(written), 'every column, dictionary, order, table');
      if (root() === bucket) {
        // (plain() names each array's kind: the widths came back as they were saved.)
        const st = written.state().store;
        const widths = new Set(
          [...st.scalars, ...st.resources].map((c) => c.ids.BYTES_PER_ELEMENT),
        );
        assert.deepEqual([...widths].sort(), [1, 2, 4], 'ids of each width saved and read back');
      }
      assert.deepEqual(await answers(reopened), await answers(fresh), 'equal to a fresh load');
      assert.deepEqual(await answers(reopened), await answers(written));
      // The detections (worked out from the records, not saved) are those of a fresh load.
      const detections = async (index: EventIndex) => {
        const d = new IndexDetections(index, builtinRules());
        await d.update();
        const hits = await index.query(parseQuery('detection:*'));
        return {
          rows: hits.rows.length,
          cells: index.summaries(hits, 0, 50).map((r) => r.eventID),
        };
      };
      const expected = await detections(fresh);
      assert.deepEqual(await detections(reopened), expected);
      // Raw records still come from the files.
      const all = await reopened.query(parseQuery(''));
      if (all.rows.length > 0)
        assert.match((await reopened.rawRecords([all.rows[0]]))[0], /"eventTime"/);
    });
  }

  it('the copies stay hidden after a reopening, and the snapshot holds no raw record', async () => {
    const written = await load(bucket, IndexCache.open(cacheDir, SCOPE));
    assert.ok(written.size > written.eventCount, 'the copied file is hidden');
    const cache = IndexCache.open(cacheDir, SCOPE);
    const reopened = await load(bucket, cache);
    assert.equal(cache.stats.snapshot, true);
    assert.equal(reopened.eventCount, written.eventCount);
    const copy = reopened.files.find((f) => f.key.endsWith('copy.json'))!;
    assert.equal(copy.duplicates, copy.events);
    assert.equal(reopened.size - reopened.eventCount, copy.events);
    assert.ok(!readFileSync(cache.snapshotPath).includes('"requestParameters"'));
  });

  for (const [change, apply, reread] of [
    [
      'a touched file',
      () => {
        const t = new Date(Date.now() + 60_000);
        utimesSync(logFiles()[3], t, t);
      },
      2, // the touched file and the broken one (a failure is never in the pack)
    ],
    ['a deleted file', () => rmSync(logFiles()[3]), 1],
    ['an added file', () => copyFileSync(logFiles()[3], join(bucket, 'added.json.gz')), 2],
  ] as const) {
    it(`${change}: the snapshot is not used; the pack and the files give the exact index`, async () => {
      await load(bucket, IndexCache.open(cacheDir, SCOPE));
      apply();
      reads = 0;
      const cache = IndexCache.open(cacheDir, SCOPE);
      const index = await load(bucket, cache);
      assert.equal(cache.stats.snapshot, false);
      assert.equal(cache.stats.misses, reread);
      // Besides: the copied file and its original, read again to compare their records (and
      // the added file, a copy of another, with its original).
      assert.equal(reads, reread + 2 + (change === 'an added file' ? 2 : 0));
      assert.deepEqual(await answers(index), await answers(await load(bucket)));
      // The snapshot written now serves the next reopening whole, and is that index.
      const next = IndexCache.open(cacheDir, SCOPE);
      const again = await load(bucket, next);
      assert.equal(next.stats.snapshot, true);
      assert.deepEqual(plain(again), plain(index));
    });
  }

  it("a dictionary's JSON written in slices is byte for byte JSON.stringify of the whole", () => {
    const values = [undefined, 'a', 'é "quoted"\n', 3, true, null, 'arn:aws:s3:::b/k', '', 'z'];
    for (const n of [0, 1, 2, 5, values.length])
      for (const first of [1, 2, 3, 4, 8, 9, 100])
        for (const chars of [1, 5, 12, 40, 1000]) {
          const v = values.slice(0, n);
          const slices = [...dictionaryJson(v, first, chars)];
          const written = Buffer.concat(slices).toString('utf8');
          assert.equal(written, JSON.stringify(v), `${n} values, ${first} first, ${chars} chars`);
          if (chars === 1 && first === 1 && n > 0)
            assert.equal(slices.length, n, 'slices as small as one value each');
        }
  });

  for (const [name, damage, why] of [
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 1000), /truncated/],
    [
      'with a byte flipped in its body',
      (b: Buffer) => ((b[100] ^= 0x10), b), // (the body comes first, the header last)
      /checksum/,
    ],
    [
      'with a byte flipped in its header',
      (b: Buffer) => ((b[b.length - 100] ^= 0x01), b),
      /header/,
    ],
    [
      'with its footer pointing elsewhere',
      (b: Buffer) => ((b[b.length - 16] ^= 0x08), b),
      /footer|header/,
    ],
    [
      'of another format version',
      (b: Buffer) => (b.writeUInt32LE(INDEX_SNAPSHOT_FORMAT + 1, 16), b),
      new RegExp(`format ${INDEX_SNAPSHOT_FORMAT + 1}`),
    ],
    [
      'of the previous format version',
      (b: Buffer) => (b.writeUInt32LE(INDEX_SNAPSHOT_FORMAT - 1, 16), b),
      new RegExp(
        `format ${INDEX_SNAPSHOT_FORMAT - 1}, this version reads format ${INDEX_SNAPSHOT_FORMAT}`,
      ),
    ],
    ['not a snapshot at all', () => Buffer.from('{"hello": 1}'), /not an index snapshot/],
  ] as const) {
    it(`a snapshot ${name} is not used: a notice, a right answer, the snapshot rebuilt`, async () => {
      const expected = await answers(await load(bucket, IndexCache.open(cacheDir, SCOPE)));
      const path = IndexCache.open(cacheDir, SCOPE).snapshotPath;
      writeFileSync(path, damage(readFileSync(path)));
      const cache = IndexCache.open(cacheDir, SCOPE);
      const index = await load(bucket, cache);
      assert.equal(cache.stats.snapshot, false);
      assert.match(cache.notices.join('\n'), why);
      assert.ok(
        cache.notices.every((n) => n.includes(path)),
        'the notice names the snapshot',
      );
      assert.deepEqual(await answers(index), expected);
      const rebuilt = IndexCache.open(cacheDir, SCOPE);
      assert.deepEqual(await answers(await load(bucket, rebuilt)), expected);
      assert.equal(rebuilt.stats.snapshot, true);
      assert.deepEqual(rebuilt.notices, []);
    });
  }

  it('a snapshot larger than the budget is not used: the budget stops the load as without it', async () => {
    await load(bucket, IndexCache.open(cacheDir, SCOPE));
    const cache = IndexCache.open(cacheDir, SCOPE);
    const index = await load(bucket, cache, { limits: { maxRecords: 500 } });
    assert.equal(cache.stats.snapshot, false);
    assert.ok(index.size <= 500, `${index.size} rows`);
    // A load the budget stopped is not a snapshot: the complete one stays.
    const next = IndexCache.open(cacheDir, SCOPE);
    assert.equal((await load(bucket, next)).eventCount, (await load(bucket)).eventCount);
    assert.equal(next.stats.snapshot, true);
  });
});
