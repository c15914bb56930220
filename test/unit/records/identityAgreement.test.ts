// One identity, one name: the Principal column (CLI `principal`), the Principal facet, the detail
// pane's "Who" and pivots, and the origin all name the same principal, even for a record whose
// userIdentity fields disagree (which CloudTrail never writes: an edited or forged record).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { describeOrigin } from '../../../src/core/origin/resolve';
import { describeIdentity } from '../../../src/core/records/identity';
import type { CloudTrailRecord } from '../../../src/core/records/types';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { pivotsFor } from '../../../src/extension/timeline/detailModel';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';

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
