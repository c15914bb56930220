// The index's query execution (src/core/index/execute.ts) must select exactly the records that
// matchesRecord, the reference semantics, selects. This runs both over real records and over
// hand-made records built to trip an index (case-variant keys, arrays and objects where
// scalars belong, odd time formats, null resources) and compares the row sets.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../../../src/core/index/eventIndex';
import { matchesRecord } from '../../../src/core/query/match';
import { parseQuery } from '../../../src/core/query/parse';
import { canonicalRecord } from '../../../src/core/ingest/canonical';
import { loadEventFiles } from '../../../src/core/ingest/load';
import { InlineRunner } from '../../../src/core/ingest/pool';
import { discover } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { DATASETS_DIR, datasetsAvailable } from '../../support/datasets';
import { SHAPE_FILTERS, SHAPE_RECORDS, shapeFiles } from '../../fixtures/shapes';

const TRICKY = [
  {
    eventVersion: '1.08',
    eventTime: '2024-05-14T10:00:00Z',
    eventName: 'PutBucketPolicy',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    readOnly: false,
    errorCode: 'AccessDenied',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAX:alice@example.com',
      sessionContext: {
        sessionIssuer: { userName: 'Admin' },
        attributes: { creationDate: '2024-05-14T09:00:00Z' },
      },
    },
    resources: [
      { ARN: 'arn:aws:s3:::prod', type: 'AWS::S3::Bucket' },
      { ARN: 'arn:aws:s3:::prod/k' },
    ],
    requestParameters: { bucketName: 'prod', n: 7 },
  },
  {
    eventVersion: '1.05',
    eventTime: '2024-05-14T10:00:00.500Z',
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    readOnly: 'true',
    userIdentity: { type: 'IAMUser', userName: 'bob' },
    resources: null,
    requestParameters: { bucketName: ['a', 'prod'] },
  },
  {
    eventVersion: '1.05',
    eventTime: '2024-05-14 12:00:00',
    eventName: ['CreateUser', 'x'],
    eventSource: 'iam.amazonaws.com',
    errorCode: null,
    userIdentity: null,
    resources: [],
  },
  {
    eventVersion: '1.05',
    eventTime: '2024-05-14T12:00:00+02:00',
    EventName: 'DeleteUser',
    eventSource: 'iam.amazonaws.com',
    userIdentity: { Type: 'Root', userName: 'root' },
    resources: [{ arn: 'arn:aws:iam::1:user/x' }],
  },
  {
    eventVersion: '1.05',
    eventTime: 'redacted',
    eventName: 'ConsoleLogin',
    sourceIPAddress: { nested: 1 },
    userIdentity: { type: 'IAMUser', userName: 'Bob' },
    resources: [{ ARN: ['arn:aws:s3:::prod'] }, null],
  },
  {
    eventVersion: '1.05',
    eventName: 'NoTime',
    readOnly: true,
    errorCode: 'X',
    errorMessage: 'Access Denied',
    userIdentity: { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
  },
  {
    eventVersion: '1.05',
    eventTime: null,
    eventName: 'consolelogin',
    recipientAccountId: 111122223333,
    managementEvent: 'false',
    userIdentity: { sessionContext: null },
  },
  {
    eventVersion: '1.05',
    eventTime: '2024-05-15T00:00:00Z',
    eventName: 'Ünïcödé',
    eventSource: 'sts.amazonaws.com',
    userAgent: 'ΟΔΟΣ',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAY:Bob',
      sessionContext: { sessionIssuer: { userName: 'Dev', arn: 'arn:aws:iam::1:role/Dev' } },
    },
  },
];

const QUERIES = [
  'eventName:ConsoleLogin',
  'eventName:consolelogin OR eventName:CreateUser',
  'eventName:Create*',
  'eventName:*user*',
  'eventName:*',
  '-eventName:*',
  'NOT eventName:PutBucketPolicy',
  'errorCode:*',
  '-errorCode:*',
  'error:*',
  'error:"access denied"',
  'readOnly:true',
  'readonly:false',
  '-readOnly:true',
  'managementEvent:false',
  'recipientAccountId:111122223333',
  'recipientAccountId>100',
  'type:AssumedRole',
  'type:root',
  '-type:*',
  'user:bob',
  'user:alice@example.com',
  'user:*',
  'session:*',
  'user:ad*',
  'role:Admin OR role:arn:aws:iam::1:role/Dev',
  'arn:*prod*',
  'resources.ARN:*',
  '-resources.ARN:*',
  'resources.ARN:arn:aws:s3:::prod',
  'resources.type:AWS::S3::Bucket',
  'bucket:prod',
  'requestParameters.bucketName:prod',
  'requestParameters.n>=7',
  'service:s3',
  'service:iam -readOnly:true',
  'region:eu-west-1 OR region:us-east-1',
  'ip:*.amazonaws.com',
  'sourceIPAddress:*',
  'userIdentity.invokedBy:*',
  'userAgent:οδοσ',
  'eventName:ünïcödé',
  'eventTime:*',
  '-eventTime:*',
  'eventTime>=2024-05-14T10:00:00Z',
  'eventTime>2024-05-14T10:00:00Z',
  'eventTime<2024-05-14T10:00:00.500Z',
  'eventTime<=2024-05-14T10:00:00.500Z',
  'eventTime:2024-05-14',
  'eventTime<2024-05-15',
  'eventTime<=2024-05-15',
  'eventTime>=2024 eventTime<2025',
  'eventTime<2020 OR eventTime>=2024-06',
  'NOT eventTime<2024-05-14T11',
  'eventTime:"2024-05-14T10:00:00Z"',
  'eventTime:2024-05-14T1*',
  'userIdentity.sessionContext.attributes.creationDate>=2024-05-14',
  'eventVersion>=1.08',
  'accessdenied',
  '"access denied" OR eventName:GetObject',
  'NOT (eventName:ConsoleLogin OR user:bob) -errorCode:*',
  'eventName:(ConsoleLogin OR Get* OR -x)',
  'AssumeRole -type:AssumedRole',
  '(a OR b) -c',
  ...SHAPE_FILTERS.filter(Boolean),
];

describe('index execution agrees with matchesRecord', function () {
  this.timeout(120_000);
  let dir: string;
  let index: EventIndex;
  let records: unknown[];
  let raws: string[];
  const selected: number[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctl-query-agree-'));
    writeFileSync(
      join(dir, 'tricky.jsonl'),
      TRICKY.map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    writeFileSync(join(dir, 'tricky-records.json'), JSON.stringify({ Records: TRICKY }, null, 2));
    // Every shape evidence arrives in (the general path), each with its own eventIDs so that no
    // shape's rows are hidden as copies of another's.
    Object.keys(shapeFiles()).forEach((name, i) => {
      const own = SHAPE_RECORDS.map((r) => ({ ...r, eventID: `${i}-${r.eventID}` }));
      writeFileSync(join(dir, name), shapeFiles(own)[name]);
    });
    const runner = new InlineRunner();
    index = new EventIndex({ runner });
    const files = [...(await discover(new FolderSource(dir))).events];
    if (datasetsAvailable()) {
      const real = await discover(new FolderSource(join(DATASETS_DIR, 'panther-analysis')));
      files.push(...real.events.filter((f) => f.object.key === 'cloudtrail-test-events.jsonl'));
    }
    await loadEventFiles(index, runner, files);
    const all = Array.from({ length: index.size }, (_, i) => i);
    raws = await index.rawRecords(all);
    // The reference reads a record as the index does: renamed fields under CloudTrail's names.
    records = raws.map((r) => canonicalRecord(JSON.parse(r)).record);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the hand-made records, every shape (and the real ones when present)', () => {
    assert.ok(
      index.size >=
        TRICKY.length * 2 + (Object.keys(shapeFiles()).length - 1) * SHAPE_RECORDS.length,
      `only ${index.size} rows`,
    );
    assert.deepEqual(
      index.problems.filter((p) => p.severity === 'error').map((p) => p.key),
      [],
    );
  });

  for (const query of QUERIES) {
    it(query, async () => {
      const ast = parseQuery(query);
      // A row that is a copy of another (the same event twice) is shown once: the copy never matches.
      const expected = records.flatMap((r, i) =>
        !index.isDuplicate(i) && matchesRecord(ast, r, raws[i]) ? [i] : [],
      );
      selected.push(expected.length);
      const actual = [...(await index.query(ast)).rows].sort((a, b) => a - b);
      const missing = expected.filter((r) => !actual.includes(r));
      const extra = actual.filter((r) => !expected.includes(r));
      const show = (rows: number[]) => rows.slice(0, 3).map((r) => raws[r].slice(0, 300));
      assert.deepEqual({ missing: show(missing), extra: show(extra) }, { missing: [], extra: [] });
    });
  }

  it('compared selections that were not trivially empty or full', () => {
    const splitting = selected.filter((n) => n > 0 && n < records.length).length;
    assert.ok(
      splitting >= QUERIES.length * 0.9,
      `only ${splitting} of ${QUERIES.length} queries split the records`,
    );
  });
});
