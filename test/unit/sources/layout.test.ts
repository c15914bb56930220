import * as assert from 'node:assert/strict';
import {
  accountKindPrefix,
  parseCloudTrailFileName,
  parseCloudTrailKey,
} from '../../../src/core/sources/layout';

describe('AWSLogs layout', () => {
  it('parses a delivered log key with a prefix', () => {
    const info = parseCloudTrailKey(
      'corp/trails/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/14/111122223333_CloudTrail_eu-west-1_20240514T1005Z_abcdEFGH12345678.json.gz',
    );
    assert.ok(info);
    assert.equal(info.kind, 'log');
    assert.equal(info.prefix, 'corp/trails');
    assert.equal(info.accountId, '111122223333');
    assert.equal(info.region, 'eu-west-1');
    assert.equal(info.folderDate, '2024-05-14');
    assert.equal(info.deliveryTime, '2024-05-14T10:05:00Z');
    assert.equal(info.organizationId, undefined);
    assert.equal(info.compressed, true);
  });

  it('parses an organization trail key', () => {
    const info = parseCloudTrailKey(
      'AWSLogs/o-1234abcde/222222222222/CloudTrail/us-east-1/2025/03/06/222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa.json.gz',
    );
    assert.equal(info?.organizationId, 'o-1234abcde');
    assert.equal(info?.accountId, '222222222222');
    assert.equal(info?.prefix, '');
  });

  it('parses a digest key, trail names with underscores included', () => {
    const info = parseCloudTrailKey(
      'AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2024/05/14/111122223333_CloudTrail-Digest_us-west-2_my_trail-1_us-east-1_20240514T111742Z.json.gz',
    );
    assert.equal(info?.kind, 'digest');
    assert.equal(info?.region, 'us-west-2');
    assert.equal(info?.trailName, 'my_trail-1');
    assert.equal(info?.homeRegion, 'us-east-1');
    assert.equal(info?.deliveryTime, '2024-05-14T11:17:42Z');
    assert.equal(info?.backfill, false);
  });

  it('parses Insights files and backfill digests', () => {
    assert.equal(
      parseCloudTrailKey(
        'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2024/05/14/111122223333_CloudTrail-Insight_us-east-1_20240514T1005Z_abcdEFGH12345678.json.gz',
      )?.kind,
      'insight',
    );
    assert.equal(
      parseCloudTrailFileName(
        '111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240514T111742Z_backfill.json.gz',
      )?.backfill,
      true,
    );
  });

  it('keeps the file name region when the folder was renamed (flaws2 data)', () => {
    const info = parseCloudTrailKey(
      'x/AWSLogs/653711331788/CloudTrail/us_east_1/2018/11/28/653711331788_CloudTrail_us-east-1_20181128T2305Z_zKlMhON7EpHala9u.json.gz',
    );
    assert.equal(info?.region, 'us-east-1');
    assert.equal(info?.folderRegion, 'us_east_1');
  });

  it('rejects what is not in the layout', () => {
    assert.equal(
      parseCloudTrailKey('AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/notes.txt'),
      undefined,
    );
    assert.equal(
      parseCloudTrailKey(
        'AWSLogs/1111/CloudTrail/us-east-1/2024/05/14/1111_CloudTrail_us-east-1_20240514T1005Z_a.json.gz',
      ),
      undefined,
    );
    // a digest name in the log folder
    assert.equal(
      parseCloudTrailKey(
        'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/14/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240514T111742Z.json.gz',
      ),
      undefined,
    );
    assert.equal(
      parseCloudTrailKey('logs/111122223333_CloudTrail_us-east-1_20240514T1005Z_abc.json'),
      undefined,
    );
    assert.equal(
      parseCloudTrailFileName('111122223333_CloudTrail_us-east-1_20240514T1005Z_abc.json')
        ?.compressed,
      false,
    );
  });

  it('builds account prefixes', () => {
    assert.equal(
      accountKindPrefix({
        prefix: 'p/',
        organizationId: 'o-aaaaaaaaaa',
        accountId: '111122223333',
        kind: 'digest',
      }),
      'p/AWSLogs/o-aaaaaaaaaa/111122223333/CloudTrail-Digest/',
    );
    assert.equal(
      accountKindPrefix({ accountId: '111122223333', kind: 'log' }),
      'AWSLogs/111122223333/CloudTrail/',
    );
  });
});
