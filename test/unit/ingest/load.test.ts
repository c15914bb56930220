// Loading a folder with good and bad files through the real worker pool.
import * as assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner, WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';

const record = (i: number, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.08',
  eventTime: `2024-05-14T10:${String(i % 60).padStart(2, '0')}:00Z`,
  eventSource: 'ec2.amazonaws.com',
  eventName: i % 2 ? 'RunInstances' : 'DescribeInstances',
  awsRegion: 'us-east-1',
  eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ...extra,
});

describe('loading a folder', function () {
  this.timeout(60_000);
  let dir: string;
  let pool: WorkerPool;
  const isRoot = process.getuid?.() === 0;
  const logKey =
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz';
  const insightKey =
    'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/14/111122223333_CloudTrail-Insight_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz';
  const digestKey =
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240514T100512Z.json.gz';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-load-'));
    const put = (key: string, data: string | Buffer) => {
      const file = join(dir, ...key.split('/'));
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, data);
    };
    put(logKey, gzipSync(JSON.stringify({ Records: [record(3), record(1), record(2)] })));
    put(
      insightKey,
      gzipSync(
        JSON.stringify({
          Records: [
            {
              eventVersion: '1.08',
              eventTime: '2024-05-14T10:30:00Z',
              eventType: 'AwsCloudTrailInsight',
              eventCategory: 'Insight',
              insightDetails: { state: 'Start' },
            },
          ],
        }),
      ),
    );
    // A digest is JSON that is not events: it must be listed, never parsed.
    put(digestKey, gzipSync(JSON.stringify({ awsAccountId: '111122223333', logFiles: [] })));
    put('loose/export.json', JSON.stringify([record(10), record(11)], null, 2));
    put(
      'loose/lines.jsonl',
      [record(20), record(21), record(22)].map((r) => JSON.stringify(r)).join('\n'),
    );
    put(
      'bad/corrupt.json.gz',
      Buffer.concat([
        gzipSync(JSON.stringify({ Records: [record(1)] })).subarray(0, 12),
        Buffer.from('garbage that is not deflate data'),
      ]),
    );
    put('bad/truncated.json', JSON.stringify({ Records: [record(1), record(2)] }).slice(0, 150));
    put('bad/describe-trails.json', JSON.stringify({ trailList: [{ Name: 'main' }] }));
    put('bad/bomb.json.gz', gzipSync(Buffer.alloc(3 * 1024 * 1024, 0x20)));
    put('bad/locked.json', JSON.stringify({ Records: [record(40)] }));
    chmodSync(join(dir, 'bad/locked.json'), 0o000);
    symlinkSync('loop-b.json', join(dir, 'bad', 'loop-a.json'));
    symlinkSync('loop-a.json', join(dir, 'bad', 'loop-b.json'));
    put('README.md', '# notes');
    pool = new WorkerPool(2);
  });

  after(async () => {
    await pool.close();
    chmodSync(join(dir, 'bad/locked.json'), 0o644);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads every good file, reports every bad one by name and reason, and changes nothing', async () => {
    const before = statSync(join(dir, logKey));
    const bytesBefore = readFileSync(join(dir, logKey));
    const found = await discover(new FolderSource(dir));
    assert.deepEqual(
      found.digests.map((d) => d.key),
      [digestKey],
    );
    assert.deepEqual(
      found.ignored.map((d) => d.key),
      ['README.md'],
    );
    assert.ok(
      !found.events.some((e) => e.object.key === digestKey),
      'a digest is never an event file',
    );

    const index = new EventIndex({ runner: pool, maxUncompressedBytes: 2 * 1024 * 1024 });
    const summary = await loadEventFiles(index, pool, found.events);
    const byKey = new Map(index.files.map((f) => [f.key, f]));
    assert.equal(byKey.get(logKey)!.events, 3);
    assert.equal(byKey.get(logKey)!.info?.accountId, '111122223333');
    assert.equal(byKey.get(insightKey)!.kind, 'insight');
    assert.equal(byKey.get(insightKey)!.events, 1);
    assert.equal(byKey.get('loose/export.json')!.events, 2);
    assert.equal(byKey.get('loose/lines.jsonl')!.events, 3);
    const lockedLoads = isRoot; // root reads files whatever their mode
    assert.equal(index.size, 9 + (lockedLoads ? 1 : 0));

    const problems = new Map(index.problems.map((p) => [p.key, p]));
    const expect = (key: string, code: string, message: RegExp) => {
      const p = problems.get(key);
      assert.ok(p, `${key} is reported`);
      assert.equal(p.code, code, `${key}: ${p.message}`);
      assert.match(p.message, message);
      assert.equal(p.location, join(dir, ...key.split('/')));
      assert.equal(byKey.get(key)!.state, 'failed');
    };
    expect('bad/corrupt.json.gz', 'corrupt-gzip', /not valid gzip/);
    expect('bad/truncated.json', 'bad-json', /truncated JSON/);
    expect(
      'bad/describe-trails.json',
      'not-cloudtrail',
      /^not CloudTrail: a JSON object without a "Records" array/,
    );
    expect('bad/bomb.json.gz', 'too-large', /exceeds the limit of 2 MiB/);
    expect('bad/loop-a.json', 'loop', /symbolic link loop/);
    expect('bad/loop-b.json', 'loop', /symbolic link loop/);
    if (!lockedLoads) expect('bad/locked.json', 'access-denied', /permission denied/);
    assert.equal(summary.filesFailed, lockedLoads ? 6 : 7);

    const after = statSync(join(dir, logKey));
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual(readFileSync(join(dir, logKey)), bytesBefore);
  });

  it('workers read the local files themselves, with the same events and problems as reading them here', async () => {
    const found = await discover(new FolderSource(dir));
    const outcome = async (runner: WorkerPool | InlineRunner) => {
      const index = new EventIndex({ runner, maxUncompressedBytes: 2 * 1024 * 1024 });
      let readHere = 0;
      const read = FolderSource.prototype.read;
      FolderSource.prototype.read = function (...args: Parameters<FolderSource['read']>) {
        readHere++;
        return read.apply(this, args);
      };
      let summary;
      try {
        summary = await loadEventFiles(index, runner, found.events);
      } finally {
        FolderSource.prototype.read = read;
      }
      const all = await index.query({ kind: 'all' });
      return {
        readHere,
        bytesRead: summary.bytesRead,
        files: index.files.map((f) => [f.key, f.state, f.events]),
        events: Array.from(all.rows, (r) => index.summary(r).eventID),
        problems: index.problems.map((p) => [p.key, p.code, p.severity, p.message, p.location]),
      };
    };
    const inline = await outcome(new InlineRunner());
    const workers = await outcome(pool);
    assert.equal(inline.readHere, found.events.length);
    // Only the two links (a loop) are left to the source by the workers.
    assert.equal(workers.readHere, 2);
    const { readHere: _a, ...here } = inline;
    const { readHere: _b, ...there } = workers;
    assert.deepEqual(there, here);
    assert.ok(here.bytesRead > 0);
  });

  it('orders events by time across files and within unsorted files', async () => {
    const found = await discover(new FolderSource(dir));
    const index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, found.events);
    const all = await index.query({ kind: 'all' });
    const times = Array.from(all.rows, (r) => index.store.times[r]).filter(Number.isFinite);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(index.summary(all.rows[0]).eventTime, '2024-05-14T10:01:00Z');
  });

  it('lets queries see the events of the files loaded so far, while loading', async () => {
    const found = await discover(new FolderSource(dir));
    const index = new EventIndex({ runner: pool });
    const partial: Promise<number>[] = [];
    await loadEventFiles(index, pool, found.events, {
      onFile: () => {
        partial.push(index.query({ kind: 'all' }).then((r) => r.rows.length));
      },
    });
    const seen = await Promise.all(partial);
    assert.ok(
      seen.some((n) => n > 0 && n < index.size),
      `results while loading: ${seen.join(', ')}`,
    );
    // The order built up while loading (merging new rows in) equals a full sort by
    // (time, file, element), rows without a time last.
    const merged = Array.from((await index.query({ kind: 'all' })).rows);
    const s = index.store;
    const key = (r: number) => (Number.isFinite(s.times[r]) ? s.times[r] : Infinity);
    const expected = Array.from({ length: index.size }, (_, r) => r).sort(
      (a, b) => key(a) - key(b) || s.fileOf[a] - s.fileOf[b] || s.elementOf[a] - s.elementOf[b],
    );
    assert.deepEqual(merged, expected);
  });

  it('stops when cancelled and leaves the remaining files pending', async () => {
    // More files than the load keeps in flight (the files already sent to a worker finish).
    const many = mkdtempSync(join(tmpdir(), 'ctl-load-many-'));
    try {
      for (let k = 0; k < 100; k++)
        writeFileSync(
          join(many, `part-${k}.json.gz`),
          gzipSync(JSON.stringify({ Records: [record(k), record(k + 1)] })),
        );
      const found = await discover(new FolderSource(many));
      const index = new EventIndex({ runner: pool });
      const controller = new AbortController();
      const summary = await loadEventFiles(index, pool, found.events, {
        signal: controller.signal,
        onFile: () => controller.abort(),
      });
      assert.equal(summary.cancelled, true);
      assert.ok(summary.filesDone < found.events.length);
      assert.ok(index.files.some((f) => f.state === 'pending'));
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('starts loading the first files while the rest are still being listed', async () => {
    const found = (await discover(new FolderSource(dir))).events.filter(
      (f) => f.kind !== 'loose' || !f.object.key.startsWith('bad/'),
    );
    const index = new EventIndex({ runner: pool });
    let firstLoaded!: () => void;
    const loadedOne = new Promise<void>((resolve) => (firstLoaded = resolve));
    const listedBeforeFirstLoad: number[] = [];
    let listed = 0;
    // A listing that finds the second file only after the first one has loaded: a loader that
    // waited for the whole listing would never get past it (the timeout turns that into a failure).
    async function* slowListing() {
      for (const f of found) {
        if (listed === 1) {
          const waited = await Promise.race([
            loadedOne.then(() => 'loaded'),
            new Promise((r) => setTimeout(() => r('timeout'), 10_000)),
          ]);
          assert.equal(
            waited,
            'loaded',
            'the first file was not loaded while the listing was still going on',
          );
        }
        listed++;
        yield f;
      }
    }
    const progress: { listing: boolean; filesTotal: number }[] = [];
    const summary = await loadEventFiles(index, pool, slowListing(), {
      onFile: () => {
        listedBeforeFirstLoad.push(listed);
        firstLoaded();
      },
      onProgress: (p) => progress.push({ listing: p.listing, filesTotal: p.filesTotal }),
    });
    assert.equal(listedBeforeFirstLoad[0], 1);
    assert.equal(summary.filesTotal, found.length);
    assert.equal(summary.filesDone, found.length);
    assert.equal(summary.listing, false);
    assert.deepEqual(
      index.files.map((f) => f.key),
      found.map((f) => f.object.key),
      'file ids follow the listing order',
    );
    assert.ok(
      progress[0].listing && progress[0].filesTotal === 1,
      `first progress: ${JSON.stringify(progress[0])}`,
    );
    assert.equal(
      index.size,
      found.reduce((n, f) => n + (index.files.find((x) => x.key === f.object.key)?.events ?? 0), 0),
    );
  });

  it('starts no file while held, and goes on when the hold settles', async () => {
    // More files than the loader keeps in flight (8 per worker).
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 60; i++)
      writeFileSync(
        join(many, `part-${String(i).padStart(2, '0')}.json`),
        JSON.stringify({ Records: [record(i)] }),
      );
    const found = (await discover(new FolderSource(many))).events;
    assert.equal(found.length, 60);
    const index = new EventIndex({ runner: pool });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let released = false;
    const doneWhileHeld: number[] = [];
    const loading = loadEventFiles(index, pool, found, {
      // As the timeline does: hold once the first events are in.
      hold: () => (!released && index.size > 0 ? held : undefined),
      onFile: () => {
        if (!released) doneWhileHeld.push(index.files.filter((f) => f.state !== 'pending').length);
      },
    });
    // Files in flight when the hold began may finish; nothing starts after them.
    await new Promise((r) => setTimeout(r, 300));
    const started = index.files.filter((f) => f.state !== 'pending').length;
    assert.ok(
      index.size > 0 && started < found.length,
      `${started} of ${found.length} files started while held`,
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(
      index.files.filter((f) => f.state !== 'pending').length,
      started,
      'a file started while the load was held',
    );
    released = true;
    release();
    const summary = await loading;
    assert.equal(summary.filesDone, found.length);
    assert.ok(index.files.every((f) => f.state === 'loaded'));
    assert.ok(doneWhileHeld.length > 0);
  });

  it('loads the files listed before a listing fails, then reports the failure', async () => {
    const found = (await discover(new FolderSource(dir))).events.filter(
      (f) => f.kind === 'log' || f.kind === 'insight',
    );
    const index = new EventIndex({ runner: pool });
    async function* failingListing() {
      yield* found;
      throw new Error('the listing broke');
    }
    await assert.rejects(loadEventFiles(index, pool, failingListing()), /the listing broke/);
    assert.equal(index.files.length, found.length);
    assert.ok(
      index.files.every((f) => f.state === 'loaded'),
      index.files.map((f) => `${f.key}: ${f.state}`).join(', '),
    );
  });

  it('is cancelled when stopped during the listing, even with every listed file loaded', async () => {
    const found = (await discover(new FolderSource(dir))).events;
    const index = new EventIndex({ runner: pool });
    const controller = new AbortController();
    async function* listing() {
      yield found[0];
      // Stopped after the first file is found, before the rest are.
      await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      yield* found.slice(1);
    }
    const summary = await loadEventFiles(index, pool, listing(), { signal: controller.signal });
    assert.equal(summary.cancelled, true);
    assert.equal(index.files.length, 1);
  });
});

describe('loading a delivered file whose records name a key twice', function () {
  this.timeout(60_000);

  it('loads every event, reads the last of each key, and warns on the file naming the records and keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-load-twice-'));
    const pool = new WorkerPool(2);
    try {
      const key =
        'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz';
      const records = [1, 2, 3].map((i) => JSON.stringify(record(i)));
      // The second record: a console sign-in as written, a trail deletion as JSON.parse reads it.
      records[1] = records[1].replace(
        '"eventName":"DescribeInstances"',
        '"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","arn":"arn:aws:iam::111122223333:user/ceo"},"eventName":"DeleteTrail"',
      );
      const file = join(dir, ...key.split('/'));
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, gzipSync(`{"Records":[${records.join(',')}]}`));
      for (const runner of [pool, new InlineRunner()]) {
        const index = new EventIndex({ runner });
        await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
        index.order();
        assert.equal(index.size, 3);
        assert.equal(index.files[0].state, 'loaded');
        const rows = (await index.query({ kind: 'all' })).rows;
        const names = [...rows].map((r) => index.value(r, 'eventName'));
        assert.deepEqual(names.sort(), ['DeleteTrail', 'RunInstances', 'RunInstances']);
        const p = index.problems.find((x) => x.code === 'repeated-keys');
        assert.ok(p, 'the file has a warning');
        assert.equal(p.severity, 'warning');
        assert.equal(p.key, key);
        assert.match(p.message, /^1 record names a key more than once/);
        assert.match(p.message, /record 1: userIdentity\.arn, eventName/);
        assert.match(p.message, /read the last of each/);
      }
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns the same way on the files the general path reads (JSON lines, an array, an object holding records)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-load-twice-general-'));
    try {
      const records = [1, 2, 3].map((i) => JSON.stringify(record(i)));
      records[1] = records[1].replace(
        '"eventName":"DescribeInstances"',
        '"eventName":"ConsoleLogin","eventName":"DeleteTrail"',
      );
      const other = JSON.stringify(record(4));
      writeFileSync(join(dir, 'lines.jsonl'), records.join('\n'));
      writeFileSync(join(dir, 'array.json'), `[${records.join(',\n')}]`);
      // A second "Records": JSON.parse keeps it, so the first array's events are not loaded.
      writeFileSync(join(dir, 'twice.json'), `{"Records":[${records[0]}],"Records":[${other}]}`);
      const runner = new InlineRunner();
      const index = new EventIndex({ runner });
      await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
      const warned = Object.fromEntries(
        index.problems
          .filter((p) => p.code === 'repeated-keys' && p.severity === 'warning')
          .map((p) => [p.key, p.message]),
      );
      assert.deepEqual(Object.keys(warned).sort(), ['array.json', 'lines.jsonl', 'twice.json']);
      for (const [key, line] of [
        ['lines.jsonl', 2],
        ['array.json', 2],
      ] as const) {
        assert.match(
          warned[key],
          new RegExp(
            `^1 record names a key more than once, .*\\(record 1 \\(line ${line}\\): eventName\\)\\. .*read the last of each`,
          ),
          key,
        );
      }
      assert.match(
        warned['twice.json'],
        /^1 object holding records names a key more than once, .*\(line 1: "Records"\)\. .*the records under the others are not loaded/,
      );
      assert.equal(index.size, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading events whose eventTime is not one instant', function () {
  this.timeout(60_000);

  it('loads them at the time read, and warns on the file: a year or a date only, a time without a zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-load-partial-time-'));
    const pool = new WorkerPool(2);
    try {
      const at = (i: number, eventTime: string) => JSON.stringify(record(i, { eventTime }));
      const vague = [
        at(1, '2024-05-14T10:00:00Z'),
        at(2, '2024'),
        at(3, '2024-05-01'),
        at(4, '2024-05-01T10:00:00'),
        at(5, '2024-05-01 10:00'),
      ];
      // Instants, if not in CloudTrail's own form: no warning.
      const instants = [
        at(1, '2024-05-14T10:00:00Z'),
        at(2, '2024-05-14T10:00:00.123Z'),
        at(3, '2024-05-14T12:00:00+02:00'),
        at(4, '20240514T100000Z'),
        at(5, '2024-05-14T10:00Z'),
      ];
      const logKey =
        'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz';
      const log = join(dir, ...logKey.split('/'));
      mkdirSync(join(log, '..'), { recursive: true });
      writeFileSync(log, gzipSync(`{"Records":[${vague.join(',')}]}`));
      writeFileSync(join(dir, 'vague.jsonl'), vague.join('\n'));
      writeFileSync(
        join(dir, 'dates.jsonl'),
        [at(1, '2024-05-01'), at(2, '2024-05-02')].join('\n'),
      );
      writeFileSync(join(dir, 'instants.jsonl'), instants.join('\n'));
      for (const runner of [pool, new InlineRunner()]) {
        const index = new EventIndex({ runner });
        await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
        assert.equal(index.size, 17, 'every event loads');
        assert.equal(index.untimed, 0, 'every time is read');
        const warned = Object.fromEntries(
          index.problems
            .filter((p) => p.code === 'partial-time' && p.severity === 'warning')
            .map((p) => [p.key, p.message]),
        );
        assert.deepEqual(Object.keys(warned).sort(), [logKey, 'dates.jsonl', 'vague.jsonl']);
        for (const key of [logKey, 'vague.jsonl']) {
          assert.match(
            warned[key],
            /^4 events have an eventTime that is not one instant, as CloudTrail always writes: /,
            key,
          );
          assert.match(warned[key], /2 a date without a time of day \(record 1: "2024"\)/, key);
          assert.match(
            warned[key],
            /2 a time without a zone \(record 3: "2024-05-01T10:00:00"\), read as UTC/,
            key,
          );
        }
        assert.match(
          warned['dates.jsonl'],
          /^2 events have .*: 2 a date without a time of day \(record 0: "2024-05-01"\), placed at its first moment in UTC/,
        );
        // The time read: a date's first moment, a zone-less time as UTC.
        const rows = [...(await index.query({ kind: 'all' })).rows];
        const times = new Set(rows.map((r) => index.store.times[r]));
        for (const t of ['2024-01-01T00:00:00Z', '2024-05-01T00:00:00Z', '2024-05-01T10:00:00Z'])
          assert.ok(times.has(Date.parse(t)), t);
      }
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading a file named as a digest where CloudTrail writes logs', function () {
  this.timeout(60_000);

  it('reads it as events (a digest there is reported as one); a digest name elsewhere stays a digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-load-digest-name-'));
    try {
      const day = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
      const digestName = (t: string) =>
        `111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240514T${t}Z.json.gz`;
      const put = (key: string, data: Buffer) => {
        const file = join(dir, ...key.split('/'));
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, data);
      };
      // Records hidden under a digest's name in a log folder, and a real digest put there.
      const hidden = `${day}${digestName('110000')}`;
      const misplacedDigest = `${day}${digestName('120000')}`;
      const loose = `copies/${digestName('130000')}`;
      put(hidden, gzipSync(JSON.stringify({ Records: [record(5, { eventName: 'DeleteTrail' })] })));
      const digest = gzipSync(
        JSON.stringify({
          awsAccountId: '111122223333',
          digestStartTime: '2024-05-14T10:00:00Z',
          digestEndTime: '2024-05-14T11:00:00Z',
          logFiles: [],
        }),
      );
      put(misplacedDigest, digest);
      put(loose, digest);
      const found = await discover(new FolderSource(dir));
      assert.deepEqual(
        found.digests.map((d) => d.key),
        [loose],
      );
      const index = new EventIndex({ runner: new InlineRunner() });
      await loadEventFiles(index, new InlineRunner(), found.events);
      assert.equal(index.size, 1);
      assert.equal(index.value(0, 'eventName'), 'DeleteTrail');
      assert.deepEqual(
        index.problems.map((p) => [p.key, p.code]),
        [[misplacedDigest, 'digest']],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loading a trail day folder holding files CloudTrail does not write', function () {
  this.timeout(60_000);

  it('reads every file there whatever its name (an editor backup, a renamed copy), except what a file manager leaves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-load-day-names-'));
    try {
      const day = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
      const log = `${day}111122223333_CloudTrail_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz`;
      const put = (key: string, data: string | Buffer) => {
        const file = join(dir, ...key.split('/'));
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, data);
      };
      put(log, gzipSync(JSON.stringify({ Records: [record(1)] })));
      // The log as it was before someone edited it, kept by their editor.
      put(
        `${log}~`,
        gzipSync(JSON.stringify({ Records: [record(1), record(2, { eventName: 'StopLogging' })] })),
      );
      put(`${day}cloudtrail-public-keys.json`, JSON.stringify({ Records: [record(3)] }));
      put(`${day}notes.txt`, 'not a log');
      put(`${day}.DS_Store`, 'Bud1');
      put('README.txt', 'the case');
      const found = await discover(new FolderSource(dir));
      assert.deepEqual(
        found.ignored.map((o) => o.key),
        [`${day}.DS_Store`, 'README.txt'],
      );
      const index = new EventIndex({ runner: new InlineRunner() });
      await loadEventFiles(index, new InlineRunner(), found.events);
      const rows = (await index.query({ kind: 'all' })).rows;
      // record(1) is in the log and its backup: shown once.
      assert.deepEqual([...rows].map((r) => index.value(r, 'eventName')).sort(), [
        'RunInstances',
        'RunInstances',
        'StopLogging',
      ]);
      assert.deepEqual(
        index.problems.filter((p) => p.severity === 'error').map((p) => p.key),
        [`${day}notes.txt`],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
