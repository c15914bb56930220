// Issue 22: validation lists only the chain's prefixes (the window's day folders of its region's
// digests and logs, and the folders on the way to them), from S3 and from a folder alike, reads over S3 overlap, and the test server
// pages listings correctly (sorted, opaque tokens, V1 markers) without re-walking the bucket.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  inventorySource,
  PublicKeyRing,
  parsePublicKeyFile,
  validateInventory,
  validateSource,
  writeChainText,
} from '../../../src/core/digest';
import { FolderSource } from '../../../src/core/sources/folder';
import { S3Source } from '../../../src/core/sources/s3';
import { LogSource } from '../../../src/core/sources/source';
import { publicKeysJson, SignedBucket, signingKey } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'listing-trail-bucket';
const ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events';
// One day of us-east-1: digests ending that day (the window's end + 1 h stays inside it) and its logs.
const ONE_DAY = {
  trailArn: ARN,
  region: 'us-east-1',
  startTime: Date.parse('2024-05-14T00:00:00Z'),
  endTime: Date.parse('2024-05-14T20:00:00Z'),
};
const ALLOWED_LISTINGS = [
  '', // the source root (where AWSLogs/ is), with a delimiter
  'AWSLogs/', // its accounts
  'AWSLogs/111122223333/', // the account's folder (for files CloudTrail never writes there)
  'AWSLogs/111122223333/CloudTrail-Digest/', // the account's digest regions
  'AWSLogs/111122223333/CloudTrail/', // and log regions
  // The region, year and month folders on the way to the day, for files CloudTrail never writes
  // there (foreign-file), then the day folders.
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/',
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/',
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/',
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/14/',
  'AWSLogs/111122223333/CloudTrail/us-east-1/',
  'AWSLogs/111122223333/CloudTrail/us-east-1/2024/',
  'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/',
  'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/',
];

/** The levels the walk for files outside the trails' folders lists: those above the kind folders. */
const OUTSIDE_WALK = ['', 'AWSLogs/', 'AWSLogs/111122223333/', 'AWSLogs/444455556666/'];

describe('validation lists only the chain’s prefixes (issue 22)', function () {
  this.timeout(120_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  const keys = () =>
    new PublicKeyRing(parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-listing-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    // Three days of hourly digests in two regions, a second account, and a region with logs only.
    const start = '2024-05-13T12:17:42Z';
    bucket.chain({ region: 'us-east-1', start }).hours(60, { logs: 1 });
    bucket.chain({ region: 'eu-west-1', homeRegion: 'us-east-1', start }).hours(60, { logs: 1 });
    bucket.chain({ accountId: '444455556666', region: 'us-east-1', start }).hours(30, { logs: 1 });
    bucket
      .chain({ region: 'ap-south-1', homeRegion: 'us-east-1', start })
      .unlistedLog('2024-05-14T10:00:00Z');
    server = await new TestS3Server([BUCKET]).start();
    await server.uploadFolder(BUCKET, bucket.root, bucket.signatures);
  });

  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const s3 = () =>
    new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );

  it('from S3, one region and one day: only that region’s digest and log folders of the day, each listed once with a delimiter (the levels above the kind folders again by the outside walk)', async () => {
    const source = s3();
    const from = server.requests.length;
    try {
      const report = await validateSource(source, {
        ...ONE_DAY,
        publicKeys: keys(),
        bucket: BUCKET,
      });
      assert.equal(report.chains.length, 1);
      assert.equal(
        report.chains[0].counts.validDigests,
        21,
        'digests ending 00:17:42 … 20:17:42, as the AWS CLI lists them',
      );
      assert.equal(
        report.chains[0].counts.invalidDigests +
          report.chains[0].counts.invalidLogs +
          report.chains[0].counts.notValidatedLogs,
        0,
      );
    } finally {
      source.dispose();
    }
    const listings = server
      .since(from)
      .filter((r) => r.method === 'GET' && /(^|&)list-type=2/.test(r.query));
    const prefixes = listings.map((r) => new URLSearchParams(r.query).get('prefix') ?? '');
    // Then the walk for files a load reads outside the trails' folders (outside-trails): the
    // levels above the kind folders of every account, once more; never into CloudTrail*/.
    assert.deepEqual([...prefixes].sort(), [...ALLOWED_LISTINGS, ...OUTSIDE_WALK].sort());
    assert.ok(
      listings.every((r) => new URLSearchParams(r.query).get('delimiter') === '/'),
      'every listing is one level',
    );
    // Reads: only us-east-1 objects of account 111122223333.
    const gets = server
      .since(from)
      .filter((r) => r.method === 'GET' && !r.query.includes('list-type'));
    assert.ok(
      gets.length > 0 &&
        gets.every(
          (r) =>
            r.path.includes('/AWSLogs/111122223333/CloudTrail') && r.path.includes('/us-east-1/'),
        ),
      gets.map((g) => g.path).join('\n'),
    );
  });

  it("from a folder, the same pruning: no tree walk, only the same levels, and the walk for files outside the trails' folders, which never goes into them", async () => {
    const listed: string[] = [];
    const folder = new FolderSource(bucket.root);
    const spy: LogSource = {
      label: folder.label,
      type: folder.type,
      listLevel: (prefix, signal) => {
        listed.push(prefix);
        return folder.listLevel(prefix, signal);
      },
      listAll: () => {
        throw new Error('listAll walks the whole tree');
      },
      read: (key, options) => folder.read(key, options),
      localPath: (key) => folder.localPath(key),
    };
    const report = await validateSource(spy, {
      ...ONE_DAY,
      publicKeys: keys(),
      bucket: BUCKET,
      signatures: { objects: bucket.signatures, file: 'sig.json' },
    });
    assert.equal(report.chains[0].counts.validDigests, 21);
    // And the walk for files a load reads outside the trails' folders, as from S3.
    assert.deepEqual([...listed].sort(), [...ALLOWED_LISTINGS, ...OUTSIDE_WALK].sort());
  });

  it('the same verdicts from S3 as from the whole folder listed, for every region over a window of days', async () => {
    const opts = {
      publicKeys: keys(),
      bucket: BUCKET,
      startTime: Date.parse('2024-05-13T00:00:00Z'),
      endTime: Date.parse('2024-05-17T00:00:00Z'),
    };
    const source = s3();
    let fromS3 = '';
    let fromFolder = '';
    try {
      const a = await validateSource(source, opts);
      // The reference: the whole folder listed, as before issue 22.
      const folder = new FolderSource(bucket.root);
      const b = await validateInventory(folder, await inventorySource(folder), {
        ...opts,
        signatures: { objects: bucket.signatures, file: 'sig.json' },
      });
      for (const c of a.chains)
        writeChainText(c, { out: (t) => (fromS3 += t), err: (t) => (fromS3 += t) }, true);
      for (const c of b.chains)
        writeChainText(c, { out: (t) => (fromFolder += t), err: (t) => (fromFolder += t) }, true);
      assert.deepEqual(
        a.chains.map((c) => [c.chain.accountId, c.chain.region, c.counts.validDigests]),
        [
          ['111122223333', 'eu-west-1', 60],
          ['111122223333', 'us-east-1', 60],
          ['444455556666', 'us-east-1', 30],
        ],
      );
      // The region with logs only, of a trail whose eu-west-1 digests show it is multi-region.
      assert.deepEqual(
        a.findings.map((f) => [f.kind, f.keys?.length]),
        [['region-digests-missing', 1]],
      );
    } finally {
      source.dispose();
    }
    assert.equal(fromS3, fromFolder);
  });

  it('reads overlap over S3: log reads and the next digests are in flight together', async () => {
    const source = s3();
    server.maxInFlight = 0;
    // A round trip, as S3 has: the server answers small objects from memory at once, so without
    // one a request is never seen in flight beside another, however many the client sends.
    server.latencyMs = 20;
    try {
      await validateSource(source, {
        publicKeys: keys(),
        bucket: BUCKET,
        region: 'eu-west-1',
        trailArn: ARN,
        startTime: Date.parse('2024-05-13T00:00:00Z'),
        endTime: Date.parse('2024-05-17T00:00:00Z'),
      });
    } finally {
      server.latencyMs = 0;
      source.dispose();
    }
    assert.ok(
      server.maxInFlight >= 6,
      `at most ${server.maxInFlight} requests were in flight at once`,
    );
  });
});

describe('test S3 server listings', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  const B = 'paging-bucket';
  const keys = [
    ...Array.from({ length: 25 }, (_, i) => `a/${String(i).padStart(2, '0')}.json`),
    'b/x/1',
    'b/y/1',
    'b/y/2',
    'c d+e.json',
    'z',
  ];

  before(async () => {
    server = await new TestS3Server([B]).start();
    for (const k of [...keys].reverse()) await server.put(B, k, k);
  });
  after(() => server.dispose());

  it('V1 (ListObjects with Marker, as the AWS CLI pages a bucket): sorted, complete, keys with spaces and + under encoding-type=url', async () => {
    const client = server.client();
    try {
      const got: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(
          new ListObjectsCommand({ Bucket: B, Marker: marker, MaxKeys: 7, EncodingType: 'url' }),
        );
        pages++;
        const names = (page.Contents ?? []).map((o) =>
          decodeURIComponent(o.Key!.replace(/\+/g, ' ')),
        );
        got.push(...names);
        marker = page.IsTruncated ? names[names.length - 1] : undefined;
      } while (marker);
      assert.deepEqual(got, [...keys].sort());
      assert.equal(pages, Math.ceil(keys.length / 7));
    } finally {
      client.destroy();
    }
  });

  it('V2 with a delimiter: pages end on objects or common prefixes, opaque tokens resume after them, nothing twice', async () => {
    const client = server.client();
    try {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: B,
            Delimiter: '/',
            MaxKeys: 2,
            ContinuationToken: token,
          }),
        );
        seen.push(
          ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
          ...(page.Contents ?? []).map((o) => o.Key!),
        );
        assert.equal(
          page.KeyCount,
          (page.CommonPrefixes ?? []).length + (page.Contents ?? []).length,
        );
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      assert.deepEqual(seen.sort(), ['a/', 'b/', 'c d+e.json', 'z']);
      const sub = await client.send(
        new ListObjectsV2Command({ Bucket: B, Prefix: 'b/', Delimiter: '/' }),
      );
      assert.deepEqual(
        (sub.CommonPrefixes ?? []).map((p) => p.Prefix),
        ['b/x/', 'b/y/'],
      );
    } finally {
      client.destroy();
    }
  });

  it('the index follows PUTs and DELETEs: a listing right after sees them', async () => {
    await server.put(B, 'a/99.json', 'new');
    const client = server.client();
    try {
      const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
      await client.send(new DeleteObjectCommand({ Bucket: B, Key: 'a/00.json' }));
      const page = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'a/' }));
      const names = (page.Contents ?? []).map((o) => o.Key);
      assert.ok(names.includes('a/99.json') && !names.includes('a/00.json'));
      assert.equal(page.Contents?.find((o) => o.Key === 'a/99.json')?.Size, 3);
    } finally {
      client.destroy();
    }
  });
});
