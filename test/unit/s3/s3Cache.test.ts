// The S3 object cache: on its own (LRU cap, clear, reload from disk) and under S3Source against
// a local S3 server (a reopened day is served from disk without GETs; a changed ETag is fetched
// again and replaces the old copy; a cached key unknown to the listing is revalidated with a
// conditional GET).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { S3Source } from '../../../src/core/sources/s3';
import { S3ObjectCache } from '../../../src/core/sources/s3Cache';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'cache-bucket';
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
const name = (i: number): string =>
  `${DAY}111122223333_CloudTrail_us-east-1_20240514T10${String(i).padStart(2, '0')}Z_abcdefghijklmno${i}.json.gz`;

describe('S3 object cache', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ctl-s3cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a copy by bucket/key/ETag under the object’s own file name, and finds it again after a restart', async () => {
    const cache = new S3ObjectCache(dir, 1 << 20);
    await cache.put('b', name(1), '"e1"', Buffer.from('hello'));
    assert.equal(Buffer.from((await cache.get('b', name(1), '"e1"'))!).toString(), 'hello');
    assert.equal(
      await cache.get('b', name(1), '"e2"'),
      undefined,
      'another ETag is another object',
    );
    assert.equal(
      await cache.get('other', name(1), '"e1"'),
      undefined,
      'another bucket is another object',
    );
    const p = cache.pathOf('b', name(1));
    assert.ok(p && basename(p) === basename(name(1)));
    const again = new S3ObjectCache(dir, 1 << 20);
    assert.equal(Buffer.from((await again.get('b', name(1), '"e1"'))!).toString(), 'hello');
    assert.equal(await again.etagOf('b', name(1)), '"e1"');
    assert.deepEqual(await again.stats(), { objects: 1, bytes: 5 });
  });

  it('a new ETag of a key replaces the old copy', async () => {
    const cache = new S3ObjectCache(dir, 1 << 20);
    await cache.put('b', name(1), '"e1"', Buffer.from('old'));
    const oldPath = cache.pathOf('b', name(1))!;
    await cache.put('b', name(1), '"e2"', Buffer.from('newer'));
    assert.equal(existsSync(oldPath), false);
    assert.equal(await cache.etagOf('b', name(1)), '"e2"');
    assert.deepEqual(await cache.stats(), { objects: 1, bytes: 5 });
  });

  it('evicts the least recently used objects above the size cap', async () => {
    const cache = new S3ObjectCache(dir, 250);
    for (let i = 0; i < 3; i++) await cache.put('b', name(i), `"e${i}"`, Buffer.alloc(100, i));
    // 300 bytes > 250: the oldest (0) went when 2 was stored.
    assert.equal(await cache.get('b', name(0), '"e0"'), undefined);
    await new Promise((r) => setTimeout(r, 5));
    assert.ok(await cache.get('b', name(1), '"e1"')); // 1 is now the most recently used
    await new Promise((r) => setTimeout(r, 5));
    await cache.put('b', name(3), '"e3"', Buffer.alloc(100, 3));
    assert.ok(await cache.get('b', name(1), '"e1"'));
    assert.equal(await cache.get('b', name(2), '"e2"'), undefined);
    assert.ok((await cache.stats()).bytes <= 250);
    // A restart with a smaller cap trims at once.
    const smaller = new S3ObjectCache(dir, 100);
    assert.deepEqual(await smaller.stats(), { objects: 1, bytes: 100 });
  });

  it('a damaged copy is a miss, not wrong bytes', async () => {
    const cache = new S3ObjectCache(dir, 1 << 20);
    await cache.put('b', name(1), '"e1"', Buffer.from('hello'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cache.pathOf('b', name(1))!, 'hell');
    assert.equal(await cache.get('b', name(1), '"e1"'), undefined);
    assert.equal(cache.pathOf('b', name(1)), undefined);
  });

  it('clear removes everything and says what it freed', async () => {
    const cache = new S3ObjectCache(dir, 1 << 20);
    await cache.put('b', name(1), '"e1"', Buffer.from('abc'));
    await cache.put('b', name(2), '"e2"', Buffer.from('defg'));
    assert.deepEqual(await cache.clear(), { objects: 2, bytes: 7 });
    assert.deepEqual(await new S3ObjectCache(dir, 1 << 20).stats(), { objects: 0, bytes: 0 });
  });

  describe('under S3Source (local S3 server)', () => {
    let server: TestS3Server;
    before(async () => {
      server = await new TestS3Server([BUCKET]).start();
      for (let i = 0; i < 5; i++)
        await server.put(BUCKET, name(i), `{"Records":[{"eventTime":"2024-05-14T10:0${i}:00Z"}]}`);
    });
    after(async () => {
      await server?.dispose();
    });

    const open = (cache: S3ObjectCache): S3Source =>
      new S3Source(
        { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
        { credentials: S3RVER_CREDENTIALS, maxAttempts: 1, cache },
      );
    const gets = (from: number): number =>
      server.since(from).filter((r) => r.method === 'GET' && !r.query.includes('list-type')).length;

    it('a reopened day is read from the cache: one listing, no GETs', async () => {
      const first = open(new S3ObjectCache(dir, 1 << 20));
      const listed = (await first.listLevel(DAY)).filter((e) => e.kind === 'object');
      let mark = server.requests.length;
      const bytes1 = await Promise.all(
        listed.map((o) => first.read(o.kind === 'object' ? o.key : '')),
      );
      assert.equal(gets(mark), 5);
      assert.ok(first.localPath(name(0))?.startsWith(dir));
      first.dispose();

      const second = open(new S3ObjectCache(dir, 1 << 20)); // a new session
      mark = server.requests.length;
      const relisted = (await second.listLevel(DAY)).filter((e) => e.kind === 'object');
      const bytes2 = await Promise.all(
        relisted.map((o) => second.read(o.kind === 'object' ? o.key : '')),
      );
      assert.equal(gets(mark), 0);
      assert.equal(second.requests, 1);
      assert.deepEqual(
        bytes2.map((b) => Buffer.from(b).toString()),
        bytes1.map((b) => Buffer.from(b).toString()),
      );
      second.dispose();
    });

    it('a cached key read without a listing is revalidated (conditional GET, 304) and served from disk', async () => {
      const cache = new S3ObjectCache(dir, 1 << 20);
      const first = open(cache);
      await first.read(name(1));
      first.dispose();
      const second = open(new S3ObjectCache(dir, 1 << 20));
      const mark = server.requests.length;
      const bytes = await second.read(name(1));
      assert.equal(
        Buffer.from(bytes).toString(),
        '{"Records":[{"eventTime":"2024-05-14T10:01:00Z"}]}',
      );
      assert.equal(gets(mark), 1);
      assert.deepEqual(
        server.since(mark).map((r) => r.status),
        [304],
      );
      second.dispose();
    });

    it('an object changed in the bucket (new ETag) is downloaded again and replaces the cached copy', async () => {
      const cache = new S3ObjectCache(dir, 1 << 20);
      const s = open(cache);
      await s.listLevel(DAY);
      await s.read(name(2));
      const oldPath = s.localPath(name(2))!;
      await server.put(
        BUCKET,
        name(2),
        '{"Records":[{"eventTime":"2024-05-14T10:02:00Z","eventName":"Changed"}]}',
      );
      const s2 = open(new S3ObjectCache(dir, 1 << 20));
      await s2.listLevel(DAY);
      const mark = server.requests.length;
      const bytes = await s2.read(name(2));
      assert.equal(gets(mark), 1);
      assert.match(Buffer.from(bytes).toString(), /Changed/);
      assert.match(readFileSync(s2.localPath(name(2))!, 'utf8'), /Changed/);
      assert.equal(existsSync(oldPath), false);
      // Without a listing too: the conditional GET sees the new ETag.
      await server.put(BUCKET, name(2), '{"Records":[{"eventName":"ChangedAgain"}]}');
      const s3 = open(new S3ObjectCache(dir, 1 << 20));
      assert.match(Buffer.from(await s3.read(name(2))).toString(), /ChangedAgain/);
      for (const x of [s, s2, s3]) x.dispose();
    });
  });
});
