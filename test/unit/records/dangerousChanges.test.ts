// Changes an incident responder must not miss, each as CloudTrail logs it (requestParameters
// shaped as in the service's API reference and real records): the explanation names them.
import * as assert from 'node:assert/strict';
import { describeRequest } from '../../../src/core/records/request';
import type { CloudTrailRecord } from '../../../src/core/records/types';

const OWN = '111122223333';

const call = (
  eventSource: string,
  eventName: string,
  requestParameters: unknown,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord =>
  ({
    eventVersion: '1.09',
    eventSource,
    eventName,
    requestParameters,
    recipientAccountId: OWN,
    userIdentity: { type: 'IAMUser', accountId: OWN, userName: 'alice' },
    ...extra,
  }) as CloudTrailRecord;

describe('explanations of dangerous changes', () => {
  it('account-level Block Public Access turned off or deleted is flagged, from either event source', () => {
    // S3 Control PutPublicAccessBlock, logged as s3:PutAccountPublicAccessBlock.
    const config = (on: boolean) => ({
      PublicAccessBlockConfiguration: {
        xmlns: 'http://awss3control.amazonaws.com/doc/2018-08-20/',
        RestrictPublicBuckets: on,
        BlockPublicPolicy: on,
        BlockPublicAcls: on,
        IgnorePublicAcls: on,
      },
      'x-amz-account-id': OWN,
      Host: `${OWN}.s3-control.us-east-1.amazonaws.com`,
    });
    for (const source of ['s3.amazonaws.com', 's3-control.amazonaws.com']) {
      const off = describeRequest(call(source, 'PutAccountPublicAccessBlock', config(false)));
      assert.ok(off.known, `${source}: not explained`);
      assert.match(off.summary, new RegExp(`Block Public Access of account ${OWN}`));
      assert.match(
        off.risky ?? '',
        /account-wide Block Public Access relaxed.*BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets/,
      );
      assert.match(
        off.apiReferenceUrl,
        /API_control_PutPublicAccessBlock\.html$/,
        'links the S3 Control operation',
      );
      assert.equal(
        describeRequest(call(source, 'PutAccountPublicAccessBlock', config(true))).risky,
        undefined,
      );
      const deleted = describeRequest(
        call(source, 'DeleteAccountPublicAccessBlock', { 'x-amz-account-id': OWN }),
      );
      assert.match(deleted.summary, /removes Block Public Access from account/);
      assert.match(deleted.risky ?? '', /account-wide Block Public Access removed/);
    }
  });

  it('Block Public Access: a setting left out is off, and the bucket-level form names what is off', () => {
    // The API takes an omitted setting as false: sending only BlockPublicAcls turns the rest off.
    const bucket = describeRequest(
      call('s3.amazonaws.com', 'PutBucketPublicAccessBlock', {
        publicAccessBlock: '',
        bucketName: 'b',
        PublicAccessBlockConfiguration: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          BlockPublicAcls: true,
        },
        Host: 'b.s3.amazonaws.com',
      }),
    );
    assert.equal(
      bucket.risky,
      'Block Public Access relaxed (off: IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)',
    );
  });
});
