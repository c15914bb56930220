import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { API_REFERENCE, EVENT_CATALOG } from '../../../src/core/records/apiCalls';
import { catalogueSize, describeRequest, operationOf } from '../../../src/core/records/request';
import type { CloudTrailRecord } from '../../../src/core/records/types';
import { dataset, describeWithDatasets } from '../../support/datasets';

const call = (
  eventSource: string,
  eventName: string,
  requestParameters: unknown,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord =>
  ({
    eventVersion: '1.08',
    eventSource,
    eventName,
    requestParameters,
    ...extra,
  }) as CloudTrailRecord;

describe('describeRequest', () => {
  it('explains at least 60 event names across the investigation services', () => {
    assert.ok(catalogueSize() >= 60, `only ${catalogueSize()} event names`);
    for (const service of [
      'iam',
      'sts',
      's3',
      'ec2',
      'kms',
      'cloudtrail',
      'lambda',
      'secretsmanager',
      'ssm',
      'organizations',
      'guardduty',
      'signin',
    ]) {
      assert.ok(Object.keys(EVENT_CATALOG[service] ?? {}).length > 0, `no entries for ${service}`);
    }
  });

  it('links every catalogued service to its AWS API reference', () => {
    for (const service of Object.keys(EVENT_CATALOG)) {
      assert.match(API_REFERENCE[service] ?? '', /^https:\/\/docs\.aws\.amazon\.com\//, service);
    }
  });

  it('security group opened to the world (legacy top-level form)', () => {
    const d = describeRequest(
      call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
        groupId: 'sg-1',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIp: '0.0.0.0/0',
      }),
    );
    assert.equal(
      d.summary,
      'ec2:AuthorizeSecurityGroupIngress — opens tcp/22 to 0.0.0.0/0 on sg-1',
    );
    assert.equal(d.risky, 'opens the security group to the whole internet (/0)');
    assert.equal(
      d.apiReferenceUrl,
      'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html',
    );
    assert.deepEqual(
      d.keyParameters.map((k) => k.name),
      ['groupId', 'ipProtocol', 'fromPort', 'toPort', 'cidrIp'],
    );
  });

  it('security group rules in ipPermissions form; a private range is not flagged', () => {
    const params = {
      groupId: 'sg-2',
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] },
          },
          { ipProtocol: '-1', ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } },
        ],
      },
    };
    const d = describeRequest(call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', params));
    assert.equal(
      d.summary,
      'ec2:AuthorizeSecurityGroupIngress — opens tcp/443 to 10.0.0.0/8; all traffic to ::/0 on sg-2',
    );
    assert.ok(d.risky);
    params.ipPermissions.items.pop();
    assert.equal(
      describeRequest(call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', params)).risky,
      undefined,
    );
  });

  it('ModifySecurityGroupRules: the rule a change opens to the world is named and flagged', () => {
    // As CloudTrail logs it: the query API's request, named and capitalised as the API names it.
    const change = (rule: unknown) =>
      describeRequest(
        call('ec2.amazonaws.com', 'ModifySecurityGroupRules', {
          ModifySecurityGroupRulesRequest: {
            GroupId: 'sg-1',
            SecurityGroupRule: { SecurityGroupRuleId: 'sgr-1', SecurityGroupRule: rule },
          },
        }),
      );
    const open = change({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' });
    assert.equal(
      open.summary,
      'ec2:ModifySecurityGroupRules — changes rule sgr-1 of sg-1 to tcp/22 from 0.0.0.0/0',
    );
    assert.match(open.risky ?? '', /whole internet/);
    assert.deepEqual(
      open.keyParameters.map((k) => k.name),
      ['ModifySecurityGroupRulesRequest.GroupId'],
    );
    const v6 = change({ IpProtocol: '-1', CidrIpv6: '::/0' });
    assert.match(v6.summary, /changes rule sgr-1 of sg-1 to all traffic from ::\/0$/);
    assert.match(v6.risky ?? '', /whole internet/);
    const peer = change({
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      ReferencedGroupId: 'sg-9',
    });
    assert.match(peer.summary, /to tcp\/443 from sg-9$/);
    assert.equal(peer.risky, undefined);
  });

  it('logging stopped and selectors changed are flagged', () => {
    const stop = describeRequest(
      call('cloudtrail.amazonaws.com', 'StopLogging', {
        name: 'arn:aws:cloudtrail:us-east-1:1:trail/main',
      }),
    );
    assert.equal(
      stop.summary,
      'cloudtrail:StopLogging — stops logging on trail arn:aws:cloudtrail:us-east-1:1:trail/main',
    );
    assert.equal(stop.risky, 'CloudTrail logging stopped');
    const sel = describeRequest(
      call('cloudtrail.amazonaws.com', 'PutEventSelectors', {
        trailName: 't',
        eventSelectors: [{ includeManagementEvents: false, readWriteType: 'ReadOnly' }],
      }),
    );
    assert.equal(
      sel.summary,
      'cloudtrail:PutEventSelectors — changes event selectors of t: 1 selector(s), management events EXCLUDED',
    );
    assert.match(sel.risky ?? '', /selectors changed/);
  });

  it("UpdateLoginProfile: another user's password is a takeover, the caller's own is not called another's", () => {
    const alice = {
      userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::1:user/alice' },
    } as Partial<CloudTrailRecord>;
    const risk = (p: unknown, extra: Partial<CloudTrailRecord> = alice) =>
      describeRequest(call('iam.amazonaws.com', 'UpdateLoginProfile', p, extra)).risky;
    assert.equal(
      risk({ userName: 'bob' }),
      "another user's console password changed (account takeover)",
    );
    for (const own of [{ userName: 'Alice' }, {}])
      assert.equal(
        risk(own),
        "the caller's own console password set through the API (a key turned into console access)",
      );
    // A role session has no console password of its own: any user named is another.
    assert.match(
      risk({ userName: 'alice' }, {
        userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/r/alice' },
      } as Partial<CloudTrailRecord>) ?? '',
      /another user's/,
    );
  });

  it('names security group rules plainly: protocol numbers, ports as text, ICMP types', () => {
    const opens = (perm: Record<string, unknown>) =>
      describeRequest(
        call('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
          groupId: 'sg-1',
          ipPermissions: { items: [{ ...perm, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        }),
      ).summary;
    assert.match(opens({ ipProtocol: '6', fromPort: 0, toPort: 65535 }), /opens tcp\/0-65535 to/);
    assert.match(opens({ ipProtocol: 'tcp', fromPort: '22', toPort: 22 }), /opens tcp\/22 to/);
    assert.match(
      opens({ ipProtocol: 'icmp', fromPort: -1, toPort: -1 }),
      /opens icmp \(all types\) to/,
    );
    assert.match(opens({ ipProtocol: '1', fromPort: 8, toPort: -1 }), /opens icmp type 8 to/);
    assert.match(opens({ ipProtocol: '50' }), /opens protocol 50 to/);
    assert.match(opens({ ipProtocol: '-1' }), /opens all traffic to/);
  });

  it('Config, Security Hub and GuardDuty member monitoring turned off are flagged', () => {
    const risk = (service: string, name: string, p: unknown) =>
      describeRequest(call(`${service}.amazonaws.com`, name, p)).risky;
    assert.equal(
      risk('config', 'DeleteConfigurationRecorder', { configurationRecorderName: 'default' }),
      'AWS Config recorder deleted (recording stopped)',
    );
    assert.equal(
      risk('config', 'DeleteConfigRule', { configRuleName: 'cloudtrail-enabled' }),
      'AWS Config rule deleted (a compliance check removed)',
    );
    assert.equal(risk('securityhub', 'DisableSecurityHub', {}), 'Security Hub disabled');
    assert.equal(
      risk('securityhub', 'BatchDisableStandards', { StandardsSubscriptionArns: ['arn:x'] }),
      'Security Hub standards disabled',
    );
    for (const name of ['DisassociateMembers', 'DeleteMembers', 'StopMonitoringMembers'])
      assert.equal(
        risk('guardduty', name, { detectorId: 'd', accountIds: ['999988887777'] }),
        'member accounts no longer monitored by GuardDuty',
        name,
      );
    const d = describeRequest(
      call('guardduty.amazonaws.com', 'StopMonitoringMembers', {
        detectorId: 'd',
        accountIds: ['999988887777'],
      }),
    );
    assert.equal(
      d.summary,
      'guardduty:StopMonitoringMembers — stops GuardDuty monitoring of member accounts 999988887777',
    );
  });

  it('event selectors: which management events stay logged, basic or advanced', () => {
    const summary = (p: Record<string, unknown>) =>
      describeRequest(
        call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 't', ...p }),
      )
        .summary.split(': ')
        .slice(1)
        .join(': ');
    const category = (c: string) => ({ field: 'eventCategory', equals: [c] });
    // Advanced selectors logging only S3 data events leave every management event out.
    assert.equal(
      summary({
        advancedEventSelectors: [
          {
            name: 'S3 only',
            fieldSelectors: [
              category('Data'),
              { field: 'resources.type', equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      }),
      '1 selector(s), management events EXCLUDED',
    );
    assert.equal(
      summary({
        advancedEventSelectors: [
          { fieldSelectors: [category('Management'), { field: 'readOnly', equals: ['true'] }] },
        ],
      }),
      '1 selector(s), management write events EXCLUDED (read-only)',
    );
    assert.equal(
      summary({ advancedEventSelectors: [{ fieldSelectors: [category('Management')] }] }),
      '1 selector(s)',
    );
    // One basic selector leaving management events out does not exclude those another logs.
    assert.equal(
      summary({
        eventSelectors: [
          { includeManagementEvents: false, dataResources: [{ type: 'AWS::S3::Object' }] },
          { includeManagementEvents: true, readWriteType: 'All' },
        ],
      }),
      '2 selector(s)',
    );
    assert.equal(
      summary({ eventSelectors: [{ readWriteType: 'WriteOnly' }] }),
      '1 selector(s), management read events EXCLUDED (write-only)',
    );
  });

  it('keys created and admin policies attached are flagged', () => {
    const key = describeRequest(call('iam.amazonaws.com', 'CreateAccessKey', { userName: 'bob' }));
    assert.equal(
      key.summary,
      'iam:CreateAccessKey — creates a long-term access key for IAM user bob',
    );
    assert.equal(key.risky, 'access key created (persistence)');
    const admin = describeRequest(
      call('iam.amazonaws.com', 'AttachUserPolicy', {
        userName: 'bob',
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    assert.equal(
      admin.summary,
      'iam:AttachUserPolicy — attaches AdministratorAccess to IAM user bob',
    );
    assert.equal(admin.risky, 'attaches the highly privileged AdministratorAccess policy');
    const readOnly = describeRequest(
      call('iam.amazonaws.com', 'AttachRolePolicy', {
        roleName: 'r',
        policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    assert.equal(readOnly.risky, 'policy attached (permissions changed)');
  });

  it('inline policies granting every action are flagged: "*:*", NotAction, a new default version', () => {
    const risk = (name: string, statement: unknown, extra: Record<string, unknown> = {}) =>
      describeRequest(
        call('iam.amazonaws.com', name, {
          userName: 'u',
          policyName: 'p',
          policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statement }),
          ...extra,
        }),
      ).risky;
    assert.equal(
      risk('PutUserPolicy', { Effect: 'Allow', Action: '*:*', Resource: '*' }),
      'inline policy grants * on * (full admin)',
    );
    assert.equal(
      risk('PutRolePolicy', [{ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: ['*'] }]),
      'inline policy grants every action but s3:DeleteBucket on * (near full admin)',
    );
    assert.equal(
      risk('PutUserPolicy', { Effect: 'Deny', NotAction: 'iam:ChangePassword', Resource: '*' }),
      'inline policy written (permissions changed)',
    );
    assert.equal(
      risk('PutUserPolicy', { Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      'inline policy written (permissions changed)',
    );
    assert.equal(
      risk(
        'CreatePolicyVersion',
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { policyArn: 'arn:aws:iam::1:policy/p', setAsDefault: true },
      ),
      'new default policy version grants * on * (full admin)',
    );
  });

  it('a trust policy names as trusted only the principals its Allow statements name', () => {
    // A common hardening: deny everyone outside the organization, allow one service.
    const policyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } },
        },
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const update = describeRequest(
      call('iam.amazonaws.com', 'UpdateAssumeRolePolicy', { roleName: 'r', policyDocument }),
    );
    assert.equal(update.risky, 'trust policy now lets ec2.amazonaws.com assume the role');
    const create = describeRequest(
      call('iam.amazonaws.com', 'CreateRole', {
        roleName: 'r',
        assumeRolePolicyDocument: policyDocument,
      }),
    );
    assert.equal(create.summary, 'iam:CreateRole — creates role r assumable by ec2.amazonaws.com');
  });

  it('a role made assumable from another account is flagged, naming the account', () => {
    const trust = (principal: unknown) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
      });
    const create = (principal: unknown, extra: Partial<CloudTrailRecord> = {}) =>
      describeRequest(
        call(
          'iam.amazonaws.com',
          'CreateRole',
          { roleName: 'r', assumeRolePolicyDocument: trust(principal) },
          { recipientAccountId: '111122223333', ...extra },
        ),
      ).risky;
    assert.equal(
      create({ AWS: 'arn:aws:iam::999988887777:root' }),
      'role assumable from another account (999988887777)',
    );
    assert.equal(
      create({ AWS: ['999988887777', 'arn:aws:iam::111122223333:role/ci'] }),
      'role assumable from another account (999988887777)',
    );
    assert.equal(create({ AWS: 'arn:aws:iam::111122223333:root' }), undefined);
    assert.equal(create({ Service: 'lambda.amazonaws.com' }), undefined);
    assert.equal(create('*'), 'role assumable by anyone ("*")');
    // The account is read from userIdentity when recipientAccountId is absent.
    assert.equal(
      create(
        { AWS: 'arn:aws:iam::999988887777:root' },
        {
          recipientAccountId: undefined,
          userIdentity: { type: 'IAMUser', accountId: '999988887777' },
        },
      ),
      undefined,
    );
    const update = describeRequest(
      call(
        'iam.amazonaws.com',
        'UpdateAssumeRolePolicy',
        { roleName: 'r', policyDocument: trust({ AWS: 'arn:aws:iam::999988887777:root' }) },
        { recipientAccountId: '111122223333' },
      ),
    );
    assert.equal(
      update.risky,
      'trust policy now lets arn:aws:iam::999988887777:root assume the role (another account: 999988887777)',
    );
  });

  it('data made public: bucket policy with Principal "*", snapshot shared with all', () => {
    const policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      ],
    });
    assert.match(
      describeRequest(
        call('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'b', bucketPolicy: policy }),
      ).risky ?? '',
      /made public/,
    );
    const scoped = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::1:root' },
          Action: 's3:GetObject',
          Resource: '*',
        },
      ],
    };
    assert.equal(
      describeRequest(
        call('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'b', bucketPolicy: scoped }),
      ).risky,
      'bucket policy changed',
    );
    const snap = describeRequest(
      call('ec2.amazonaws.com', 'ModifySnapshotAttribute', {
        snapshotId: 'snap-1',
        createVolumePermission: { add: { items: [{ group: 'all' }] } },
      }),
    );
    assert.equal(snap.risky, 'EBS snapshot made public');
    assert.equal(
      describeRequest(
        call('s3.amazonaws.com', 'PutBucketAcl', { bucketName: 'b', 'x-amz-acl': ['public-read'] }),
      ).risky,
      'ACL grants access to everyone: data made public',
    );
  });

  it('a grant to everyone is public however it is written: empty Condition, NotPrincipal', () => {
    const risk = (statement: unknown) =>
      describeRequest(
        call('s3.amazonaws.com', 'PutBucketPolicy', {
          bucketName: 'b',
          bucketPolicy: { Version: '2012-10-17', Statement: statement },
        }),
      ).risky;
    const publicRead = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    // A Condition with no test in it limits nothing.
    assert.match(risk({ ...publicRead, Principal: '*', Condition: {} }) ?? '', /made public/);
    assert.match(
      risk({ ...publicRead, Principal: { AWS: ['*'] }, Condition: { StringEquals: {} } }) ?? '',
      /made public/,
    );
    // Allow with NotPrincipal allows every principal but those named, anonymous ones included.
    assert.match(
      risk([{ ...publicRead, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }]) ?? '',
      /made public/,
    );
    // A condition that tests something still makes it a scoped grant.
    assert.equal(
      risk({
        ...publicRead,
        Principal: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
      }),
      'bucket policy changed',
    );
    assert.equal(
      risk({ ...publicRead, Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::1:root' } }),
      'bucket policy changed',
    );
  });

  it('an ACL granting any AWS account (authenticated-read, AuthenticatedUsers) is flagged', () => {
    const risk = (p: Record<string, unknown>) =>
      describeRequest(call('s3.amazonaws.com', 'PutBucketAcl', { bucketName: 'b', ...p })).risky;
    assert.match(risk({ 'x-amz-acl': ['authenticated-read'] }) ?? '', /any AWS account/);
    assert.match(
      risk({
        AccessControlPolicy: {
          AccessControlList: {
            Grant: {
              Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
              Permission: 'READ',
            },
          },
        },
      }) ?? '',
      /any AWS account/,
    );
    assert.match(risk({ 'x-amz-acl': ['public-read-write'] }) ?? '', /everyone/);
    assert.equal(risk({ 'x-amz-acl': ['bucket-owner-full-control'] }), undefined);
  });

  it('RDS cluster snapshots shared or made public are flagged like DB snapshots', () => {
    const share = (name: string, id: string, valuesToAdd: unknown) =>
      describeRequest(
        call('rds.amazonaws.com', name, { [id]: 'snap', attributeName: 'restore', valuesToAdd }),
      );
    const cluster = share('ModifyDBClusterSnapshotAttribute', 'dBClusterSnapshotIdentifier', [
      'all',
    ]);
    assert.equal(
      cluster.summary,
      'rds:ModifyDBClusterSnapshotAttribute — changes restore of cluster snapshot snap: adds all',
    );
    assert.equal(cluster.risky, 'DB cluster snapshot made public');
    assert.equal(
      share('ModifyDBClusterSnapshotAttribute', 'dBClusterSnapshotIdentifier', ['999988887777'])
        .risky,
      'DB cluster snapshot shared with another account (999988887777)',
    );
    assert.equal(
      share('ModifyDBSnapshotAttribute', 'dBSnapshotIdentifier', ['999988887777']).risky,
      'DB snapshot shared with another account (999988887777)',
    );
    assert.equal(share('ModifyDBSnapshotAttribute', 'dBSnapshotIdentifier', []).risky, undefined);
  });

  it('S3 events link the API operation they log (ListBucket → ListObjectsV2)', () => {
    const d = describeRequest(
      call('s3.amazonaws.com', 'ListBucket', { bucketName: 'b', prefix: 'logs/' }),
    );
    assert.equal(d.summary, 's3:ListBucket — lists objects in bucket b under logs/');
    assert.equal(
      d.apiReferenceUrl,
      'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html',
    );
  });

  it('Lambda event names with API versions map to the operation', () => {
    assert.equal(operationOf('UpdateFunctionCode20150331v2'), 'UpdateFunctionCode');
    const d = describeRequest(
      call('lambda.amazonaws.com', 'AddPermission20150331v2', {
        functionName: 'f',
        principal: '*',
        action: 'lambda:InvokeFunction',
      }),
    );
    assert.equal(d.summary, 'lambda:AddPermission20150331v2 — lets * lambda:InvokeFunction on f');
    assert.equal(d.risky, 'function invocable by anyone (backdoor)');
    assert.equal(
      d.apiReferenceUrl,
      'https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html',
    );
  });

  it('console sign-in reports outcome and MFA', () => {
    const d = describeRequest(
      call('signin.amazonaws.com', 'ConsoleLogin', null, {
        userIdentity: { type: 'Root' },
        responseElements: { ConsoleLogin: 'Success' },
        additionalEventData: { MFAUsed: 'No' },
      }),
    );
    assert.equal(d.summary, 'signin:ConsoleLogin — console sign-in: Success (MFA used: No)');
    assert.equal(d.risky, 'root console sign-in');
  });

  it('failed calls say so, and risk becomes "attempted"', () => {
    const d = describeRequest(
      call('cloudtrail.amazonaws.com', 'DeleteTrail', { name: 't' }, { errorCode: 'AccessDenied' }),
    );
    assert.equal(d.summary, 'cloudtrail:DeleteTrail — deletes trail t · failed: AccessDenied');
    assert.equal(d.risky, 'attempted: trail deleted (logging stopped)');
  });

  it('a long description is cut before the failure is said, so no view cuts that off', () => {
    const ipRanges = {
      items: Array.from({ length: 300 }, (_, i) => ({ cidrIp: `10.0.${i >> 8}.${i & 255}/32` })),
    };
    const d = describeRequest(
      call(
        'ec2.amazonaws.com',
        'AuthorizeSecurityGroupIngress',
        {
          groupId: 'sg-1',
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges }] },
        },
        { errorCode: 'Client.UnauthorizedOperation' },
      ),
    );
    assert.match(
      d.summary,
      /^ec2:AuthorizeSecurityGroupIngress — opens tcp\/22 to 10\.0\.0\.0\/32, /,
    );
    assert.match(d.summary, /· failed: Client\.UnauthorizedOperation$/);
    assert.ok(d.summary.length < 500, `${d.summary.length} characters`);
  });

  it('generic fallback lists parameters and links the API reference', () => {
    const d = describeRequest(
      call('dynamodb.amazonaws.com', 'DescribeTable', {
        tableName: 'orders',
        a: 1,
        b: true,
        c: [1, 2],
        d: 'x',
      }),
    );
    assert.equal(d.known, false);
    assert.equal(
      d.summary,
      'dynamodb:DescribeTable — tableName=orders, a=1, b=true, c=1, 2, +1 more',
    );
    assert.equal(
      d.apiReferenceUrl,
      'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html',
    );
    const unknown = describeRequest(call('newservice.amazonaws.com', 'DoThing', null));
    assert.equal(unknown.summary, 'newservice:DoThing — no request parameters');
    assert.match(
      unknown.apiReferenceUrl,
      /^https:\/\/docs\.aws\.amazon\.com\/search\/doc-search\.html\?.*newservice%20DoThing/,
    );
  });

  it('never throws on hostile shapes, and keeps values on one bounded line', () => {
    const shapes: unknown[] = [
      null,
      [],
      'text',
      42,
      { ipPermissions: 'x', groupId: { a: 1 } },
      { bucketPolicy: '{not json' },
      { instancesSet: { items: 'x' } },
    ];
    for (const spec of Object.entries(EVENT_CATALOG)) {
      for (const name of Object.keys(spec[1] ?? {})) {
        for (const p of shapes) {
          const d = describeRequest(call(`${spec[0]}.amazonaws.com`, name, p));
          assert.equal(typeof d.summary, 'string');
        }
      }
    }
    const long = describeRequest(
      call('iam.amazonaws.com', 'CreateUser', { userName: `a\nb${'x'.repeat(500)}` }),
    );
    assert.ok(!long.summary.includes('\n'));
    assert.ok(long.summary.length < 200);
  });

  it('line breaks and hidden characters are shown, not turned into spaces or left to act', () => {
    const known = describeRequest(
      call('iam.amazonaws.com', 'CreateAccessKey', { userName: 'bob\nWhy it matters: nothing' }),
    );
    assert.equal(known.keyParameters[0].value, 'bob⏎Why it matters: nothing');
    assert.match(known.summary, /IAM user bob⏎Why it matters: nothing/);
    const other = describeRequest(
      call('ex\u202eample.amazonaws.com', 'Do\nThing', { a: `b\r\nc${'😀'.repeat(80)}` }),
    );
    assert.equal(other.summary.split('—')[0], 'ex⟨U+202E⟩ample:Do⏎Thing ');
    assert.match(
      other.keyParameters[0].value,
      /^b⏎c😀+…$/u,
      'cut between characters, not inside one',
    );
  });
});

describeWithDatasets('describeRequest on real datasets', () => {
  const dir = dataset('stratus-red-team', 'docs', 'detonation-logs');
  const load = (name: string): CloudTrailRecord[] =>
    JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) as CloudTrailRecord[];

  it('stratus-red-team detonations: each technique is explained and flagged', () => {
    const expectations: [file: string, eventName: string, summary: RegExp, risky: RegExp][] = [
      [
        'aws.exfiltration.ec2-security-group-open-port-22-ingress.json',
        'AuthorizeSecurityGroupIngress',
        /opens tcp\/22 to \S+\/0 on sg-/,
        /whole internet/,
      ],
      [
        'aws.exfiltration.ec2-share-ebs-snapshot.json',
        'ModifySnapshotAttribute',
        /adds 098797384747/,
        /shared with another account/,
      ],
      [
        'aws.exfiltration.ec2-share-ami.json',
        'ModifyImageAttribute',
        /adds 846424999548/,
        /AMI shared/,
      ],
      [
        'aws.exfiltration.rds-share-snapshot.json',
        'ModifyDBSnapshotAttribute',
        /adds 503161813013/,
        /shared with another account/,
      ],
      [
        'aws.defense-evasion.cloudtrail-stop.json',
        'StopLogging',
        /stops logging on trail/,
        /logging stopped/,
      ],
      [
        'aws.defense-evasion.cloudtrail-delete.json',
        'DeleteTrail',
        /deletes trail/,
        /trail deleted/,
      ],
      [
        'aws.defense-evasion.cloudtrail-event-selectors.json',
        'PutEventSelectors',
        /management events EXCLUDED/,
        /selectors changed/,
      ],
      [
        'aws.defense-evasion.organizations-leave.json',
        'LeaveOrganization',
        /removes this account/,
        /left the organization/,
      ],
      [
        'aws.defense-evasion.vpc-remove-flow-logs.json',
        'DeleteFlowLogs',
        /deletes flow logs/,
        /flow logs deleted/,
      ],
      [
        'aws.defense-evasion.dns-delete-logs.json',
        'DeleteResolverQueryLogConfig',
        /DNS query logging/,
        /DNS query logging deleted/,
      ],
      [
        'aws.persistence.lambda-backdoor-function.json',
        'AddPermission20150331v2',
        /lets \* lambda:InvokeFunction/,
        /anyone/,
      ],
      [
        'aws.persistence.iam-create-admin-user.json',
        'AttachUserPolicy',
        /attaches AdministratorAccess/,
        /highly privileged/,
      ],
      [
        'aws.persistence.iam-backdoor-user.json',
        'CreateAccessKey',
        /creates a long-term access key/,
        /access key created/,
      ],
      [
        'aws.persistence.iam-create-backdoor-role.json',
        'CreateRole',
        /assumable by arn:aws:iam::193672423079:root/,
        /role assumable from another account \(193672423079\)/,
      ],
      [
        'aws.persistence.iam-create-user-login-profile.json',
        'CreateLoginProfile',
        /console password/,
        /persistence/,
      ],
      [
        'aws.persistence.sts-federation-token.json',
        'GetFederationToken',
        /federated user session/,
        /persistence/,
      ],
      [
        'aws.credential-access.secretsmanager-batch-retrieve-secrets.json',
        'BatchGetSecretValue',
        /reads secrets/,
        /credential access/,
      ],
      ['aws.execution.ssm-send-command.json', 'SendCommand', /runs \S+ on/, /commands executed/],
      [
        'aws.credential-access.ec2-get-password-data.json',
        'GetPasswordData',
        /Windows administrator password/,
        /credential access/,
      ],
    ];
    for (const [file, eventName, summary, risky] of expectations) {
      const record =
        load(file).find((r) => r.eventName === eventName && !r.errorCode) ??
        load(file).find((r) => r.eventName === eventName);
      assert.ok(record, `${file} has no ${eventName}`);
      const d = describeRequest(record);
      assert.match(d.summary, summary, `${file}: ${d.summary}`);
      assert.match(d.risky ?? '', risky, `${file}: ${d.risky}`);
    }
  });

  it('every record of every stratus file gets a summary without "undefined"', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const r of load(file)) {
        const d = describeRequest(r);
        assert.doesNotMatch(d.summary, /undefined|\[object Object\]/, `${file}: ${d.summary}`);
      }
    }
  });
});
