// CloudTrail-Insight folders validated from S3 as from a folder: the Insights files of the window
// named (insights-unvouched, exit 0, --strict 1), the files CloudTrail would not write there
// failed (foreign-file), and the Insights folder listed only where an account has one.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  exitCodeOf,
  PublicKeyRing,
  parsePublicKeyFile,
  validateSource,
  ValidationReport,
} from '../../../src/core/digest';
import { FolderSource } from '../../../src/core/sources/folder';
import { S3Source } from '../../../src/core/sources/s3';
import { LogSource } from '../../../src/core/sources/source';
import { publicKeysJson, SignedBucket, signingKey } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';

const BUCKET = 'insights-trail-bucket';
const CLEAN = 'insights-clean-bucket';
const INSIGHT = 'AWSLogs/111122223333/CloudTrail-Insight/';
const DELIVERED = [
  `${INSIGHT}us-east-1/2024/05/14/111122223333_CloudTrail-Insight_us-east-1_20240514T1040Z_AAAAAAAAAAAAAAAA.json.gz`,
  `${INSIGHT}eu-west-1/2024/05/14/111122223333_CloudTrail-Insight_eu-west-1_20240514T1200Z_BBBBBBBBBBBBBBBB.json.gz`,
];
const PLANTED = [
  `${INSIGHT}us-east-1/2024/05/14/evil.json.gz`,
  `${INSIGHT}us-east-1/2024/05/14/444455556666_CloudTrail-Insight_us-east-1_20240514T1040Z_CCCCCCCCCCCCCCCC.json.gz`,
  `${INSIGHT}us-east-1/2024/evil.json.gz`,
  `${INSIGHT}eu-west-1/2024/05/14/111122223333_CloudTrail-Insight_eu-west-1_20240514T1200Z_DDDDDDDDDDDDDDDD.json`,
].sort();
const RECORDS = gzipSync(
  JSON.stringify({
    Records: [
      {
        eventVersion: '1.08',
        eventTime: '2024-05-14T10:39:00Z',
        eventType: 'AwsCloudTrailInsight',
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        awsRegion: 'us-east-1',
        recipientAccountId: '111122223333',
        eventID: 'insight-1',
      },
    ],
  }),
);
const WINDOW = {
  startTime: Date.parse('2024-05-14T09:00:00Z'),
  endTime: Date.parse('2024-05-15T00:00:00Z'),
};

const keysOf = (r: ValidationReport, kind: string) =>
  [...r.chains.flatMap((c) => c.findings), ...r.findings]
    .filter((f) => f.kind === kind)
    .flatMap((f) => (f.keys ?? [f.key]) as string[])
    .sort();

describe('validate s3://…: CloudTrail-Insight folders', function () {
  this.timeout(120_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;
  let clean: SignedBucket;
  const keys = () =>
    new PublicKeyRing(parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'));
  const s3 = (name: string) =>
    new S3Source(
      { bucket: name, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-insights-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    bucket.chain().hours(3);
    // A second account with a chain and no Insights folder.
    bucket.chain({ accountId: '444455556666' }).hours(2);
    for (const key of [...DELIVERED, ...PLANTED]) bucket.write(key, RECORDS);
    // A trail's bucket as CloudTrail delivers it: its chain and its Insights files.
    clean = new SignedBucket(join(dir, 'clean'), CLEAN);
    clean.chain().hours(3);
    for (const key of DELIVERED) clean.write(key, RECORDS);
    server = await new TestS3Server([BUCKET, CLEAN]).start();
    await server.uploadFolder(BUCKET, bucket.root, bucket.signatures);
    await server.uploadFolder(CLEAN, clean.root, clean.signatures);
  });

  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function validate(source: LogSource, name: string): Promise<ValidationReport> {
    try {
      return await validateSource(source, { ...WINDOW, publicKeys: keys(), bucket: name });
    } finally {
      if (source instanceof S3Source) source.dispose();
    }
  }

  it('names the Insights files of the window and fails the planted ones, as the same folder does; lists CloudTrail-Insight/ only where an account has one', async () => {
    const from = server.requests.length;
    const fromS3 = await validate(s3(BUCKET), BUCKET);
    assert.deepEqual(keysOf(fromS3, 'insights-unvouched'), [...DELIVERED].sort());
    assert.deepEqual(keysOf(fromS3, 'foreign-file'), PLANTED);
    assert.equal(exitCodeOf(fromS3), 1);
    const listed = server
      .since(from)
      .filter((r) => r.method === 'GET' && /(^|&)list-type=2/.test(r.query))
      .map((r) => new URLSearchParams(r.query).get('prefix') ?? '');
    assert.ok(listed.includes(INSIGHT), listed.join('\n'));
    assert.ok(!listed.includes('AWSLogs/444455556666/CloudTrail-Insight/'), listed.join('\n'));

    const local = await validate(new FolderSource(bucket.root), BUCKET);
    for (const kind of ['insights-unvouched', 'foreign-file'])
      assert.deepEqual(keysOf(local, kind), keysOf(fromS3, kind), kind);
    assert.deepEqual(
      fromS3.findings.map((f) => f.message),
      local.findings.map((f) => f.message),
    );
  });

  it('a bucket as CloudTrail delivers it, with Insights: its Insights files named, exit 0; --strict 1', async () => {
    const report = await validate(s3(CLEAN), CLEAN);
    assert.deepEqual(keysOf(report, 'insights-unvouched'), [...DELIVERED].sort());
    assert.deepEqual(keysOf(report, 'foreign-file'), []);
    assert.equal(report.chains[0].counts.validLogs, 6);
    assert.equal(exitCodeOf(report), 0);
    assert.equal(exitCodeOf(report, true), 1);
  });
});
