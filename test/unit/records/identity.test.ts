import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describeIdentity } from '../../../src/core/records/identity';
import type { CloudTrailRecord, UserIdentity } from '../../../src/core/records/types';
import { dataset, describeWithDatasets } from '../../support/datasets';

// Hand-made identities for every type, shaped like the examples of the CloudTrail User Guide
// ("CloudTrail userIdentity element"), including the types the public datasets lack.
const ROOT: UserIdentity = {
  type: 'Root',
  principalId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accountId: '111122223333',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
};
const ASSUMED: UserIdentity = {
  type: 'AssumedRole',
  principalId: 'AROAIDPPEZS35WEXAMPLE:alice-9f2c',
  arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice-9f2c',
  accountId: '111122223333',
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAIDPPEZS35WEXAMPLE',
      arn: 'arn:aws:iam::111122223333:role/Admin',
      accountId: '111122223333',
      userName: 'Admin',
    },
    attributes: { creationDate: '2024-05-14T10:00:00Z', mfaAuthenticated: 'false' },
    sourceIdentity: 'alice',
  },
};

describe('describeIdentity', () => {
  it('root: names the account and is high risk', () => {
    const d = describeIdentity(ROOT);
    assert.equal(
      d.summary,
      'Root user of 111122223333 — high risk · long-term key AKIAIOSFODNN7EXAMPLE',
    );
    assert.equal(d.risk, 'high');
    assert.equal(d.arn, 'arn:aws:iam::111122223333:root');
    assert.equal(d.accessKeyKind, 'long-term');
  });

  it('assumed role: role, session, source identity, MFA and console', () => {
    const d = describeIdentity(ASSUMED, { sessionCredentialFromConsole: 'true' });
    assert.equal(
      d.summary,
      'Assumed role Admin (session alice-9f2c) · source identity alice · MFA: no · via console',
    );
    assert.equal(d.issuerArn, 'arn:aws:iam::111122223333:role/Admin');
    assert.equal(d.arn, 'arn:aws:sts::111122223333:assumed-role/Admin/alice-9f2c');
    assert.equal(d.accessKeyKind, 'temporary');
    assert.equal(d.mfa, false);
    assert.equal(d.risk, undefined);
    assert.deepEqual(
      d.facts.find((f) => f.label === 'Session created'),
      { label: 'Session created', value: '2024-05-14T10:00:00Z' },
    );
  });

  it('assumed role from another account says so', () => {
    const d = describeIdentity(ASSUMED, { recipientAccountId: '999988887777' });
    assert.match(d.summary, /· from account 111122223333/);
  });

  it('assumed role of an IAM Identity Center permission set names the user and the set', () => {
    const d = describeIdentity({
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice@example.com',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
        },
      },
    });
    assert.equal(
      d.summary,
      'IAM Identity Center user alice@example.com with permission set AdministratorAccess',
    );
  });

  it('assumed role on an EC2 instance notes the instance and IMDS version', () => {
    const d = describeIdentity({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/web-role/i-0123456789abcdef0',
      sessionContext: {
        sessionIssuer: { type: 'Role', userName: 'web-role' },
        ec2RoleDelivery: '2.0',
      },
    });
    assert.equal(
      d.summary,
      'Assumed role web-role (session i-0123456789abcdef0) on EC2 instance i-0123456789abcdef0',
    );
    assert.deepEqual(
      d.facts.find((f) => f.label === 'EC2 instance metadata version')?.value,
      'IMDSv2 (2.0)',
    );
  });

  it('sts:AssumeRoot sessions are high risk', () => {
    const d = describeIdentity({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/root/sess',
      sessionContext: { assumedRoot: 'true' },
    });
    assert.equal(d.risk, 'high');
    assert.match(d.summary, /^Root session \(sess\) obtained with sts:AssumeRoot/);
  });

  it('IAM user signing in to the console without MFA is medium risk', () => {
    const d = describeIdentity(
      {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: 'arn:aws:iam::111122223333:user/bob',
        accountId: '111122223333',
        userName: 'bob',
      },
      { eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' } },
    );
    assert.equal(d.summary, 'IAM user bob · MFA: no · via console');
    assert.equal(d.risk, 'medium');
  });

  it('IAM user with temporary keys from GetSessionToken', () => {
    const d = describeIdentity({
      type: 'IAMUser',
      userName: 'bob',
      accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
    });
    assert.equal(d.summary, 'IAM user bob · temporary key (sts:GetSessionToken)');
    assert.equal(d.risk, undefined);
  });

  it('federated user names the issuing IAM user', () => {
    const d = describeIdentity({
      type: 'FederatedUser',
      principalId: '111122223333:bob-fed',
      arn: 'arn:aws:sts::111122223333:federated-user/bob-fed',
      sessionContext: {
        sessionIssuer: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/bob',
          userName: 'bob',
        },
      },
    });
    assert.equal(
      d.summary,
      'Federated user bob-fed (sts:GetFederationToken) issued by IAM user bob',
    );
  });

  it('another AWS account; the same account is not cross-account', () => {
    const other = describeIdentity(
      { type: 'AWSAccount', accountId: '444455556666', principalId: 'AROAEXAMPLE:x' },
      { recipientAccountId: '111122223333' },
    );
    assert.equal(other.summary, 'Another AWS account 444455556666 (principal AROAEXAMPLE:x)');
    assert.equal(
      other.riskReason,
      'Cross-account access: the caller belongs to a different account.',
    );
    // The userIdentity guide's own example: AWSAccount with the account that received the event.
    const same = describeIdentity(
      { type: 'AWSAccount', principalId: 'AIDAJ45Q7YFFAREXAMPLE', accountId: '123456789012' },
      { recipientAccountId: '123456789012' },
    );
    assert.equal(same.summary, 'AWS account 123456789012 (principal AIDAJ45Q7YFFAREXAMPLE)');
    assert.equal(same.risk, undefined);
  });

  it('an anonymous caller is an unauthenticated request, of high interest, never "another AWS account"', () => {
    // As CloudTrail writes it (anonymous S3 reads in real logs).
    for (const identity of [
      { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' },
      { type: 'AWSAccount', accountId: 'anonymous', principalId: '' },
    ]) {
      const anon = describeIdentity(identity, { recipientAccountId: '653711331788' });
      assert.equal(
        anon.summary,
        'Anonymous caller: an unauthenticated request with no AWS credentials',
      );
      assert.equal(anon.risk, 'high');
      assert.match(anon.riskReason!, /^Anyone on the internet can make this request/);
      assert.doesNotMatch(JSON.stringify(anon), /cross-account|Another AWS account/i);
    }
  });

  it('AWS service acting for the account is low risk, named or not', () => {
    const d = describeIdentity({ type: 'AWSService', invokedBy: 'ec2.amazonaws.com' });
    assert.equal(d.summary, 'AWS service ec2.amazonaws.com on behalf of the account');
    assert.equal(d.risk, 'low');
    assert.equal(
      describeIdentity({ type: 'AWSService' }).summary,
      'An AWS service (the record does not name it) on behalf of the account',
    );
  });

  it('reads the compact creationDate of old records as a time', () => {
    const d = describeIdentity({
      ...ASSUMED,
      sessionContext: {
        ...ASSUMED.sessionContext,
        attributes: { mfaAuthenticated: 'false', creationDate: '20131102T010628Z' },
      },
    });
    assert.equal(d.facts.find((f) => f.label === 'Session created')?.value, '2013-11-02T01:06:28Z');
  });

  it('IAM Identity Center user with onBehalfOf and credentialId', () => {
    const d = describeIdentity({
      type: 'IdentityCenterUser',
      accountId: '123456789012',
      onBehalfOf: {
        userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
        identityStoreArn: 'arn:aws:identitystore::123456789012:identitystore/d-9067642ac7',
      },
      credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    });
    assert.equal(d.summary, 'IAM Identity Center user 544894e8-80c1-707f-60e3-3ba6510dfac1');
    assert.equal(
      d.facts.find((f) => f.label === 'Credential ID')?.value,
      'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    );
    assert.equal(
      d.facts.find((f) => f.label === 'Identity store')?.value,
      'arn:aws:identitystore::123456789012:identitystore/d-9067642ac7',
    );
  });

  it('identity-enhanced role session says on whose behalf', () => {
    const d = describeIdentity({
      ...ASSUMED,
      onBehalfOf: { userId: 'user-123' },
      sessionContext: { sessionIssuer: ASSUMED.sessionContext?.sessionIssuer },
    });
    assert.match(d.summary, /· on behalf of Identity Center user user-123/);
  });

  it('SAML and web identity users name their provider', () => {
    assert.equal(
      describeIdentity({
        type: 'SAMLUser',
        principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample',
        userName: 'SamlExample',
        identityProvider: 'bdGOnTesti4+ExamplexL/jEvs=',
      }).summary,
      'SAML federated user SamlExample via bdGOnTesti4+ExamplexL/jEvs=',
    );
    assert.equal(
      describeIdentity({
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:app.apps.googleusercontent.com:user-id',
        userName: 'user-id',
        identityProvider: 'accounts.google.com',
      }).summary,
      'Web identity user user-id via accounts.google.com',
    );
  });

  it('Unknown: an identity type CloudTrail could not determine, named or not (not an anonymous caller)', () => {
    const named = describeIdentity({ type: 'Unknown', principalId: 'p-1', userName: 'carol' });
    assert.equal(
      named.summary,
      'Principal carol of unknown type (CloudTrail could not determine the identity type)',
    );
    assert.equal(named.risk, 'medium');
    assert.equal(
      describeIdentity({ type: 'Unknown' }).summary,
      'Identity of unknown type (CloudTrail could not determine it)',
    );
  });

  it('Directory users and unrecognised types still get a line', () => {
    assert.equal(
      describeIdentity({ type: 'Directory', userName: 'dave' }).summary,
      'Directory user dave (a request to a directory service such as Amazon WorkDocs or Quick; the identity type is not known)',
    );
    assert.equal(
      describeIdentity({ type: 'SomethingNew', arn: 'arn:aws:iam::1:x/y' }).summary,
      'Principal of type SomethingNew arn:aws:iam::1:x/y',
    );
  });

  it('one line each: a name with a line break forges no fact line, and hidden characters are marked', () => {
    const who = describeIdentity({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice\nMFA: yes',
      userName: 'alice\u200b\r\nMFA: yes',
      accountId: '111122223333',
      principalId: 'AIDA\u202eX',
    });
    assert.equal(who.summary, 'IAM user alice⟨U+200B⟩⏎MFA: yes');
    for (const f of who.facts) assert.doesNotMatch(f.value, /[\r\n]/, f.label);
    assert.equal(
      who.facts.find((f) => f.label === 'ARN')?.value,
      'arn:aws:iam::111122223333:user/alice⏎MFA: yes',
    );
    assert.equal(who.facts.find((f) => f.label === 'Principal ID')?.value, 'AIDA⟨U+202E⟩X');
    assert.equal(
      who.arn,
      'arn:aws:iam::111122223333:user/alice\nMFA: yes',
      'the ARN itself as stored',
    );
  });

  it('missing or malformed identity never throws', () => {
    assert.match(describeIdentity(undefined).summary, /^No userIdentity/);
    assert.match(describeIdentity(null).summary, /^No userIdentity/);
    assert.match(describeIdentity([] as unknown as UserIdentity).summary, /^No userIdentity/);
    const weird = describeIdentity({
      type: 'AssumedRole',
      arn: 42,
      sessionContext: 'x',
      accessKeyId: {},
    } as unknown as UserIdentity);
    assert.equal(typeof weird.summary, 'string');
  });
});

function readRecords(path: string): CloudTrailRecord[] {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.jsonl'))
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as CloudTrailRecord);
  const parsed = JSON.parse(text) as CloudTrailRecord[] | { Records: CloudTrailRecord[] };
  return Array.isArray(parsed) ? parsed : parsed.Records;
}

describeWithDatasets('describeIdentity on real datasets', () => {
  it('panther-analysis: every identity type gets its own plain-words line', () => {
    const records = readRecords(dataset('panther-analysis', 'cloudtrail-test-events.jsonl')).filter(
      (r) => r.eventVersion,
    );
    const expected: Record<string, RegExp> = {
      Root: /^Root user of \S+ — high risk/,
      IAMUser: /^IAM user \S+/,
      AssumedRole:
        /^(Assumed role \S+|IAM Identity Center user .+ with permission set \S+|Root session)/,
      FederatedUser: /^Federated user \S+ \(sts:GetFederationToken\)/,
      AWSAccount: /^((Another )?AWS account \S+|Anonymous caller: an unauthenticated request)/,
      AWSService: /^AWS service \S+\.amazonaws\.com on behalf of the account$/,
      Unknown: /^(Principal .+ of unknown type|Identity of unknown type)/,
    };
    const seen = new Set<string>();
    for (const r of records) {
      const type = r.userIdentity?.type;
      const d = describeIdentity(r.userIdentity, r);
      assert.doesNotMatch(d.summary, /undefined|null|\[object/, `${d.summary}`);
      if (typeof type === 'string' && expected[type]) {
        assert.match(d.summary, expected[type], `${type}: ${d.summary}`);
        seen.add(type);
      }
    }
    assert.deepEqual([...seen].sort(), Object.keys(expected).sort());
  });

  it('stratus-red-team console login without MFA', () => {
    const [r] = readRecords(
      dataset(
        'stratus-red-team',
        'docs',
        'detonation-logs',
        'aws.initial-access.console-login-without-mfa.json',
      ),
    );
    const d = describeIdentity(r.userIdentity, r);
    assert.equal(d.summary, 'IAM user stratus-red-team-nmfalu-jfzdtsvchl · MFA: no · via console');
    assert.equal(d.risk, 'medium');
  });

  it('pwnedlabs breach: the leaked long-term key and the AdminRole session', () => {
    const records = readRecords(
      dataset(
        'pwnedlabs-breach-in-the-cloud',
        'INCIDENT-3252',
        '107513503799_CloudTrail_us-east-1_20230826T2120Z_UCUhsJa0zoFY3ZO0.json',
      ),
    );
    const admin = records.find((r) => r.userIdentity?.type === 'AssumedRole');
    assert.ok(admin);
    assert.equal(
      describeIdentity(admin.userIdentity, admin).summary,
      'Assumed role AdminRole (session MySession) · MFA: no',
    );
  });
});
