// Loading a day from S3 the way the timeline does (timelineLoader.loadScope over the S3 source):
// only that day's objects are downloaded, a few at once, with progress; cancelling stops the
// downloads; reopening with the cache downloads nothing.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { S3Source } from '../../../src/core/sources/s3';
import { S3ObjectCache } from '../../../src/core/sources/s3Cache';
import { loadScope } from '../../../src/extension/timeline/timelineLoader';
import type { LoadProgress } from '../../../src/protocol';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'timeline-bucket';
const ACCT = '111122223333';
const dayPrefix = (d: string) => `AWSLogs/${ACCT}/CloudTrail/us-east-1/2024/05/${d}/`;

describe('Loading an S3 day into an index (the timeline loader)', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3tl-'));
    server = await new TestS3Server([BUCKET]).start();
    for (const [d, n] of [
      ['14', 40],
      ['15', 10],
    ] as const) {
      for (let i = 0; i < n; i += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, (_, j) => {
            const k = i + j;
            const key = `${dayPrefix(d)}${ACCT}_CloudTrail_us-east-1_202405${d}T${String(10 + Math.floor(k / 60)).padStart(2, '0')}${String(k % 60).padStart(2, '0')}Z_abcdefghijk${String(k).padStart(5, '0')}.json.gz`;
            const records = Array.from({ length: 3 }, (_, r) => ({
              eventVersion: '1.09',
              eventTime: `2024-05-${d}T10:${String(k % 60).padStart(2, '0')}:0${r}Z`,
              eventName: 'GetObject',
              eventSource: 's3.amazonaws.com',
              awsRegion: 'us-east-1',
              eventID: `${d}-${k}-${r}`,
              recipientAccountId: ACCT,
            }));
            return server.put(BUCKET, key, gzipSync(JSON.stringify({ Records: records })));
          }),
        );
      }
    }
  });

  after(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = (cache?: S3ObjectCache) =>
    new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1, cache },
    );
  const objectGets = (from: number) =>
    server.since(from).filter((r) => r.method === 'GET' && !r.query.includes('list-type'));

  it('downloads only the day’s objects, a few at once, and indexes every event', async () => {
    const cacheDir = join(dir, 'cache');
    const source = open(new S3ObjectCache(cacheDir, 1 << 30));
    const index = new EventIndex({ runner: new InlineRunner() });
    const progress: LoadProgress[] = [];
    const mark = server.requests.length;
    server.maxInFlight = 0;
    // A round trip, as S3 has (the server answers small objects from memory at once, so without
    // one no request is ever seen in flight beside another).
    server.latencyMs = 20;
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [{ source, prefix: dayPrefix('14') }],
      new AbortController().signal,
      (p) => progress.push(p),
    ).finally(() => (server.latencyMs = 0));
    const gets = objectGets(mark);
    assert.equal(gets.length, 40);
    assert.ok(gets.every((g) => g.path.includes('/2024/05/14/')));
    assert.equal(outcome.progress.filesDone, 40);
    assert.equal(outcome.progress.events, 120);
    assert.equal(outcome.progress.failedFiles, 0);
    assert.ok(progress.length >= 10, 'progress is reported as files arrive');
    assert.ok(
      server.maxInFlight >= 2 && server.maxInFlight <= 3,
      `${server.maxInFlight} requests at once (the loader's lanes)`,
    );
    source.dispose();

    // A new session over the same cache: one listing, nothing downloaded, the same events.
    const again = open(new S3ObjectCache(cacheDir, 1 << 30));
    const index2 = new EventIndex({ runner: new InlineRunner() });
    const mark2 = server.requests.length;
    const outcome2 = await loadScope(
      index2,
      new InlineRunner(),
      [{ source: again, prefix: dayPrefix('14') }],
      new AbortController().signal,
      () => undefined,
    );
    assert.equal(objectGets(mark2).length, 0);
    assert.equal(outcome2.progress.events, 120);
    again.dispose();
  });

  it('cancelling stops the downloads', async () => {
    const source = open(new S3ObjectCache(join(dir, 'cache-cancel'), 1 << 30));
    const index = new EventIndex({ runner: new InlineRunner() });
    const abort = new AbortController();
    const mark = server.requests.length;
    const outcome = await loadScope(
      index,
      new InlineRunner(),
      [{ source, prefix: dayPrefix('14') }],
      abort.signal,
      (p) => {
        if (p.filesDone >= 5) abort.abort();
      },
    );
    const gets = objectGets(mark).length;
    assert.equal(outcome.progress.cancelled, true);
    assert.ok(gets < 15, `${gets} objects were downloaded after cancelling at 5`);
    source.dispose();
  });
});
