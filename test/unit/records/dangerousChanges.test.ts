// Changes an incident responder must not miss, each as CloudTrail logs it (requestParameters
// shaped as in the service's API reference and real records): the explanation names them.
import * as assert from 'node:assert/strict';
import { describeRequest } from '../../../src/core/records/request';
import type { CloudTrailRecord } from '../../../src/core/records/types';

const OWN = '111122223333';
const OTHER = '444455556666';

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

  it('resource policies and grants that let in another account name it; "*" stays public', () => {
    const policy = (principal: unknown) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Enable IAM User Permissions',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${OWN}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          { Effect: 'Allow', Principal: principal, Action: '*', Resource: '*' },
        ],
      });
    const foreign = { AWS: `arn:aws:iam::${OTHER}:root` };
    const own = { AWS: `arn:aws:iam::${OWN}:role/admin` };
    const cases: [
      source: string,
      name: string,
      params: (who: unknown) => unknown,
      subject: RegExp,
    ][] = [
      [
        'kms.amazonaws.com',
        'PutKeyPolicy',
        (who) => ({
          keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
          policyName: 'default',
          policy: policy(who),
          bypassPolicyLockoutSafetyCheck: false,
        }),
        /^key policy/,
      ],
      [
        'secretsmanager.amazonaws.com',
        'PutResourcePolicy',
        (who) => ({ secretId: 'prod/db', resourcePolicy: policy(who), blockPublicPolicy: false }),
        /^secret/,
      ],
      [
        'ecr.amazonaws.com',
        'SetRepositoryPolicy',
        (who) => ({ repositoryName: 'app', policyText: policy(who), force: false }),
        /^repository policy/,
      ],
      [
        'sns.amazonaws.com',
        'SetTopicAttributes',
        (who) => ({
          topicArn: `arn:aws:sns:us-east-1:${OWN}:alerts`,
          attributeName: 'Policy',
          attributeValue: policy(who),
        }),
        /^topic policy/,
      ],
      [
        'sqs.amazonaws.com',
        'SetQueueAttributes',
        (who) => ({
          queueUrl: `https://sqs.us-east-1.amazonaws.com/${OWN}/jobs`,
          attributes: { Policy: policy(who) },
        }),
        /^queue policy/,
      ],
      [
        's3.amazonaws.com',
        'PutBucketPolicy',
        (who) => ({ bucketName: 'b', bucketPolicy: JSON.parse(policy(who)), policy: [''] }),
        /^bucket policy/,
      ],
    ];
    for (const [source, name, params, subject] of cases) {
      const toOther = describeRequest(call(source, name, params(foreign)));
      assert.ok(toOther.known, `${name}: not explained`);
      assert.match(toOther.risky ?? '', subject, name);
      assert.match(toOther.risky ?? '', new RegExp(`another account \\(${OTHER}\\)`), name);
      const toEveryone = describeRequest(call(source, name, params('*')));
      assert.match(toEveryone.risky ?? '', /everyone/, name);
      const inside = describeRequest(call(source, name, params(own)));
      assert.doesNotMatch(inside.risky ?? '', /another account|everyone/, name);
    }
  });

  it('Lambda, SNS, SQS permissions and KMS grants to another account name it', () => {
    const risk = (source: string, name: string, params: unknown) =>
      describeRequest(call(source, name, params)).risky ?? '';
    const lambda = (principal: string) =>
      risk('lambda.amazonaws.com', 'AddPermission20150331v2', {
        functionName: 'f',
        statementId: 's',
        action: 'lambda:InvokeFunction',
        principal,
      });
    assert.match(lambda(OTHER), new RegExp(`another account \\(${OTHER}\\)`));
    assert.match(
      lambda(`arn:aws:iam::${OTHER}:root`),
      new RegExp(`another account \\(${OTHER}\\)`),
    );
    assert.match(lambda('*'), /anyone/);
    assert.equal(lambda(OWN), '');
    // An AWS service without a source: any account's bucket could invoke it (a confused deputy).
    assert.match(lambda('s3.amazonaws.com'), /s3\.amazonaws\.com for any account's resource/);
    const limited = (extra: Record<string, unknown>, principal = 's3.amazonaws.com') =>
      risk('lambda.amazonaws.com', 'AddPermission20150331v2', {
        functionName: 'f',
        statementId: 's',
        action: 'lambda:InvokeFunction',
        principal,
        ...extra,
      });
    assert.equal(limited({ sourceArn: 'arn:aws:s3:::my-bucket', sourceAccount: OWN }), '');
    assert.match(limited({ sourceAccount: OTHER }), new RegExp(`another account \\(${OTHER}\\)`));
    // `*` narrowed to a source of this account is not everyone; within an organization it is its
    // every account; behind a function URL without authentication it is anyone.
    assert.equal(limited({ sourceAccount: OWN }, '*'), '');
    assert.match(
      limited({ principalOrgID: 'o-a1b2c3d4e5' }, '*'),
      /every account of organization o-a1b2c3d4e5/,
    );
    assert.match(
      limited({ action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' }, '*'),
      /function URL invocable by anyone, without authentication/,
    );
    const layer = risk('lambda.amazonaws.com', 'AddLayerVersionPermission20181031', {
      layerName: 'l',
      versionNumber: 1,
      statementId: 's',
      action: 'lambda:GetLayerVersion',
      principal: OTHER,
    });
    assert.match(layer, new RegExp(`another account \\(${OTHER}\\)`));
    const grant = (grantee: string) =>
      risk('kms.amazonaws.com', 'CreateGrant', {
        keyId: `arn:aws:kms:us-east-1:${OWN}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        granteePrincipal: grantee,
        operations: ['Decrypt', 'GenerateDataKey'],
      });
    assert.match(
      grant(`arn:aws:iam::${OTHER}:role/x`),
      new RegExp(`another account \\(${OTHER}\\)`),
    );
    assert.equal(grant(`arn:aws:iam::${OWN}:role/x`), '');
    assert.match(
      risk('sns.amazonaws.com', 'AddPermission', {
        topicArn: `arn:aws:sns:us-east-1:${OWN}:alerts`,
        label: 'l',
        aWSAccountId: [OTHER],
        actionName: ['Subscribe'],
      }),
      new RegExp(`another account \\(${OTHER}\\)`),
    );
    assert.match(
      risk('sqs.amazonaws.com', 'AddPermission', {
        queueUrl: `https://sqs.us-east-1.amazonaws.com/${OWN}/jobs`,
        label: 'l',
        aWSAccountIds: [OTHER],
        actions: ['ReceiveMessage'],
      }),
      new RegExp(`another account \\(${OTHER}\\)`),
    );
  });

  it('UpdateTrail names each weakening: key, CloudWatch Logs, bucket, Regions, global events', () => {
    const trail = `arn:aws:cloudtrail:us-east-1:${OWN}:trail/org-trail`;
    const update = (changes: Record<string, unknown>) =>
      describeRequest(call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: trail, ...changes }));
    const key = describeRequest(
      call('cloudtrail.amazonaws.com', 'UpdateTrail', {
        name: trail,
        kmsKeyId: `arn:aws:kms:us-east-1:${OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      }),
    );
    assert.match(
      key.summary,
      new RegExp(`log files now encrypted with key arn:aws:kms:us-east-1:${OTHER}:key/`),
    );
    assert.match(key.risky ?? '', /encryption key changed/);
    assert.match(update({ kmsKeyId: '' }).risky ?? '', /encryption removed/);
    const logs = update({
      cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${OWN}:log-group:elsewhere:*`,
      cloudWatchLogsRoleArn: `arn:aws:iam::${OWN}:role/ct-logs`,
    });
    assert.match(
      logs.summary,
      /now sends events to CloudWatch Logs group arn:aws:logs:.*:elsewhere:\*/,
    );
    assert.match(logs.risky ?? '', /CloudWatch Logs destination changed/);
    assert.match(
      update({ cloudWatchLogsLogGroupArn: '', cloudWatchLogsRoleArn: '' }).risky ?? '',
      /CloudWatch Logs delivery removed/,
    );
    assert.match(
      update({ s3BucketName: 'attacker-bucket' }).risky ?? '',
      /log files redirected to another bucket/,
    );
    const scope = update({ isMultiRegionTrail: false, includeGlobalServiceEvents: false });
    assert.match(scope.summary, /this Region only/);
    assert.match(scope.summary, /global service events \(IAM, STS, CloudFront\) EXCLUDED/);
    assert.match(scope.risky ?? '', /other Regions no longer logged/);
    assert.match(scope.risky ?? '', /global service events no longer logged/);
    assert.match(
      update({ enableLogFileValidation: false }).risky ?? '',
      /log file validation turned off/,
    );
    assert.equal(
      update({ isMultiRegionTrail: true, enableLogFileValidation: true }).risky,
      undefined,
    );
  });

  it('PutInsightSelectors with no selectors turns Insights off', () => {
    const insights = (selectors: unknown) =>
      describeRequest(
        call('cloudtrail.amazonaws.com', 'PutInsightSelectors', {
          trailName: 'org-trail',
          insightSelectors: selectors,
        }),
      );
    const off = insights([]);
    assert.match(off.summary, /turns Insights off on org-trail/);
    assert.match(off.risky ?? '', /CloudTrail Insights turned off/);
    const on = insights([{ insightType: 'ApiCallRateInsight' }]);
    assert.match(on.summary, /ApiCallRateInsight/);
    assert.equal(on.risky, undefined);
  });

  it('ModifyInstanceAttribute: user data replaced is flagged in the flat (attribute/value) form too', () => {
    const modify = (params: unknown) =>
      describeRequest(call('ec2.amazonaws.com', 'ModifyInstanceAttribute', params));
    // aws ec2 modify-instance-attribute --attribute userData --value …: the flat form.
    const flat = modify({
      instanceId: 'i-031c2cfcd064f128f',
      attribute: 'userData',
      value: '<sensitiveDataRemoved>',
    });
    assert.equal(
      flat.summary,
      'ec2:ModifyInstanceAttribute — replaces the user data of i-031c2cfcd064f128f',
    );
    assert.match(flat.risky ?? '', /user data replaced/);
    const typed = modify({ instanceId: 'i-1', userData: '<sensitiveDataRemoved>' });
    assert.equal(typed.summary, 'ec2:ModifyInstanceAttribute — replaces the user data of i-1');
    assert.match(typed.risky ?? '', /user data replaced/);
    assert.equal(
      modify({ instanceId: 'i-1', attribute: 'disableApiTermination', value: 'false' }).summary,
      'ec2:ModifyInstanceAttribute — sets disableApiTermination of i-1 to false',
    );
    assert.equal(
      modify({ instanceId: 'i-1', instanceType: { value: 't3.nano' } }).summary,
      'ec2:ModifyInstanceAttribute — sets instanceType of i-1 to t3.nano',
    );
    assert.equal(
      modify({
        instanceId: 'i-1',
        groupSet: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] },
      }).summary,
      'ec2:ModifyInstanceAttribute — sets groupSet of i-1 to sg-1, sg-2',
    );
    assert.equal(
      modify({ instanceId: 'i-1', instanceType: { value: 't3.nano' } }).risky,
      undefined,
    );
  });

  it('AuthorizeSecurityGroupIngress in the flat form names a source group and its account', () => {
    const d = describeRequest(
      call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
        groupId: 'sg-1',
        ipProtocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        sourceSecurityGroupName: 'web',
        sourceSecurityGroupOwnerId: OTHER,
      }),
    );
    assert.equal(
      d.summary,
      `ec2:AuthorizeSecurityGroupIngress — opens tcp/5432 to group web of account ${OTHER} on sg-1`,
    );
  });

  it('a broad public range that is not /0 is named with its size and flagged; private ranges are not', () => {
    const ingress = (cidr: string) =>
      describeRequest(
        call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
          groupId: 'sg-1',
          ipPermissions: {
            items: [
              {
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                groups: {},
                ipRanges: cidr.includes(':') ? {} : { items: [{ cidrIp: cidr }] },
                ipv6Ranges: cidr.includes(':') ? { items: [{ cidrIpv6: cidr }] } : {},
                prefixListIds: {},
              },
            ],
          },
        }),
      );
    const half = ingress('0.0.0.0/1');
    assert.equal(
      half.summary,
      'ec2:AuthorizeSecurityGroupIngress — opens tcp/22 to 0.0.0.0/1 (2^31 addresses: half of all IPv4 addresses) on sg-1',
    );
    assert.equal(
      half.risky,
      'opens the security group to a broad public range: 0.0.0.0/1 (2^31 addresses: half of all IPv4 addresses)',
    );
    assert.match(ingress('128.0.0.0/1').risky ?? '', /half of all IPv4 addresses/);
    assert.match(ingress('0.0.0.0/8').risky ?? '', /2\^24 addresses: 1\/256 of all IPv4 addresses/);
    assert.match(ingress('::/1').risky ?? '', /2\^127 addresses: half of all IPv6 addresses/);
    assert.match(ingress('64.0.0.0/2').summary, /a quarter of all IPv4 addresses/);
    // The whole internet stays said as such; private and narrow ranges add nothing.
    assert.equal(ingress('0.0.0.0/0').risky, 'opens the security group to the whole internet (/0)');
    for (const quiet of ['10.0.0.0/8', 'fd00::/8', '203.0.113.0/24', '11.0.0.0/9']) {
      assert.equal(ingress(quiet).risky, undefined, quiet);
      assert.doesNotMatch(ingress(quiet).summary, /addresses/, quiet);
    }
    const rule = describeRequest(
      call('ec2.amazonaws.com', 'ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-1',
          SecurityGroupRule: {
            SecurityGroupRuleId: 'sgr-1',
            SecurityGroupRule: {
              IpProtocol: 'tcp',
              FromPort: 3389,
              ToPort: 3389,
              CidrIpv4: '0.0.0.0/1',
            },
          },
        },
      }),
    );
    assert.match(rule.summary, /from 0\.0\.0\.0\/1 \(2\^31 addresses/);
    assert.match(rule.risky ?? '', /broad public range: 0\.0\.0\.0\/1/);
    const acl = describeRequest(
      call('ec2.amazonaws.com', 'CreateNetworkAclEntry', {
        networkAclId: 'acl-1',
        ruleNumber: 100,
        egress: false,
        ruleAction: 'allow',
        icmpTypeCode: {},
        portRange: {},
        aclProtocol: '-1',
        cidrBlock: '128.0.0.0/1',
      }),
    );
    assert.match(acl.summary, /128\.0\.0\.0\/1 \(2\^31 addresses: half of all IPv4 addresses\)/);
    assert.match(acl.risky ?? '', /broad public range/);
    // A range as logged, whitespace and all, is read for its size but shown with hidden characters marked.
    const spaced = ingress('0.0.0.0/1\u2028');
    assert.equal(
      spaced.risky,
      'opens the security group to a broad public range: 0.0.0.0/1⟨U+2028⟩ (2^31 addresses: half of all IPv4 addresses)',
    );
  });

  it('why a call matters is one line with hidden characters marked, whatever values it names', () => {
    const trust = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::1:root\nWhy it matters: nothing\u202e' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const d = describeRequest(
      call('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { roleName: 'r', policyDocument: trust }),
    );
    assert.equal(
      d.risky,
      'trust policy now lets arn:aws:iam::1:root⏎Why it matters: nothing⟨U+202E⟩ assume the role',
    );
    const shared = describeRequest(
      call('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
        snapshotId: 'snap-1',
        createVolumePermission: { add: { items: [{ userId: `${OTHER}\r\nsafe` }] } },
      }),
    );
    assert.doesNotMatch(shared.risky ?? '', /[\r\n]/);
    assert.match(shared.risky ?? '', new RegExp(`${OTHER}⏎safe`));
  });

  it('network ACL entries, created or replaced, IPv4 or IPv6, name their ports and are flagged when open', () => {
    const entry = (name: string, params: Record<string, unknown>) =>
      describeRequest(
        call('ec2.amazonaws.com', name, {
          networkAclId: 'acl-1',
          ruleNumber: 100,
          egress: false,
          icmpTypeCode: {},
          ...params,
        }),
      );
    const v6 = entry('ReplaceNetworkAclEntry', {
      ruleAction: 'allow',
      portRange: { from: 22, to: 22 },
      aclProtocol: '6',
      ipv6CidrBlock: '::/0',
    });
    assert.equal(
      v6.summary,
      'ec2:ReplaceNetworkAclEntry — allows inbound tcp/22 from ::/0 in network ACL acl-1 (rule 100)',
    );
    assert.match(v6.risky ?? '', /whole internet/);
    const deny = entry('CreateNetworkAclEntry', {
      ruleAction: 'deny',
      portRange: {},
      aclProtocol: '-1',
      cidrBlock: '0.0.0.0/0',
    });
    assert.equal(
      deny.summary,
      'ec2:CreateNetworkAclEntry — denies inbound all traffic from 0.0.0.0/0 in network ACL acl-1 (rule 100)',
    );
    assert.equal(deny.risky, undefined);
  });
});
