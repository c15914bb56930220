// Who acted, as the Principal column, the Principal facet and `principal:` read it, for every
// identity type of the CloudTrail userIdentity reference: anonymous callers say so (never
// "AWS account"), an IAM Identity Center user is named by the user, an Insights event by its kind.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { principalDisplayName } from '../../../src/core/index/principal';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { IndexTimelineData } from '../../../src/extension/timeline/indexAdapter';
import { SHAPE_RECORDS } from '../../fixtures/shapes';

describe('principalDisplayName', () => {
  const cases: [string, Parameters<typeof principalDisplayName>[0], string][] = [
    [
      'anonymous (as CloudTrail writes it)',
      { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' },
      'anonymous',
    ],
    [
      'anonymous (older spelling)',
      { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
      'anonymous',
    ],
    [
      'another account with a principal',
      { type: 'AWSAccount', principalId: 'AIDAJ45Q7YFFAREXAMPLE', accountId: '123456789012' },
      'AIDAJ45Q7YFFAREXAMPLE',
    ],
    [
      'another account without one',
      { type: 'AWSAccount', accountId: '444455556666' },
      'account 444455556666',
    ],
    [
      'AWS service',
      { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
      'cloudtrail.amazonaws.com',
    ],
    ['AWS service not named', { type: 'AWSService' }, 'AWS service'],
    [
      'IAM Identity Center user',
      {
        type: 'IdentityCenterUser',
        accountId: '1',
        onBehalfOfUserId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      },
      '544894e8-80c1-707f-60e3-3ba6510dfac1',
    ],
    ['Unknown with a name', { type: 'Unknown', userName: 'carol', principalId: 'p-1' }, 'carol'],
    [
      'SAML user',
      { type: 'SAMLUser', userName: 'SamlExample', principalId: 'x:SamlExample' },
      'SamlExample',
    ],
    ['web identity user', { type: 'WebIdentityUser', userName: 'user-id' }, 'user-id'],
    ['directory user', { type: 'Directory', userName: 'dave' }, 'dave'],
    [
      'Insights event',
      { insightType: 'ApiCallRateInsight', insightState: 'End' },
      'CloudTrail Insights: ApiCallRateInsight (End)',
    ],
    [
      'assumed role session',
      {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::1:assumed-role/Admin/alice',
        issuerUserName: 'Admin',
      },
      'Admin/alice',
    ],
  ];
  for (const [what, fields, shown] of cases)
    it(what, () => assert.equal(principalDisplayName(fields), shown));
});

describe('principals in the index: column, facet and principal:anonymous', function () {
  let dir: string;
  let index: EventIndex;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-principal-'));
    writeFileSync(join(dir, 'events.json'), JSON.stringify({ Records: SHAPE_RECORDS }));
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    await loadEventFiles(index, runner, (await discover(new FolderSource(dir))).events);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the anonymous callers with principal:anonymous, and only them', async () => {
    const rows = (await index.query(parseQuery('principal:anonymous'))).rows;
    assert.deepEqual(
      Array.from(rows, (r) => index.summary(r).principal),
      ['anonymous'],
    );
    assert.equal(
      (await index.query(parseQuery('-principal:anonymous'))).rows.length,
      SHAPE_RECORDS.length - 1,
    );
  });

  it('shows anonymous callers and Identity Center users in the Principal facet, each with the filter that selects it', async () => {
    const data = new IndexTimelineData(index);
    const result = await data.query('', null, 'asc');
    const facet = data.facet(result, 'principal', 20);
    const byLabel = new Map(facet.values.map((v) => [v.label, v]));
    assert.deepEqual(byLabel.get('anonymous'), {
      value: 'anonymous',
      label: 'anonymous',
      count: 1,
      field: 'principal',
    });
    assert.deepEqual(byLabel.get('544894e8-80c1-707f-60e3-3ba6510dfac1 (Identity Center user)'), {
      value: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      label: '544894e8-80c1-707f-60e3-3ba6510dfac1 (Identity Center user)',
      count: 1,
      field: 'userIdentity.onBehalfOf.userId',
    });
    assert.deepEqual(byLabel.get('Admin/alice@example.com'), {
      value: 'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com',
      label: 'Admin/alice@example.com',
      count: 1,
    });
    // Each value's click selects exactly its count.
    for (const v of facet.values) {
      const filter = `${v.field ?? facet.field}:"${v.value}"`;
      assert.equal((await data.query(filter, null, 'asc')).size, v.count, filter);
    }
  });

  it("means by principal: the caller the facet counts: principal:<ARN> selects the facet value's events, principal:<ID> still works", async () => {
    const data = new IndexTimelineData(index);
    const facet = data.facet(await data.query('', null, 'asc'), 'principal', 20);
    const arns = facet.values.filter((v) => v.field === undefined);
    assert.ok(arns.length > 0);
    for (const v of arns)
      assert.equal(
        (await data.query(`principal:"${v.value}"`, null, 'asc')).size,
        v.count,
        v.value,
      );
    const alice = (await index.query(parseQuery('principal:"AROAEXAMPLEADMIN:alice@example.com"')))
      .rows;
    assert.deepEqual(
      Array.from(alice, (r) => index.summary(r).principal),
      ['Admin/alice@example.com'],
    );
  });
});
