// The persisted index (issue 15 §2): a scope loaded again with nothing changed comes from the
// pack, equal to a load from the files; a touched, edited, deleted or added file changes exactly
// its own part; a damaged or foreign pack is never used, but noted and rebuilt.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gzipSync } from 'node:zlib';
import { logFilesUnder } from './logFiles';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { parseQuery } from '../../../src/core/query/parse';
import {
  clearIndexCache,
  IndexCache,
  indexCacheSize,
  pruneIndexCache,
} from '../../../src/core/ingest/indexCache';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { decodeEntry, EntryEncoder } from '../../../src/core/ingest/cacheEntry';
import { ColumnStore } from '../../../src/core/index/columnStore';
import { shapeFiles } from '../../fixtures/shapes';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { generateBucket } from '../../../src/core/synthetic/generator';
import { runQuery } from '../../../src/cli/query';

const SCOPE = 'test scope';

/** Everything a view shows of an index: rows in order, facets, histogram, file states, problems. */
async function picture(index: EventIndex): Promise<unknown> {
  const all = await index.query(parseQuery(''));
  const errors = await index.query(parseQuery('errorCode:*'));
  const bounds = index.timeBounds();
  const histogram = bounds ? index.histogram(all, bounds.from, bounds.to + 1, 24) : null;
  return {
    count: index.eventCount,
    rows: index.summaries(all, 0, all.rows.length).map(({ row: _row, fileId: _f, ...s }) => s),
    errors: errors.rows.length,
    facets: ['eventName', 'eventSource', 'userIdentity.arn', 'sourceIPAddress'].map((f) =>
      index.facet(all, f, 20),
    ),
    histogram: histogram && { counts: [...histogram.counts], errors: [...histogram.errors] },
    files: index.files.map((f) => [f.key, f.state, f.events, f.notes, f.shape, f.untimed]).sort(),
    problems: index.problems.map((p) => [p.key, p.code, p.severity, p.message]).sort(),
  };
}

describe('persisted index (index cache)', function () {
  this.timeout(120_000);
  let dir: string;
  let bucket: string;
  let cacheDir: string;
  let pool: WorkerPool;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-cache-'));
    bucket = join(dir, 'bucket');
    cacheDir = join(dir, 'cache');
    await generateBucket({ events: 3000, out: bucket, seed: 7, eventsPerFile: 100 });
    // Shapes other than delivered logs, and a file that cannot be read, are cached (or not) too.
    writeFileSync(
      join(bucket, 'lines.jsonl'),
      [1, 2, 3]
        .map((i) =>
          JSON.stringify({
            eventVersion: '1.08',
            eventTime: `2024-05-14T10:0${i}:00Z`,
            eventName: 'GetObject',
            eventSource: 's3.amazonaws.com',
            eventID: `e-${i}`,
          }),
        )
        .join('\n'),
    );
    writeFileSync(join(bucket, 'broken.json'), '{"Records": [');
    // Times that are dates only: the file's warning is kept too.
    writeFileSync(
      join(bucket, 'dates.jsonl'),
      ['2024-05-14', '2024-05-15']
        .map((eventTime, i) =>
          JSON.stringify({
            eventTime,
            eventName: 'GetObject',
            eventSource: 's3.amazonaws.com',
            eventID: `d-${i}`,
          }),
        )
        .join('\n'),
    );
    // A file read with a warning (bytes after its gzip member ignored): the warning is kept too.
    writeFileSync(
      join(bucket, 'trailing.json.gz'),
      Buffer.concat([
        gzipSync(
          JSON.stringify({
            Records: [
              {
                eventVersion: '1.08',
                eventTime: '2024-05-14T11:00:00Z',
                eventName: 'GetObject',
                eventSource: 's3.amazonaws.com',
                eventID: 'e-9',
              },
            ],
          }),
        ),
        Buffer.from('garbage'),
      ]),
    );
    pool = new WorkerPool(2);
  });
  afterEach(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function load(cache?: IndexCache): Promise<EventIndex> {
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(bucket))).events, { cache });
    cache?.save();
    return index;
  }
  const logFiles = () => logFilesUnder(bucket);

  it('a second load of the same scope comes wholly from the pack and equals a load from the files', async () => {
    const fresh = await picture(await load());
    assert.ok(
      (fresh as { problems: string[][] }).problems.some(
        ([key, code]) => key === 'dates.jsonl' && code === 'partial-time',
      ),
      'the warning on dates is in the picture',
    );
    const first = IndexCache.open(cacheDir, SCOPE);
    assert.deepEqual(await picture(await load(first)), fresh);
    assert.equal(first.stats.hits, 0);
    assert.ok(first.stats.misses > 30, `every file was read (${first.stats.misses})`);
    // Nothing changed: the whole index comes from the snapshot (indexSnapshot.test.ts).
    const whole = IndexCache.open(cacheDir, SCOPE);
    assert.deepEqual(await picture(await load(whole)), fresh);
    assert.equal(whole.stats.snapshot, true);
    assert.equal(whole.stats.misses, 0);
    // Without the snapshot, the pack serves every file it holds.
    rmSync(whole.snapshotPath);
    const again = IndexCache.open(cacheDir, SCOPE);
    const index = await load(again);
    assert.equal(again.stats.snapshot, false);
    assert.equal(
      again.stats.misses,
      1,
      'only the unreadable file (never in the pack) is read again',
    );
    assert.equal(again.stats.hits, first.stats.misses - 1);
    assert.deepEqual(await picture(index), fresh);
    assert.deepEqual(again.notices, []);
    // Raw records still come from the files (the pack holds none).
    const row = (await index.query(parseQuery(''))).rows[0];
    assert.match((await index.rawRecords([row]))[0], /"eventTime"/);
    assert.ok(
      !readFileSync(first.path).includes('"requestParameters"'),
      'no raw record in the pack',
    );
  });

  it("each file's entry, read back from the index at the save, decodes to the rows the file gave", async () => {
    // Every shape of evidence and the hostile records besides the generated logs.
    for (const [name, content] of Object.entries(shapeFiles()))
      writeFileSync(join(bucket, name.replace(/[\\/]/g, '_')), content);
    cpSync(join(__dirname, '../../fixtures/hostile/AWSLogs'), join(bucket, 'AWSLogs'), {
      recursive: true,
    });
    writeFileSync(join(bucket, 'no-records.json'), '{"Records": []}');
    const index = await load();
    const loaded = index.files
      .filter((f) => f.state === 'loaded')
      .sort((a, b) => a.firstRow - b.firstRow); // (files are appended as they finish)
    assert.ok(loaded.length > 40, `${loaded.length} files`);
    assert.ok(new Set(loaded.map((f) => f.shape)).size > 2, 'several shapes');
    assert.ok(
      loaded.some((f) => f.events === 0),
      'a file of no records',
    );
    const batches = index.store.batches();
    const back = new ColumnStore();
    const encoder = new EntryEncoder(); // one for all, as the save uses it
    for (const f of loaded) {
      const file = {
        batch: batches.batchOf(f.firstRow, f.events, f.shape!),
        warnings: ['w'],
        skipped: 1,
        uncompressedBytes: 7,
        notes: ['n'],
        sha256: f.sha256!,
        fileWarning: 'g',
        repeatedKeys: 'r',
        textWarning: 't',
        timeWarning: 'p',
      };
      const entry = encoder.encode(file);
      assert.equal(entry.crc, crc32(entry.bytes));
      assert.ok(
        Buffer.from(entry.bytes).equals(new EntryEncoder().encode(file).bytes),
        'an encoder used before writes what a new one writes',
      );
      const decoded = decodeEntry(entry.bytes);
      assert.deepEqual(
        { ...decoded, batch: undefined },
        {
          warnings: ['w'],
          skipped: 1,
          uncompressedBytes: 7,
          notes: ['n'],
          sha256: f.sha256,
          fileWarning: 'g',
          repeatedKeys: 'r',
          textWarning: 't',
          timeWarning: 'p',
          batch: undefined,
        },
      );
      assert.equal(decoded.batch.shape, f.shape);
      back.append(f.id, decoded.batch);
    }
    // Appended in the same order, the rows are the index's own: ids, dictionaries and all.
    const mine = index.store.state();
    const theirs = back.state();
    assert.deepEqual({ ...theirs, fileOf: undefined }, { ...mine, fileOf: undefined });
    assert.ok(mine.timeIrregular.length > 0 || mine.rowIrregular.length > 0);
  });

  it('the entries are made when the cache is saved, not while the files load', async () => {
    const cache = IndexCache.open(cacheDir, SCOPE);
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(bucket))).events, {
      cache,
    });
    const temps = () =>
      (existsSync(cacheDir) ? readdirSync(cacheDir) : [])
        .filter((n) => n.endsWith('.tmp'))
        .map((n) => statSync(join(cacheDir, n)).size);
    assert.ok(
      temps().every((size) => size < 1_000),
      `nothing but a pack's lead written while loading (${temps()})`,
    );
    cache.save();
    assert.deepEqual(temps(), []);
    assert.ok(statSync(cache.path).size > 100_000, 'the pack holds the entries');
  });

  it('a touched, an edited (mtime set back), a deleted and an added file change exactly their own part', async () => {
    await load(IndexCache.open(cacheDir, SCOPE));
    const [touched, deleted] = logFiles();
    const edited = join(bucket, 'lines.jsonl');
    const t = new Date(Date.now() + 60_000);
    utimesSync(touched, t, t);
    // Edited as an attacker would: same size, mtime put back. ctime still moves.
    const before = statSync(edited);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('GetObject', 'PutObject'));
    utimesSync(edited, before.atimeMs / 1000, before.mtimeMs / 1000);
    assert.equal(statSync(edited).size, before.size);
    assert.equal(
      Math.floor(statSync(edited).mtimeMs),
      Math.floor(before.mtimeMs),
      'the mtime the listing sees is put back',
    );
    rmSync(deleted);
    const added = join(bucket, 'added.jsonl');
    writeFileSync(
      added,
      JSON.stringify({
        eventVersion: '1.08',
        eventTime: '2024-05-14T11:00:00Z',
        eventName: 'StopLogging',
        eventSource: 'cloudtrail.amazonaws.com',
        eventID: 'added-1',
      }),
    );
    const cache = IndexCache.open(cacheDir, SCOPE);
    const index = await load(cache);
    assert.equal(cache.stats.misses, 4, 'touched, edited, added, and the unreadable file');
    assert.equal(
      cache.stats.dropped,
      3,
      'the old entries of the touched, edited and deleted files',
    );
    assert.deepEqual(
      await picture(index),
      await picture(await load()),
      'equal to a load without the cache',
    );
    assert.equal((await index.query(parseQuery('eventID:added-1'))).rows.length, 1);
    assert.equal(
      (await index.query(parseQuery('eventID:e-1 AND eventName:PutObject'))).rows.length,
      1,
      'the edit is seen',
    );
    // And the snapshot written now serves the next load whole.
    const next = IndexCache.open(cacheDir, SCOPE);
    await load(next);
    assert.equal(next.stats.snapshot, true);
    assert.equal(next.stats.misses, 0);
  });

  for (const [name, damage, why] of [
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)), /truncated|damaged/],
    ['of another format version', (b: Buffer) => (b.writeUInt32LE(999, 13), b), /format 999/],
    ['not a pack at all', () => Buffer.from('{"hello": 1}'), /not an index cache/],
    // (Byte 100 lies in the first entry: the header and the footer are at the end.)
    ['with a damaged entry', (b: Buffer) => ((b[100] ^= 0xff), b), /an entry is damaged/],
    ['with a damaged header', (b: Buffer) => ((b[b.length - 100] ^= 0xff), b), /damaged/],
  ] as const) {
    it(`a pack ${name} is not used: a notice, the files are read, the answer is right, the pack rebuilt`, async () => {
      const expected = await picture(await load(IndexCache.open(cacheDir, SCOPE)));
      const { path: pack, snapshotPath } = IndexCache.open(cacheDir, SCOPE);
      writeFileSync(pack, damage(readFileSync(pack)));
      rmSync(snapshotPath); // (else the snapshot serves, and the pack is not read)
      const cache = IndexCache.open(cacheDir, SCOPE);
      const index = await load(cache);
      assert.match(cache.notices.join('\n'), why);
      assert.ok(
        cache.notices.every((n) => n.includes(pack)),
        'the notice names the pack',
      );
      assert.deepEqual(await picture(index), expected);
      rmSync(snapshotPath);
      const rebuilt = IndexCache.open(cacheDir, SCOPE);
      await load(rebuilt);
      assert.deepEqual(rebuilt.notices, []);
      assert.equal(rebuilt.stats.misses, 1);
    });
  }

  it('a pack whose header (checksum right) puts an entry out of place is noted and rebuilt, never read', async () => {
    const expected = await picture(await load(IndexCache.open(cacheDir, SCOPE)));
    const { path: pack, snapshotPath } = IndexCache.open(cacheDir, SCOPE);
    rmSync(snapshotPath);
    const b = readFileSync(pack);
    const at = Number(b.readBigUInt64LE(b.length - 16));
    const header = JSON.parse(b.subarray(at, at + b.readUInt32LE(b.length - 8)).toString());
    for (const [field, value] of [
      ['length', -8],
      ['length', 1e12],
      ['offset', 3],
      ['offset', -16],
      ['offset', at],
    ] as const) {
      const h = structuredClone(header);
      h.entries[1][field] = value;
      const json = Buffer.from(JSON.stringify(h));
      const footer = Buffer.alloc(16);
      footer.writeBigUInt64LE(BigInt(at), 0);
      footer.writeUInt32LE(json.length, 8);
      footer.writeUInt32LE(crc32(json), 12);
      writeFileSync(pack, Buffer.concat([b.subarray(0, at), json, footer]));
      const cache = IndexCache.open(cacheDir, SCOPE);
      const index = new EventIndex({ runner: pool });
      await loadEventFiles(index, pool, (await discover(new FolderSource(bucket))).events, {
        cache,
      });
      cache.close();
      assert.match(cache.notices.join('\n'), /out of place/, `${field} ${value}`);
      assert.deepEqual(await picture(index), expected, `${field} ${value}`);
    }
  });

  it('entries taken from the old pack are copied while the load runs, a file read again is written at the save; a cancelled load leaves the old pack and no temporary file', async () => {
    await load(IndexCache.open(cacheDir, SCOPE));
    const { path: pack, snapshotPath } = IndexCache.open(cacheDir, SCOPE);
    const old = readFileSync(pack);
    rmSync(snapshotPath);
    const temps = () => readdirSync(cacheDir).filter((n) => n.endsWith('.tmp'));
    // A file changed: the pack is read, and the unchanged files' entries go to the new pack as
    // they are taken (the changed file's entry is made at the save).
    const t = new Date(Date.now() + 60_000);
    utimesSync(logFiles()[0], t, t);
    const cache = IndexCache.open(cacheDir, SCOPE);
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(bucket))).events, { cache });
    const [temp] = temps();
    assert.ok(temp, 'a new pack is being written before the save');
    assert.ok(
      statSync(join(cacheDir, temp)).size > old.length * 0.9,
      'the entries taken are on disk already, not held until the save',
    );
    cache.close(); // as when the load is cancelled: no save
    assert.deepEqual(temps(), [], 'the unfinished pack is removed');
    assert.ok(readFileSync(pack).equals(old), 'the old pack is untouched');
    // Saved, the new pack serves the next load (the touched file is a hit now).
    const again = IndexCache.open(cacheDir, SCOPE);
    await load(again);
    assert.equal(again.stats.misses, 2, 'the touched file and the unreadable one');
    assert.deepEqual(temps(), []);
    rmSync(snapshotPath);
    const third = IndexCache.open(cacheDir, SCOPE);
    await load(third);
    assert.equal(third.stats.misses, 1, 'only the unreadable file');
    assert.deepEqual(third.notices, []);
  });

  it('a reopening from the pack with nothing changed writes nothing; a deletion alone rewrites it without that file', async () => {
    await load(IndexCache.open(cacheDir, SCOPE));
    const { path: pack, snapshotPath } = IndexCache.open(cacheDir, SCOPE);
    const temps = () => readdirSync(cacheDir).filter((n) => n.endsWith('.tmp'));
    const loadWithoutSnapshot = async () => {
      rmSync(snapshotPath, { force: true });
      const cache = IndexCache.open(cacheDir, SCOPE);
      const index = new EventIndex({ runner: pool });
      await loadEventFiles(index, pool, (await discover(new FolderSource(bucket))).events, {
        cache,
      });
      const during = temps();
      cache.save();
      return { cache, during, index };
    };
    const inode = statSync(pack).ino;
    const same = await loadWithoutSnapshot();
    assert.deepEqual(same.during, [], 'no new pack is started while every file is a hit');
    assert.equal(same.cache.stats.misses, 1, 'only the unreadable file');
    assert.equal(statSync(pack).ino, inode, 'the pack is the one that was there');
    // A deleted file: the other entries are copied into a new pack at the save.
    rmSync(logFiles()[0]);
    const expected = await picture(await load());
    const deleted = await loadWithoutSnapshot();
    assert.equal(deleted.cache.stats.dropped, 1);
    assert.notEqual(statSync(pack).ino, inode, 'a new pack');
    assert.deepEqual(await picture(deleted.index), expected);
    const after = await loadWithoutSnapshot();
    assert.equal(after.cache.stats.dropped, 0);
    assert.equal(after.cache.stats.misses, 1, 'every other file from the new pack');
    assert.deepEqual(after.cache.notices, []);
    assert.deepEqual(await picture(after.index), expected);
  });

  it('a temporary file left by a process that died is removed when the cache is opened', async () => {
    await load(IndexCache.open(cacheDir, SCOPE));
    const { path: pack } = IndexCache.open(cacheDir, SCOPE);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // (ended before spawnSync returns)
    writeFileSync(`${pack}.${dead}-0.tmp`, 'left by a killed load');
    writeFileSync(`${pack}.${process.pid}-999.tmp`, 'this process: still being written');
    IndexCache.open(cacheDir, SCOPE);
    assert.deepEqual(
      readdirSync(cacheDir).filter((n) => n.endsWith('.tmp')),
      [`${pack.split('/').pop()}.${process.pid}-999.tmp`],
    );
  });

  it('another scope has its own pack and snapshot; the size is known; clearing empties it; pruning keeps the newest', async () => {
    await load(IndexCache.open(cacheDir, SCOPE));
    await load(IndexCache.open(cacheDir, 'another scope'));
    const size = indexCacheSize(cacheDir);
    assert.equal(size.files, 4);
    assert.ok(size.bytes > 10_000);
    const keep = IndexCache.open(cacheDir, SCOPE);
    const kept = statSync(keep.path).size + statSync(keep.snapshotPath).size;
    assert.equal(pruneIndexCache(cacheDir, kept, keep.path), 2);
    assert.deepEqual(
      readdirSync(cacheDir).sort(),
      [keep.path, keep.snapshotPath].map((p) => p.split('/').pop()).sort(),
    );
    assert.deepEqual(clearIndexCache(cacheDir).files, 2);
    assert.equal(indexCacheSize(cacheDir).files, 0);
  });

  it('CLI: --cache-dir gives the same output twice and reads only what changed; --no-cache writes nothing', async () => {
    const run = async (...extra: string[]) => {
      let out = '';
      let err = '';
      const code = await runQuery(
        [
          bucket,
          '--format',
          'csv',
          '--fields',
          'time,eventName,principal,sourceIPAddress',
          ...extra,
        ],
        { out: (s) => (out += s), err: (s) => (err += s), stderrIsTTY: false },
      );
      return { code, out, err };
    };
    const plain = await run('--no-cache');
    assert.equal(indexCacheSize(cacheDir).files, 0);
    const first = await run('--cache-dir', cacheDir);
    assert.equal(indexCacheSize(cacheDir).files, 2, 'the pack and the snapshot');
    appendFileSync(
      join(bucket, 'lines.jsonl'),
      '\n' +
        JSON.stringify({
          eventVersion: '1.08',
          eventTime: '2024-05-14T10:09:00Z',
          eventName: 'PutObject',
          eventSource: 's3.amazonaws.com',
          eventID: 'e-9',
        }),
    );
    const second = await run('--cache-dir', cacheDir);
    const third = await run('--cache-dir', cacheDir);
    assert.equal(first.out, plain.out);
    assert.equal(first.err, plain.err);
    assert.equal(second.out, third.out);
    assert.equal(
      second.out.split('\n').length,
      plain.out.split('\n').length + 1,
      'the appended event is in',
    );
    assert.ok(second.out.includes('PutObject'));
  });

  it('CLI: under `| head` (stdout closed early) the index cache is still written', async function () {
    const fresh = mkdtempSync(join(tmpdir(), 'ctl-cli-head-'));
    try {
      // More events than the CLI prints in one chunk (20,000): stdout is closed while it reads
      // the second chunk's records, not in the last write before the cache's.
      const big = join(fresh, 'bucket');
      await generateBucket({ events: 25_000, out: big, seed: 8 });
      const cache = join(fresh, 'cache');
      // The real process (its stdout's EPIPE handler), from the sources as the tests run them.
      const child = spawn(
        process.execPath,
        [
          '--require',
          'tsx/cjs',
          join(__dirname, '../../../src/cli/main.ts'),
          'query',
          big,
          '--cache-dir',
          cache,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.stdout.once('data', () => child.stdout.destroy()); // what `head -1` does
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, err);
      assert.equal(indexCacheSize(cache).files, 2, 'the pack and the snapshot');
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('CLI: the answer is printed before the index cache is written', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ctl-cli-cache-'));
    try {
      const sizeAtAnswer: number[] = [];
      const code = await runQuery([bucket, '--count', '--cache-dir', fresh], {
        out: () => sizeAtAnswer.push(indexCacheSize(fresh).bytes),
        err: () => {},
        stderrIsTTY: false,
      });
      assert.equal(code, 0);
      assert.equal(sizeAtAnswer.length, 1);
      const written = indexCacheSize(fresh);
      assert.equal(written.files, 2, 'the pack and the snapshot, once the answer is out');
      // While the files load, only the pack's lead is written: nothing of the index yet.
      assert.ok(sizeAtAnswer[0] < written.bytes / 10, `${sizeAtAnswer[0]} of ${written.bytes}`);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
