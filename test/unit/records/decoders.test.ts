import * as assert from 'node:assert/strict';
import {
  accessKeyKind,
  decodeIdPrefix,
  decodeTime,
  explainErrorCode,
  explainSourceAddress,
  parseArn,
} from '../../../src/core/records/decoders';
import { explainValue, IDENTITY_TYPE_MEANINGS } from '../../../src/core/records/valueHints';

describe('value decoders', () => {
  it('times: UTC and the zone asked for, with Z or the offset, extended and compact ISO forms', () => {
    const t = decodeTime('2023-08-26T20:35:12Z', 'Asia/Tokyo');
    assert.ok(t);
    assert.equal(t.utc, '2023-08-26 20:35:12Z');
    assert.equal(t.zoned, '2023-08-27 05:35:12+09:00');
    assert.equal(t.epochMs, Date.UTC(2023, 7, 26, 20, 35, 12));
    const compact = decodeTime('20131102T010628Z', 'UTC');
    assert.equal(compact?.utc, '2013-11-02 01:06:28Z');
    assert.equal(decodeTime('2024-13-45T99:00:00Z'), undefined);
    assert.equal(decodeTime('AKIAIOSFODNN7EXAMPLE'), undefined);
    assert.equal(decodeTime('2023'), undefined);
    // A day its month does not have is not a time (never the next month's day, as Date.parse reads it).
    assert.equal(decodeTime('2024-02-30T00:00:00Z'), undefined);
    assert.equal(decodeTime('2023-02-29T10:00:00Z'), undefined);
    assert.equal(decodeTime('20230229T100000Z'), undefined);
    assert.equal(decodeTime('2024-05-14T10:60:00Z'), undefined);
    assert.equal(decodeTime('2024-02-29T12:00:00+02:00')?.utc, '2024-02-29 10:00:00Z');
    assert.equal(decodeTime('0099-05-14T10:00:00Z')?.utc, '0099-05-14 10:00:00Z');
  });

  it('access key ids: AKIA long-term, ASIA temporary', () => {
    assert.equal(accessKeyKind('AKIAIOSFODNN7EXAMPLE'), 'long-term');
    assert.equal(accessKeyKind('ASIARSCCN4A3QPI4OFEH'), 'temporary');
    assert.equal(accessKeyKind(''), undefined);
    assert.equal(accessKeyKind('1'), undefined);
    assert.equal(accessKeyKind(undefined), undefined);
  });

  it('IAM unique id prefixes', () => {
    assert.equal(decodeIdPrefix('AIDAJ45Q7YFFAREXAMPLE')?.kind, 'IAM user');
    assert.equal(decodeIdPrefix('AROAIDPPEZS35WEXAMPLE')?.kind, 'IAM role');
    assert.equal(decodeIdPrefix('AGPAEXAMPLEEXAMPLE')?.kind, 'IAM user group');
    assert.equal(decodeIdPrefix('ANPAEXAMPLEEXAMPLE')?.kind, 'managed policy');
    assert.equal(decodeIdPrefix('AIPAEXAMPLEEXAMPLE')?.kind, 'Amazon EC2 instance profile');
    assert.equal(decodeIdPrefix('ZZZZEXAMPLEEXAMPLE'), undefined);
    assert.equal(decodeIdPrefix('aida-lowercase'), undefined);
  });

  it('error codes, whatever the service spelling', () => {
    assert.match(explainErrorCode('AccessDenied')?.meaning ?? '', /not allowed/);
    assert.match(explainErrorCode('Client.UnauthorizedOperation')?.meaning ?? '', /not authorized/);
    assert.match(
      explainErrorCode('InvalidClientTokenId')?.investigate ?? '',
      /revoked, leaked key/,
    );
    assert.match(
      explainErrorCode('Client.DryRunOperation')?.meaning ?? '',
      /WOULD have been allowed/,
    );
    assert.equal(explainErrorCode('SomethingNobodyKnows'), undefined);
  });

  it('ARNs and source addresses', () => {
    assert.deepEqual(parseArn('arn:aws:iam::111122223333:role/path/Admin'), {
      partition: 'aws',
      service: 'iam',
      region: '',
      accountId: '111122223333',
      resource: 'role/path/Admin',
    });
    assert.equal(parseArn('not an arn'), undefined);
    assert.match(explainSourceAddress('AWS Internal') ?? '', /inside AWS/);
    assert.match(
      explainSourceAddress('ec2.amazonaws.com') ?? '',
      /ec2\.amazonaws\.com made this call/,
    );
    assert.match(explainSourceAddress('10.1.2.3') ?? '', /private/);
    assert.equal(explainSourceAddress('203.0.113.7'), undefined);
    // The same address test as ip:10.0.0.0/8 (core/cidr.ts): IPv4-mapped IPv6 is the IPv4 address.
    for (const ip of ['::ffff:10.1.2.3', '::FFFF:AC10:1', '::ffff:192.168.0.1'])
      assert.match(explainSourceAddress(ip) ?? '', /private/, ip);
    for (const ip of ['::ffff:203.0.113.7', '172.32.0.1', '2001:db8::1'])
      assert.equal(explainSourceAddress(ip), undefined, ip);
  });

  it('explainValue picks the decoder from the field', () => {
    assert.deepEqual(explainValue(['eventTime'], '2024-05-14T10:00:00Z', 'UTC'), [
      'UTC: 2024-05-14 10:00:00Z',
    ]);
    // The setting's zone, named (not "Local", which meant the extension host's zone).
    assert.deepEqual(explainValue(['eventTime'], '2024-05-14T10:00:00Z', 'America/New_York'), [
      'UTC: 2024-05-14 10:00:00Z',
      'America/New_York: 2024-05-14 06:00:00-04:00',
    ]);
    assert.match(
      explainValue(['userIdentity', 'accessKeyId'], 'AKIAIOSFODNN7EXAMPLE').join(' '),
      /long-term access key.*usual leaked credential/,
    );
    const session = explainValue(['userIdentity', 'principalId'], 'AROAIDPPEZS35WEXAMPLE:alice');
    assert.match(session[0], /IAM role/);
    assert.equal(session[1], 'Session name: alice');
    assert.match(explainValue(['userIdentity', 'type'], 'AssumedRole')[0], /assuming an IAM role/);
    assert.match(explainValue(['errorCode'], 'AccessDenied').join(' '), /enumeration/);
    assert.deepEqual(explainValue(['resources', 0, 'ARN'], 'arn:aws:s3:::bucket/key'), [
      'Service: s3',
      'Resource: bucket/key',
    ]);
    assert.deepEqual(explainValue(['readOnly'], true), []);
    assert.deepEqual(explainValue(['userAgent'], 'aws-cli/2.0'), []);
  });

  it('every identity type has a meaning', () => {
    for (const type of [
      'Root',
      'IAMUser',
      'AssumedRole',
      'Role',
      'FederatedUser',
      'AWSAccount',
      'AWSService',
      'IdentityCenterUser',
      'Unknown',
      'SAMLUser',
      'WebIdentityUser',
      'Directory',
    ]) {
      assert.ok((IDENTITY_TYPE_MEANINGS[type] ?? '').length > 20, type);
    }
  });
});
