// One identity, one name: the Principal column (CLI `principal`), the Principal facet, the detail
// pane's "Who" and pivots, and the origin all name the same principal, even for a record whose
// userIdentity fields disagree (which CloudTrail never writes: an edited or forged record).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { describeOrigin } from '../../../src/core/origin/resolve';
import { describeIdentity, identityConflicts } from '../../../src/core/records/identity';
import type { CloudTrailRecord, UserIdentity } from '../../../src/core/records/types';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { detailFor, pivotsFor } from '../../../src/extension/timeline/detailModel';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { runCli } from '../../support/cli';
import { DATASETS_DIR, describeWithDatasets } from '../../support/datasets';

const event = (n: number, userIdentity: Record<string, unknown>): CloudTrailRecord => ({
  eventVersion: '1.08',
  userIdentity,
  eventTime: `2024-05-14T10:0${n}:00Z`,
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.5',
  requestID: `R${n}`,
  eventID: `00000000-0000-4000-8000-00000000000${n}`,
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
});

/** userName says alice, the ARN says ceo. */
const FORGED_USER = event(1, {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEEXAMPLE01',
  arn: 'arn:aws:iam::111122223333:user/ceo',
  accountId: '111122223333',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
  userName: 'alice',
});

/** The session issuer's userName says Admin, its ARN and the session ARN say ReadOnly. */
const FORGED_ROLE = event(2, {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEEXAMPLE02:bob',
  arn: 'arn:aws:sts::111122223333:assumed-role/ReadOnly/bob',
  accountId: '111122223333',
  accessKeyId: 'ASIAEXAMPLEEXAMPLE02',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEEXAMPLE02',
      arn: 'arn:aws:iam::111122223333:role/ReadOnly',
      accountId: '111122223333',
      userName: 'Admin',
    },
    attributes: { creationDate: '2024-05-14T09:00:00Z', mfaAuthenticated: 'false' },
  },
});

describe('one name for one identity, whatever the record says twice', () => {
  let dir: string;
  let index: EventIndex;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-identity-'));
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify({ Records: [FORGED_USER, FORGED_ROLE] }),
    );
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [what, record, name, who] of [
    ['an IAM user', FORGED_USER, 'ceo', 'IAM user ceo'],
    ['a role session', FORGED_ROLE, 'ReadOnly/bob', 'Assumed role ReadOnly (session bob)'],
  ] as const)
    it(`names ${what} by its ARN in the column, the facet, Who, the pivots and the origin`, async () => {
      const row = (await index.query({ kind: 'all' }, { order: 'asc' })).rows.find(
        (r) => index.summary(r).eventID === record.eventID,
      )!;
      assert.equal(index.summary(row).principal, name, 'Principal column / CLI principal');
      const data = new IndexTimelineData(index);
      const facet = data.facet(await data.query('', null, 'asc'), 'principal', 20);
      const value = facet.values.find((v) => v.value === record.userIdentity!.arn);
      assert.equal(value?.label, name, 'Principal facet');
      assert.ok(describeIdentity(record.userIdentity, record).summary.startsWith(who), 'Who');
      const origin = index.originOf(row);
      assert.equal(origin.name, name, 'origin name (CLI --annotate, origin:)');
      assert.ok(describeOrigin(origin).includes(name), 'Origin');
      const pivot = pivotsFor(record)[0];
      assert.match(pivot.label, new RegExp(`: ${name.split('/')[0]}$`), 'pivot');
    });
});

describe('identityConflicts: a userIdentity that contradicts itself', () => {
  const user = FORGED_USER.userIdentity!;
  const session = FORGED_ROLE.userIdentity!;
  const issuer = session.sessionContext!.sessionIssuer!;
  /** The fields as the index gives them: the session issuer's flattened. */
  const fields = (id: UserIdentity | Record<string, unknown>) => {
    const issuerOf = (id.sessionContext as UserIdentity['sessionContext'])?.sessionIssuer;
    return { ...id, issuerUserName: issuerOf?.userName, issuerArn: issuerOf?.arn };
  };
  const consistentRole = {
    ...session,
    sessionContext: { sessionIssuer: { ...issuer, userName: 'ReadOnly' } },
  };

  it('finds nothing in the identities of the CloudTrail User Guide', () => {
    for (const id of [
      {
        type: 'IAMUser',
        principalId: 'AIDAJ45Q7YFFAREXAMPLE',
        arn: 'arn:aws:iam::123456789012:user/Alice',
        accountId: '123456789012',
        accessKeyId: '',
        userName: 'Alice',
      },
      {
        type: 'IAMUser',
        principalId: 'AIDAJ45Q7YFFAREXAMPLE',
        arn: 'arn:aws:iam::123456789012:user/division/Alice',
        accountId: '123456789012',
        userName: 'alice',
      },
      {
        type: 'Root',
        principalId: '123456789012',
        arn: 'arn:aws:iam::123456789012:root',
        accountId: '123456789012',
        accessKeyId: 'ASIAEXAMPLE',
      },
      {
        type: 'FederatedUser',
        principalId: '123456789012:Bob',
        arn: 'arn:aws:sts::123456789012:federated-user/Bob',
        accountId: '123456789012',
        accessKeyId: 'ASIAEXAMPLE',
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            arn: 'arn:aws:iam::123456789012:user/Alice',
            userName: 'Alice',
          },
        },
      },
      {
        type: 'AssumedRole',
        // The Guide's example writes two placeholders for the one session name
        // (AROA…:AssumedRoleSessionName, …/MySessionName); real logs write the same name twice.
        principalId: 'AROAIDPPEZS35WEXAMPLE:MySessionName',
        arn: 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName',
        accountId: '123456789012',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::123456789012:role/RoleToBeAssumed',
            userName: 'RoleToBeAssumed',
          },
        },
      },
      {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:ops',
        arn: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForSupport/ops',
        accountId: '123456789012',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::123456789012:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport',
            userName: 'AWSServiceRoleForSupport',
          },
        },
      },
      { type: 'IAMUser', accountId: '123456789012', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
      // Types are log content: none reaches Object.prototype.
      { type: 'constructor', arn: 'arn:aws:iam::1:user/x' },
      { type: '__proto__', arn: 'arn:aws:iam::1:user/x' },
      { type: 'toString', arn: 'arn:aws:iam::1:user/x' },
      consistentRole,
    ])
      assert.deepEqual(identityConflicts(fields(id)), [], JSON.stringify(id));
  });

  it('says what disagrees, naming both values', () => {
    assert.deepEqual(identityConflicts(fields(user)), [
      'userName is alice, but the ARN names user ceo',
    ]);
    assert.deepEqual(identityConflicts(fields(session)), [
      'sessionIssuer.userName is Admin, but the ARN names role ReadOnly',
    ]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { ...user, userName: 'ceo', accountId: '444455556666' },
        /^accountId is 444455556666, but the ARN is in account 111122223333$/,
      ],
      [
        { ...user, userName: undefined, type: 'AssumedRole' },
        /^type is AssumedRole, but the ARN .*user\/ceo is not of the form assumed-role\/…/,
      ],
      [
        { ...user, userName: undefined, type: 'Root' },
        /^type is Root, but the ARN .* is not of the form root$/,
      ],
      [
        { ...consistentRole, principalId: 'AROAEXAMPLE:alice' },
        /^principalId names session alice, but the ARN names session bob$/,
      ],
      [
        { ...consistentRole, accessKeyId: 'AKIAEXAMPLEEXAMPLE02' },
        /long-term key AKIAEXAMPLEEXAMPLE02/,
      ],
      [
        {
          ...consistentRole,
          sessionContext: {
            sessionIssuer: {
              ...issuer,
              userName: undefined,
              arn: 'arn:aws:iam::444455556666:role/Admin',
            },
          },
        },
        /sessionIssuer\.arn names role Admin, but the ARN names role ReadOnly; sessionIssuer\.arn is in account 444455556666, but the ARN is in account 111122223333/,
      ],
      [
        {
          type: 'FederatedUser',
          principalId: '1:mallory',
          arn: 'arn:aws:sts::1:federated-user/Bob',
        },
        /^principalId names mallory, but the ARN names federated user Bob$/,
      ],
    ];
    for (const [id, expected] of cases)
      assert.match(identityConflicts(fields(id)).join('; '), expected);
  });

  it('is said where the investigator looks: Who (lens title, hover, report) and the detail pane', () => {
    const who = describeIdentity(FORGED_USER.userIdentity, FORGED_USER);
    assert.deepEqual(who.conflicts, ['userName is alice, but the ARN names user ceo']);
    assert.match(
      who.summary,
      /^IAM user ceo · the record contradicts itself: userName is alice, but the ARN names user ceo/,
    );
    // In the pane's warnings, shown first (above the detections and the origin that read it).
    const pane = detailFor(1, JSON.stringify(FORGED_USER), 0);
    const line = pane.warnings?.find((e) => e.label === 'Contradictory identity');
    assert.ok(line, JSON.stringify(pane.warnings));
    assert.match(line.text, /userName is alice, but the ARN names user ceo/);
    assert.ok(!pane.explanations.some((e) => e.label === 'Contradictory identity'));
    const honest = {
      ...FORGED_USER,
      userIdentity: { ...FORGED_USER.userIdentity, userName: 'ceo' },
    };
    assert.equal(describeIdentity(honest.userIdentity, honest).conflicts.length, 0);
    assert.ok(
      !(detailFor(1, JSON.stringify(honest), 0).warnings ?? []).some(
        (e) => e.label === 'Contradictory identity',
      ),
    );
  });
});

describeWithDatasets('identityConflicts over every record of the real datasets', function () {
  this.timeout(120_000);
  it('flags no real log; only hand-written rule-test events of panther-analysis', async () => {
    const runner = new InlineRunner();
    const index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(DATASETS_DIR))).events);
    const rows = (await index.query({ kind: 'all' }, { order: 'asc' })).rows;
    const texts = await index.rawRecords(rows);
    const flagged = new Map<string, number>();
    rows.forEach((row, i) => {
      const record = JSON.parse(texts[i]) as CloudTrailRecord;
      if (describeIdentity(record.userIdentity, record).conflicts.length === 0) return;
      const file = index.files[index.store.fileOf[row]].key;
      flagged.set(file, (flagged.get(file) ?? 0) + 1);
    });
    // Panther's test events are written by hand for its rules' unit tests (names and ids
    // edited independently: "sessionIssuer.userName": "AdminRole" on a session of
    // "sample-role-dreamy-yonath", an AssumedRole signed with an AKIA key): CloudTrail wrote none of them.
    assert.deepEqual([...flagged], [['panther-analysis/cloudtrail-test-events.jsonl', 53]]);
  });
});

describe('cli query: events whose userIdentity contradicts itself', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-identity-cli-'));
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify({
        Records: [
          FORGED_USER,
          FORGED_ROLE,
          {
            ...FORGED_USER,
            eventID: 'e-honest',
            eventTime: '2024-05-14T10:09:00Z',
            userIdentity: { ...FORGED_USER.userIdentity, userName: 'ceo' },
          },
        ],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are named on stderr, per file, with what disagrees; the output names the ARN', async () => {
    const run = await runCli([
      'query',
      dir,
      '--no-cache',
      '--format',
      'csv',
      '--fields',
      'principal,principalArn,origin',
    ]);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(run.out.trim().split(/\r?\n/), [
      'principal,principalArn,origin',
      'ceo,arn:aws:iam::111122223333:user/ceo,arn:aws:iam::111122223333:user/ceo',
      'ReadOnly/bob,arn:aws:sts::111122223333:assumed-role/ReadOnly/bob,arn:aws:sts::111122223333:assumed-role/ReadOnly/bob',
      'ceo,arn:aws:iam::111122223333:user/ceo,arn:aws:iam::111122223333:user/ceo',
    ]);
    const lines = run.err.split('\n').filter((l) => l.includes('contradicts itself'));
    assert.equal(lines.length, 1, run.err);
    assert.match(
      lines[0],
      /^warning: .*events\.json: 2 events whose userIdentity contradicts itself.*eventID 00000000-0000-4000-8000-000000000001: userName is alice, but the ARN names user ceo\)/,
    );
    // detect names them too, among the events its rules hit.
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'list.yml'),
      'title: Buckets listed\nid: 0f0e0d0c-0b0a-4908-8706-050403020100\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    selection:\n        eventName: ListBuckets\n    condition: selection\nlevel: low\n',
    );
    const detect = await runCli([
      'detect',
      join(dir, 'events.json'),
      '--no-cache',
      '--no-builtin',
      '--rules',
      rules,
    ]);
    assert.equal(detect.code, 1, detect.err);
    assert.match(
      detect.err,
      /^warning: .*events\.json: 2 events whose userIdentity contradicts itself/m,
    );
    // Only the events shown are counted.
    const one = await runCli(['query', dir, '--no-cache', '--filter', 'id:e-honest']);
    assert.doesNotMatch(one.err, /contradicts/);
  });
});
