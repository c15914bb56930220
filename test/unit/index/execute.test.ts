// Query execution over the index agrees with the reference semantics (matchesRecord) on every
// event of a generated bucket plus records built to defeat the columns (odd types, key case,
// non-canonical times, arrays where scalars belong).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { WorkerPool } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { generateBucket } from '../../../src/core/synthetic/generator';

const ODD_RECORDS: unknown[] = [
  {
    eventTime: '2024-05-14T00:01:00.123Z',
    eventName: 'WithMillis',
    eventSource: 'ec2.amazonaws.com',
    readOnly: 'true',
  },
  { eventTime: '2024-05-14T02:01:00+02:00', eventName: 'WithOffset', errorCode: 403 },
  { eventTime: null, eventName: 'NoTime', userIdentity: null },
  {
    eventTime: 12345,
    eventName: ['ArrayName', 'RunInstances'],
    awsRegion: { nested: 'us-east-1' },
  },
  {
    EventTime: '2024-05-14T00:02:00Z',
    EventName: 'RunInstances',
    eventSource: 'ec2.amazonaws.com',
  },
  {
    eventTime: '2024-05-14T00:03:00Z',
    eventName: 'Resources',
    resources: { ARN: 'arn:aws:s3:::prod-data-111122223333' },
  },
  {
    eventTime: '2024-05-14T00:04:00Z',
    eventName: 'Resources2',
    resources: [{ ARN: ['arn:aws:kms:a', 'arn:aws:kms:b'] }, 'x'],
  },
  {
    eventTime: '2024-05-14T00:05:00Z',
    eventName: 'Nulls',
    errorCode: null,
    sourceIPAddress: null,
    userIdentity: { type: 'IAMUser', userName: null, sessionContext: 'broken' },
  },
  {
    eventTime: '2024-05-14T00:06:00Z',
    eventName: 'Unicode Straße',
    userAgent: 'curl/8 \u001b[31mred',
    sourceIPAddress: '2001:db8::1',
  },
  {
    eventTime: '2024-02-30T00:00:00Z',
    eventName: 'BadDay',
    eventID: 'ABCDEF01-2345-4789-8abc-def012345678',
  },
];

const QUERIES = [
  '',
  'eventName:RunInstances',
  'event:runinstances',
  'eventName:Describe*',
  'eventName:*Instances AND awsRegion:us-east-1',
  'source:s3.amazonaws.com AND errorCode:AccessDenied AND region:us-west-2',
  'service:kms OR service:secretsmanager',
  'error:*',
  'NOT error:*',
  'errorCode:403',
  'user:alice',
  'user:carol@example.com',
  'role:DeployRole',
  'type:AssumedRole AND NOT readonly:true',
  'type:Root OR type:FederatedUser OR type:AWSService',
  'readOnly:true',
  'readOnly:false AND category:Data',
  'managementEvent:false',
  'ip:198.51.100.*',
  'ip:2001:db8::1',
  'agent:*terraform*',
  'key:AKIA*',
  'account:444455556666',
  'recipientAccountId:777788889999 AND eventName:GetObject',
  'resource:arn:aws:s3:::prod-data-111122223333',
  'arn:*DeployRole*',
  'resources.type:AWS::KMS::Key',
  'resources.ARN:arn:aws:kms:b',
  'time>=2024-05-14T00:05:00Z',
  'time<2024-05-14T00:02:00Z',
  'time>2024-05-14T00:03:00Z AND time<=2024-05-14T00:10:00Z',
  'time:2024-05-14',
  'eventTime:2024-05-14T00:01:00.123Z',
  'eventTime:*',
  'bucket:app-uploads-*',
  'requestParameters.instanceType:p4d.24xlarge',
  'mfa:true',
  'AccessDenied',
  '"not authorized" AND eventName:GetObject',
  'straße',
  'id:*-4*',
  'id:abcdef01-2345-4789-8ABC-def012345678',
  'eventID:*9*',
  'eventName:NoTime OR eventName:BadDay OR eventName:Nulls',
  '(eventName:GetObject OR eventName:PutObject) AND NOT (errorCode:* OR readOnly:true)',
  'userIdentity.userName:*',
  'userIdentity.sessionContext.sessionIssuer.userName:web-server-instance-role AND sourceIPAddress:3.*',
];

describe('query execution agrees with matchesRecord', function () {
  this.timeout(120_000);
  let dir: string;
  let pool: WorkerPool;
  let index: EventIndex;
  let raws: string[];
  let rowsInLoadOrder: Uint32Array;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-exec-'));
    await generateBucket({ events: 4000, out: join(dir, 'bucket'), seed: 42 });
    mkdirSync(join(dir, 'odd'));
    // The same records as JSON lines (general parser) and as a delivered file (fast scanner).
    writeFileSync(
      join(dir, 'odd', 'odd.jsonl'),
      ODD_RECORDS.map((r) => JSON.stringify(r)).join('\n'),
    );
    writeFileSync(join(dir, 'odd', 'odd-records.json'), JSON.stringify({ Records: ODD_RECORDS }));
    pool = new WorkerPool(2);
    index = new EventIndex({ runner: pool });
    await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events);
    rowsInLoadOrder = Uint32Array.from({ length: index.size }, (_, i) => i);
    raws = await index.rawRecords(rowsInLoadOrder);
  });

  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the generated events and the odd records', () => {
    assert.equal(index.size, 4000 + 2 * ODD_RECORDS.length);
    assert.equal(index.problems.length, 0);
    // The one odd record with an eventID is in both odd files: the same event, shown once.
    assert.equal(index.eventCount, index.size - 1);
    assert.deepEqual(
      index.files.filter((f) => f.duplicates > 0).map((f) => [f.key, f.duplicates]),
      [['odd/odd.jsonl', 1]],
    );
  });

  for (const q of QUERIES) {
    it(`"${q}"`, async () => {
      const node = parseQuery(q);
      const result = await index.query(node);
      const got = new Set(result.rows);
      assert.equal(got.size, result.rows.length, 'no duplicates');
      let expected = 0;
      for (let row = 0; row < index.size; row++) {
        const want =
          !index.isDuplicate(row) && matchesRecord(node, JSON.parse(raws[row]), raws[row]);
        if (want) expected++;
        assert.equal(got.has(row), want, `row ${row}: ${raws[row].slice(0, 300)}`);
      }
      assert.equal(result.rows.length, expected);
      const times = Array.from(result.rows, (r) => index.store.times[r]);
      for (let i = 1; i < times.length; i++)
        assert.ok(!(times[i] < times[i - 1]), 'ascending time');
    });
  }

  it('agrees on data without irregular rows too, where terms are fused into one pass', async () => {
    const clean = new EventIndex({ runner: pool });
    await loadEventFiles(
      clean,
      pool,
      (await discover(new FolderSource(join(dir, 'bucket')))).events,
    );
    assert.equal(clean.store.rowIrregular.length + clean.store.timeIrregular.length, 0);
    const cleanRaws = await clean.rawRecords(Uint32Array.from({ length: clean.size }, (_, i) => i));
    for (const q of QUERIES) {
      const node = parseQuery(q);
      const got = new Set((await clean.query(node)).rows);
      for (let row = 0; row < clean.size; row++) {
        assert.equal(
          got.has(row),
          matchesRecord(node, JSON.parse(cleanRaws[row]), cleanRaws[row]),
          `${q}: row ${row}`,
        );
      }
    }
  });

  it('puts a meaningful share of events in the test queries (they are not vacuous)', async () => {
    const counts = await Promise.all(
      ['eventName:RunInstances', 'user:alice', 'time>=2024-05-14T00:05:00Z', 'AccessDenied'].map(
        async (q) => (await index.query(parseQuery(q))).rows.length,
      ),
    );
    for (const c of counts) assert.ok(c > 10 && c < index.size, `count ${c}`);
  });
});
