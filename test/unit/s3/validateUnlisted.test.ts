// validate s3://… where a folder outside the trails cannot be listed (an identity allowed to
// list only part of the bucket), and a local copy with a sub-folder it cannot read: the files a
// load would read there cannot be looked at, so the validation says so (outside-trails, --strict
// fails) instead of reporting nothing outside.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exitCodeOf,
  PublicKeyRing,
  parsePublicKeyFile,
  validateSource,
} from '../../../src/core/digest';
import { S3Source } from '../../../src/core/sources/s3';
import { LogSource } from '../../../src/core/sources/source';
import { publicKeysJson, SignedBucket, signingKey } from '../../../src/core/synthetic/digests';
import { S3RVER_CREDENTIALS, TestS3Server } from '../../support/s3server';
import { runCliUnprivileged } from '../../support/specialFiles';

const BUCKET = 'partly-listable-bucket';

describe('validate s3://…: a folder outside the trails that cannot be listed', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let dir: string;
  let bucket: SignedBucket;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-unlisted-'));
    bucket = new SignedBucket(join(dir, 'bucket'), BUCKET);
    bucket.chain().hours(3);
    bucket.write(
      'exports/stray.json',
      Buffer.from(JSON.stringify({ Records: [{ eventTime: '2024-05-14T10:00:00Z' }] })),
    );
    server = await new TestS3Server([BUCKET]).start();
    await server.uploadFolder(BUCKET, bucket.root, bucket.signatures);
  });
  after(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const validate = async (
    source: LogSource = new S3Source(
      { bucket: BUCKET, endpoint: server.endpoint, region: 'us-east-1' },
      { credentials: S3RVER_CREDENTIALS, maxAttempts: 1 },
    ),
  ) => {
    try {
      return await validateSource(source, {
        startTime: Date.parse('2024-05-14T09:00:00Z'),
        endTime: Date.parse('2024-05-15T00:00:00Z'),
        publicKeys: new PublicKeyRing(
          parsePublicKeyFile(publicKeysJson([signingKey(0)]), 'keys.json'),
        ),
        bucket: BUCKET,
      });
    } finally {
      if (source instanceof S3Source) source.dispose();
    }
  };

  it('is named as not judged (outside-trails), with why; --strict fails as for a file found there', async () => {
    const listable = await validate();
    assert.deepEqual(
      listable.findings.filter((f) => f.kind === 'outside-trails').flatMap((f) => f.keys),
      ['exports/stray.json'],
    );
    assert.equal(exitCodeOf(listable, true), 1);

    server.deniedListings.add(`${BUCKET}/exports/`);
    try {
      const report = await validate();
      assert.equal(report.chains[0].counts.validLogs, 6);
      const outside = report.findings.filter((f) => f.kind === 'outside-trails');
      assert.deepEqual(
        outside.flatMap((f) => f.keys),
        ['exports/'],
      );
      assert.match(
        outside[0].message,
        /s3:\/\/partly-listable-bucket\/exports\/: could not be listed \(.*access denied/,
      );
      assert.equal(exitCodeOf(report), 0);
      assert.equal(exitCodeOf(report, true), 1);
    } finally {
      server.deniedListings.clear();
    }
  });

  it('a local copy with a sub-folder it cannot read: the same (run as a user file modes apply to)', async function () {
    // Root reads any folder: the CLI runs as `nobody` then (runCliUnprivileged).
    const keys = bucket.writePublicKeys(join(dir, 'keys.json'), [signingKey(0)]);
    const signatures = bucket.writeSignatures(join(dir, 'signatures.json'));
    chmodSync(join(bucket.root, 'exports'), 0o000);
    try {
      const r = runCliUnprivileged(
        [
          'validate',
          bucket.root,
          '--public-keys',
          keys,
          '--signatures',
          signatures,
          '--start-time',
          '2024-05-14T09:00:00Z',
          '--end-time',
          '2024-05-15T00:00:00Z',
          '--strict',
        ],
        [dir, join(dir, 'bucket')],
      );
      assert.match(`${r.out}${r.err}`, /outside-trails.*exports\/: could not be listed/);
      assert.equal(r.code, 1, `${r.out}${r.err}`);
    } finally {
      chmodSync(join(bucket.root, 'exports'), 0o755);
    }
  });
});
