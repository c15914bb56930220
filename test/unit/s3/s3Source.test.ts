// S3Source against a real S3-protocol server (s3rver on 127.0.0.1), seeded with a generated
// bucket: an organization trail under a prefix with signed digests (signature in the objects'
// metadata, as CloudTrail writes it) and a second account with a few days of logs.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudTrailCatalog, CatalogNode } from '../../../src/core/sources/layoutTree';
import { S3Source } from '../../../src/core/sources/s3';
import { SourceError } from '../../../src/core/sources/source';
import { SignedBucket } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'trail-bucket';
const DENIED = 'locked-bucket';
const PREFIX = 'corp/trails';
const ORG = 'o-a1b2c3d4e5';
const ACCT = '444455556666';

describe('S3Source (against a local S3 server)', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  const extraAccount = '777788889999';
  const extraDays = ['2024/05/13', '2024/05/14', '2024/05/15'];

  const source = (
    opts: { bucket?: string; prefix?: string; maxAttempts?: number; endpoint?: string } = {},
  ): S3Source =>
    new S3Source(
      {
        bucket: opts.bucket ?? BUCKET,
        prefix: opts.prefix,
        region: 'us-east-1',
        endpoint: opts.endpoint ?? server.endpoint,
      },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: opts.maxAttempts ?? 1 },
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-s3-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    bucket
      .chain({ prefix: PREFIX, organizationId: ORG, accountId: ACCT, trailName: 'org-trail' })
      .hours(3);
    for (const day of extraDays) {
      for (let i = 0; i < 4; i++) {
        const name = `${extraAccount}_CloudTrail_eu-west-1_${day.replace(/\//g, '')}T10${String(i).padStart(2, '0')}Z_abcdefgh${i}jklmnop.json.gz`;
        bucket.write(
          `${PREFIX}/AWSLogs/${ORG}/${extraAccount}/CloudTrail/eu-west-1/${day}/${name}`,
          gzipSync(
            JSON.stringify({
              Records: [
                {
                  eventVersion: '1.08',
                  eventTime: `${day.replace(/\//g, '-')}T10:0${i}:00Z`,
                  eventName: 'GetObject',
                  eventSource: 's3.amazonaws.com',
                },
              ],
            }),
          ),
        );
      }
    }
    bucket.write('unrelated/readme.txt', Buffer.from('not cloudtrail'));
    server = await new TestS3Server([BUCKET, DENIED]).start();
    await server.uploadFolder(BUCKET, bucket.root, bucket.signatures);
    server.deniedBuckets.add(DENIED);
  });

  after(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists one level with a delimiter: sub-prefixes and objects, keys relative to the bucket root', async () => {
    const s = source();
    const root = await s.listLevel('');
    assert.deepEqual(root, [
      { kind: 'prefix', prefix: 'corp/' },
      { kind: 'prefix', prefix: 'unrelated/' },
    ]);
    const day = await s.listLevel(
      `${PREFIX}/AWSLogs/${ORG}/${extraAccount}/CloudTrail/eu-west-1/2024/05/14/`,
    );
    assert.equal(day.length, 4);
    for (const e of day) {
      assert.equal(e.kind, 'object');
      if (e.kind !== 'object') continue;
      assert.match(
        e.key,
        /^corp\/trails\/AWSLogs\/o-a1b2c3d4e5\/777788889999\/CloudTrail\/eu-west-1\/2024\/05\/14\/777788889999_CloudTrail_eu-west-1_20240514T10\d\dZ_/,
      );
      assert.ok(e.size > 20);
      assert.match(e.etag ?? '', /^"[0-9a-f]{32}"$/);
      assert.ok(typeof e.modified === 'number');
    }
    assert.deepEqual(
      day.map((e) => (e.kind === 'object' ? e.key : '')),
      [...day.map((e) => (e.kind === 'object' ? e.key : ''))].sort(),
    );
    s.dispose();
  });

  it('pages through levels larger than one ListObjectsV2 page', async function () {
    const many = 'paging-bucket';
    const extra = new TestS3Server([many]);
    try {
      await extra.start();
      const client = extra.client();
      const keys = Array.from(
        { length: 25 },
        (_, i) =>
          `AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/f${String(i).padStart(5, '0')}.json.gz`,
      );
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      for (let i = 0; i < keys.length; i += 50)
        await Promise.all(
          keys
            .slice(i, i + 50)
            .map((k) => client.send(new PutObjectCommand({ Bucket: many, Key: k, Body: 'x' }))),
        );
      client.destroy();
      const s = new S3Source(
        { bucket: many, endpoint: extra.endpoint, region: 'us-east-1' },
        { credentials: S3RVER_CREDENTIALS, maxAttempts: 1, pageSize: 10 },
      );
      const level = await s.listLevel('AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/');
      assert.equal(level.length, 25);
      assert.equal(s.requests, 3, 'three pages of up to 10');
      const all: string[] = [];
      for await (const o of s.listAll('AWSLogs/')) all.push(o.key);
      assert.deepEqual(all, keys);
      assert.equal(s.requests, 6);
      s.dispose();
    } finally {
      await extra.dispose();
    }
  });

  it('a server whose listing says it is truncated without a token, or repeats a token, is an error naming the prefix: never a short or endless listing', async function () {
    const broken = 'broken-listing';
    const extra = new TestS3Server([broken]);
    try {
      await extra.start();
      const client = extra.client();
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      const day = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/';
      await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          client.send(
            new PutObjectCommand({ Bucket: broken, Key: `${day}f${i}.json.gz`, Body: 'x' }),
          ),
        ),
      );
      client.destroy();
      const s = new S3Source(
        { bucket: broken, endpoint: extra.endpoint, region: 'us-east-1' },
        { credentials: S3RVER_CREDENTIALS, maxAttempts: 1, pageSize: 10 },
      );
      const listAll = async () => {
        for await (const o of s.listAll('AWSLogs/')) void o;
      };
      const named = (what: RegExp, prefix: string) => (e: SourceError) =>
        e instanceof SourceError &&
        e.code === 'io' &&
        e.key === prefix &&
        e.message.includes(`s3://${broken}/${prefix}`) &&
        what.test(e.message);
      for (const fault of ['token-missing', 'token-repeated'] as const) {
        extra.listingFault = fault;
        const what =
          fault === 'token-missing' ? /no continuation token/ : /the same continuation token twice/;
        const before = extra.requests.length;
        await assert.rejects(s.listLevel(day), named(what, day), `listLevel, ${fault}`);
        await assert.rejects(listAll(), named(what, 'AWSLogs/'), `listAll, ${fault}`);
        assert.ok(
          extra.requests.length - before <= 4,
          `${fault}: two pages each, not an endless listing`,
        );
      }
      extra.listingFault = undefined;
      assert.equal(
        (await s.listLevel(day)).length,
        15,
        'the same source lists in full once the server is well',
      );
      s.dispose();
    } finally {
      await extra.dispose();
    }
  });

  it('with a prefix, levels above it show only the way down (no request) and nothing outside it is reachable', async () => {
    const s = source({ prefix: `${PREFIX}/` });
    assert.deepEqual(await s.listLevel(''), [{ kind: 'prefix', prefix: 'corp/' }]);
    assert.deepEqual(await s.listLevel('corp/'), [{ kind: 'prefix', prefix: 'corp/trails/' }]);
    assert.equal(s.requests, 0);
    assert.deepEqual(await s.listLevel('unrelated/'), []);
    const all: string[] = [];
    for await (const o of s.listAll('')) all.push(o.key);
    assert.ok(
      all.length > 12 && all.every((k) => k.startsWith('corp/trails/')),
      'listAll from the root stays under the prefix',
    );
    await assert.rejects(
      s.read('unrelated/readme.txt'),
      (e: SourceError) => e.code === 'not-found',
    );
    s.dispose();
  });

  it('the explorer opening an organization trail down to one day lists only the levels on the way (pruned by the layout)', async () => {
    const s = source({ prefix: PREFIX });
    const catalog = new CloudTrailCatalog(s);
    const find = (nodes: CatalogNode[], pred: (n: CatalogNode) => boolean): CatalogNode => {
      const n = nodes.find(pred);
      assert.ok(n, `expected a node among ${nodes.map((x) => x.type + ':' + x.id).join(', ')}`);
      return n;
    };
    const roots = await catalog.roots();
    const location = find(roots, (n) => n.type === 'location');
    const afterRoots = s.requests;
    const org = find(await catalog.children(location), (n) => n.type === 'organization');
    const account = find(
      await catalog.children(org),
      (n) => n.type === 'account' && n.accountId === extraAccount,
    );
    const region = find(await catalog.children(account), (n) => n.type === 'region');
    const before = s.requests;
    const serverBefore = server.requests.length;
    const day = find(
      await catalog.children(region),
      (n) => n.type === 'day' && n.date === '2024-05-14',
    );
    const daysRequests = s.requests - before;
    const before2 = s.requests;
    const files = await catalog.children(day);
    const fileRequests = s.requests - before2;
    assert.equal(files.filter((f) => f.type === 'file').length, 4);
    // Days of one kind in one region: years, months (one year), days (one month); the day's
    // files: one listing for the one kind present. Never a recursive listing of the bucket.
    assert.ok(daysRequests <= 3, `listing days took ${daysRequests} requests`);
    assert.equal(fileRequests, 1);
    const listings = server.since(serverBefore);
    assert.ok(
      listings.every((r) => /delimiter=%2F/.test(r.query)),
      `every listing uses the delimiter: ${listings.map((r) => r.query).join(' | ')}`,
    );
    assert.ok(afterRoots < 40, `finding the trail root took ${afterRoots} requests`);
    s.dispose();
  });

  it('reads objects byte-exact and digests’ signature metadata (HeadObject) like the AWS CLI', async () => {
    const s = source();
    const d = bucket.digests[0];
    const bytes = await s.read(d.key);
    const { readFileSync } = await import('node:fs');
    assert.deepEqual(Buffer.from(bytes), readFileSync(bucket.file(d.key)));
    const fresh = source();
    const meta = await fresh.metadata(d.key);
    assert.equal(meta?.signature, d.signature);
    assert.equal(meta?.['signature-algorithm'], 'SHA256withRSA');
    assert.equal(fresh.requests, 1);
    await fresh.metadata(d.key);
    assert.equal(fresh.requests, 1, 'metadata is asked once per key');
    s.dispose();
    fresh.dispose();
  });

  it('refuses objects above maxBytes before reading them', async () => {
    const s = source();
    const d = bucket.digests[0];
    await assert.rejects(
      s.read(d.key, { maxBytes: 10 }),
      (e: SourceError) => e.code === 'too-large' && e.message.includes(`s3://${BUCKET}/${d.key}`),
    );
    s.dispose();
  });

  it('missing key, missing bucket and a 403 bucket are clear SourceErrors', async () => {
    const s = source();
    await assert.rejects(
      s.read('corp/trails/nope.json.gz'),
      (e: SourceError) =>
        e instanceof SourceError &&
        e.code === 'not-found' &&
        /no such object/.test(e.message) &&
        e.message.includes(`s3://${BUCKET}/corp/trails/nope.json.gz`),
    );
    await assert.rejects(
      s.metadata('corp/trails/nope.json.gz'),
      (e: SourceError) => e.code === 'not-found',
    );
    const missing = source({ bucket: 'no-such-bucket' });
    await assert.rejects(
      missing.listLevel(''),
      (e: SourceError) => e.code === 'not-found' && /no such bucket/.test(e.message),
    );
    const denied = source({ bucket: DENIED });
    await assert.rejects(
      denied.listLevel(''),
      (e: SourceError) =>
        e.code === 'access-denied' &&
        /access denied/.test(e.message) &&
        /s3:ListBucket/.test(e.message),
    );
    await assert.rejects(
      denied.read('AWSLogs/x.json.gz'),
      (e: SourceError) => e.code === 'access-denied',
    );
    for (const x of [s, missing, denied]) x.dispose();
  });

  it('a connection dropped mid-download is a network error, not truncated data', async () => {
    const key = bucket.digests[1].key;
    server.brokenKeys.add(`${BUCKET}/${key}`);
    try {
      const s = source();
      await assert.rejects(
        s.read(key),
        (e: SourceError) => e instanceof SourceError && e.code === 'network',
      );
      s.dispose();
    } finally {
      server.brokenKeys.clear();
    }
  });

  it('no server listening (network down) is a network error naming the endpoint', async () => {
    const s = source({ endpoint: 'http://127.0.0.1:9' });
    await assert.rejects(
      s.listLevel('AWSLogs/'),
      (e: SourceError) =>
        e.code === 'network' && e.message.includes('127.0.0.1:9') && /network/.test(e.message),
    );
    s.dispose();
  });

  it('cancels through the AbortSignal', async () => {
    const s = source();
    const c = new AbortController();
    c.abort();
    await assert.rejects(
      s.listLevel('corp/', c.signal),
      (e: SourceError) => e.code === 'cancelled',
    );
    await assert.rejects(
      s.read(bucket.digests[0].key, { signal: c.signal }),
      (e: SourceError) => e.code === 'cancelled',
    );
    assert.equal(s.requests, 0);
    s.dispose();
  });

  it('a cancel during a request is met at once, without waiting for the server', async () => {
    const s = source();
    const c = new AbortController();
    server.latencyMs = 2_000;
    try {
      const reading = s.read(bucket.digests[0].key, { signal: c.signal });
      while (server.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      c.abort();
      await assert.rejects(reading, (e: SourceError) => e.code === 'cancelled');
      assert.ok(server.inFlight > 0, 'the request was still being answered when the read gave up');
    } finally {
      server.latencyMs = 0;
      while (server.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      s.dispose();
    }
  });

  it('reads without asking S3 for a checksum of each body (the SHA-256 against the digest judges it)', async () => {
    const s = source();
    const from = server.requests.length;
    await s.read(bucket.digests[0].key);
    const [get] = server.since(from);
    assert.equal(get.method, 'GET');
    assert.equal(get.headers['x-amz-checksum-mode'], undefined);
    s.dispose();
  });
});
