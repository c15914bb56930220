// How SDK failures read to the user: each case names the object and says what to do, and no
// secret (access key, session token) ever appears in a message.
import { strict as assert } from 'node:assert';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { InlineRunner } from '../../../src/core/ingest/pool';
import {
  isS3Uri,
  normalizePrefix,
  parseS3Uri,
  S3Source,
  s3Error,
} from '../../../src/core/sources/s3';

const ctx = { bucket: 'trail-bucket', key: 'AWSLogs/111122223333/x.json.gz', profile: 'audit' };
const sdk = (name: string, status?: number, message = name, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('S3 errors and locations', () => {
  it('maps S3 and credential failures to SourceErrors with what to do', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [
        sdk('AccessDenied', 403),
        'access-denied',
        /access denied for profile "audit".*s3:GetObject/,
      ],
      [sdk('NoSuchBucket', 404), 'not-found', /^s3:\/\/trail-bucket: no such bucket/],
      [
        sdk('NoSuchKey', 404),
        'not-found',
        /s3:\/\/trail-bucket\/AWSLogs\/111122223333\/x\.json\.gz: no such object/,
      ],
      [sdk('NotFound', 404), 'not-found', /no such object/],
      [
        sdk('CredentialsProviderError', undefined, 'Could not load credentials from any providers'),
        'access-denied',
        /no AWS credentials found for profile "audit"/,
      ],
      [
        sdk(
          'CredentialsProviderError',
          undefined,
          'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
        ),
        'access-denied',
        /aws sso login --profile audit/,
      ],
      [
        sdk('UnauthorizedException', 401, 'Session token not found or invalid (SSO)'),
        'access-denied',
        /SSO/,
      ],
      [
        sdk('ExpiredToken', 400, 'The provided token has expired.'),
        'access-denied',
        /credentials of profile "audit" have expired/,
      ],
      [
        sdk('InvalidAccessKeyId', 403),
        'access-denied',
        /access key of profile "audit" is not accepted/,
      ],
      [sdk('SlowDown', 503), 'network', /throttling.*after retries/],
      [
        sdk('Error', undefined, 'connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }),
        'network',
        /cannot reach S3.*ECONNREFUSED.*check the network/,
      ],
      [sdk('TimeoutError', undefined, 'socket timed out'), 'network', /cannot reach S3/],
      [sdk('PermanentRedirect', 301), 'io', /set "region" on the source/],
      [sdk('AbortError'), 'cancelled', /cancelled/],
    ];
    for (const [err, code, message] of cases) {
      const e = s3Error(err, ctx);
      assert.equal(e.code, code, `${(err as Error).name}: ${e.message}`);
      assert.match(e.message, message);
      assert.equal(e.key, ctx.key);
    }
  });

  it('never repeats credentials from the error into the message', () => {
    const e = s3Error(
      sdk(
        'InvalidAccessKeyId',
        403,
        'The AWS Access Key Id AKIAIOSFODNN7EXAMPLE you provided does not exist',
      ),
      ctx,
    );
    assert.doesNotMatch(e.message, /AKIA/);
  });

  it('names an S3 file with its bucket and key once, prefix included once', () => {
    const source = new S3Source(
      { bucket: 'trail-bucket', prefix: 'trails', region: 'us-east-1' },
      { credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
    );
    const index = new EventIndex({ runner: new InlineRunner() });
    const file = index.addFile(
      source,
      'trails/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/x.json.gz',
      10,
      'log',
    );
    assert.equal(
      file.location,
      's3://trail-bucket/trails/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/x.json.gz',
    );
    index.addProblem(file.id, 'corrupt-gzip', 'not valid gzip data');
    assert.equal(
      `${index.problems[0].location}: ${index.problems[0].message}`,
      's3://trail-bucket/trails/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/x.json.gz: not valid gzip data',
    );
    source.dispose();
  });

  it('parses s3:// locations', () => {
    assert.deepEqual(parseS3Uri('s3://my-bucket'), { bucket: 'my-bucket', key: '' });
    assert.deepEqual(parseS3Uri('s3://my-bucket/org/AWSLogs/'), {
      bucket: 'my-bucket',
      key: 'org/AWSLogs/',
    });
    assert.deepEqual(parseS3Uri('S3://my-bucket//a'), { bucket: 'my-bucket', key: 'a' });
    assert.equal(parseS3Uri('s3://ab/x'), undefined, 'bucket names have at least 3 characters');
    assert.equal(parseS3Uri('s3://My_Bucket/x'), undefined);
    assert.equal(parseS3Uri('/tmp/logs'), undefined);
    assert.equal(isS3Uri('s3://b/x'), true);
    assert.equal(isS3Uri('./s3:/x'), false);
    assert.equal(normalizePrefix('/org'), 'org/');
    assert.equal(normalizePrefix('org/'), 'org/');
    assert.equal(normalizePrefix(undefined), '');
  });
});
