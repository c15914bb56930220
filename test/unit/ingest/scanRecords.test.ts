// The fast scanner must index exactly what the general path (JSON.parse + addRecord) indexes.
import * as assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { FileText } from '../../../src/core/ingest/textEncoding';
import { ALPHABET, mutations, parseAccepts, recordMutations } from './jsonMutations';
import { asciiJson, assertWalksAgree, batchView, generalBatch } from './walkAgreement';
import { deliveredNamesUnder } from './logFiles';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BatchBuilder, ColumnBatch } from '../../../src/core/ingest/batch';
import { parseEventFile } from '../../../src/core/ingest/eventFile';
import {
  EVENT_ID_COLUMN,
  PACKED_UUID,
  RESOURCE_FIELDS,
  STORED_FIELDS,
  type StoredField,
} from '../../../src/core/index/schema';
import { plainlyCloudTrail, runJob } from '../../../src/core/ingest/jobs';
import {
  ScanOptions,
  recordWalkSettings,
  scanRecordsFile,
} from '../../../src/core/ingest/scanRecords';
import { generateBucket } from '../../../src/core/synthetic/generator';
import { DATASETS_DIR, describeWithDatasets } from '../../support/datasets';

const INVALID_DIR = join(__dirname, '../../fixtures/hostile-input/invalid-json');

/**
 * Both walks of the fast path run every test below: the JavaScript one over the text and the
 * WebAssembly one over the bytes. The latter takes ASCII files only (others take the former), so
 * its tests first write each text's other characters as JSON escapes: the same JSON, as ASCII.
 */
const WALKS = [
  { name: 'JavaScript', webAssembly: false, text: (t: string) => t },
  {
    name: 'WebAssembly',
    webAssembly: true,
    text: asciiJson,
  },
];
let walkMode = WALKS[0];

/** The suite's tests run on `mode`'s walk. */
function useWalk(mode: (typeof WALKS)[number]): void {
  before(() => {
    walkMode = mode;
    recordWalkSettings.webAssembly = mode.webAssembly;
  });
  after(() => {
    walkMode = WALKS[0];
    recordWalkSettings.webAssembly = true;
  });
}

/** The fast path over a text, in the walk under test (asserting that it was that walk). */
function scan(text: string, builder: BatchBuilder, options: ScanOptions = {}): boolean {
  // An ASCII text is given as bytes only, as a worker has it: the WebAssembly walk never decodes it whole.
  const bytes = Buffer.from(text);
  const file = isAscii(bytes) ? FileText.decode(bytes) : FileText.of(text, bytes);
  const scanned = scanRecordsFile(file, builder, options);
  assert.equal(options.webAssembly, walkMode.webAssembly, 'the walk under test');
  return scanned;
}

function both(original: string): { scanned: ColumnBatch | undefined; general: ColumnBatch } {
  const text = walkMode.text(original);
  const builder = new BatchBuilder();
  const scanned = scan(text, builder) ? builder.finish('records') : undefined;
  return { scanned, general: generalBatch(text) };
}

// Each also carries eventVersion, so that the general path takes it as a record (eventFile.ts:
// two of a record's fields); what it refuses the fast path must not index either (below).
const HOSTILE = (
  [
    {
      eventTime: '2024-05-14T00:00:00Z',
      eventName: 'Plain',
      readOnly: true,
      managementEvent: false,
      errorCode: 12.5,
    },
    {
      eventTime: '2024-05-14T00:00:00.5Z',
      eventName: 'Esc\\"aped \u00e9 \\u00e9',
      userAgent: 'a\nb',
      sourceIPAddress: null,
    },
    { eventTime: null, eventName: ['a', 'b'], awsRegion: { x: 1 }, userIdentity: null },
    { EventName: 'Variant', eventTime: '2024-05-14T00:00:01Z' },
    {
      eventTime: '2024-05-14T00:00:02Z',
      userIdentity: { type: 'IAMUser', UserName: 'variant-nested' },
    },
    {
      eventTime: '2024-05-14T00:00:03Z',
      userIdentity: {
        type: 'AssumedRole',
        sessionContext: {
          sessionIssuer: { userName: 'R', arn: 'arn:x' },
          attributes: { mfaAuthenticated: 'true' },
        },
      },
    },
    {
      eventTime: '2024-05-14T00:00:04Z',
      resources: [{ ARN: 'arn:1', type: 'T' }, { arn: 'lower' }],
    },
    {
      eventTime: '2024-05-14T00:00:05Z',
      resources: [{ ARN: { nested: true } }, { accountId: 123 }],
    },
    { eventTime: '2024-05-14T00:00:06Z', resources: null },
    { eventTime: '2024-05-14T00:00:07Z', resources: [1, 2] },
    { eventTime: '2024-05-14T00:00:08Z', requestParameters: { bucketName: 'b', BucketName: 'c' } },
    { eventTime: '2024-05-14T00:00:09Z', requestParameters: { bucketname: 'only-lower' } },
    { eventTime: 20240514, eventName: 'NumberTime', userIdentity: 'string-identity' },
    { eventTime: '2024-05-14T00:00:10Z', userIdentity: { Key: 1, accessKeyId: 'AKIA' } },
    { eventTime: '2024-05-14T00:00:11Z', eventID: 'x', eventName: 'Dup' },
    { eventTime: '2024-05-14T00:00:12Z', eventID: 'ABCDEF01-2345-4789-8abc-def012345678' },
    { eventTime: '2024-05-14T00:00:13Z', eventID: '0123abcd-ef01-4234-9567-89abcdef0123' },
    { eventTime: '2024-05-14T00:00:14Z', eventID: '0123abcd-ef01-4234-9567-89abcdef012g' },
    // Attribution inputs (columns.ts ORIGIN_INPUT_FIELDS): responses read for issuing calls only,
    // whatever the key order; anything but an object on the way is absent. A user named after an
    // issuing call, met first, must not hide that call's responses.
    {
      eventTime: '2024-05-14T00:00:14Z',
      userIdentity: { type: 'IAMUser', userName: 'AssumeRole' },
      eventName: 'ListUsers',
    },
    {
      eventTime: '2024-05-14T00:00:15Z',
      eventName: 'AssumeRole',
      responseElements: {
        credentials: { accessKeyId: 'ASIAONE' },
        assumedRoleUser: { arn: 'arn:one' },
        subject: 's',
        issuer: 'i',
      },
    },
    {
      eventTime: '2024-05-14T00:00:16Z',
      responseElements: { credentials: { accessKeyId: 'ASIATWO' } },
      eventName: 'AssumeRoleWithSAML',
    },
    {
      eventTime: '2024-05-14T00:00:17Z',
      eventName: 'PutObject',
      responseElements: { credentials: { accessKeyId: 'ASIANOT' } },
    },
    {
      eventTime: '2024-05-14T00:00:18Z',
      responseElements: { credentials: { accessKeyId: 'ASIANOT2' } },
      eventName: 'PutObject',
    },
    { eventTime: '2024-05-14T00:00:19Z', eventName: 'AssumeRole', responseElements: null },
    // Times near the edges of CloudTrail's canonical form (each walk reads it its own way).
    ...[
      '0000-02-29T00:00:00Z',
      '0099-12-31T23:59:59Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T23:59:59Z',
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-12-31T23:59:59Z',
      '9999-12-31T23:59:59Z',
      '2024-00-10T00:00:00Z',
      '2024-01-00T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01T00:00:60Z',
      '2024-01-01 00:00:00Z',
      '2024-01-01T00:00:00z',
      '2024-01-01T00:00:00+00:00',
      '2024-1-01T00:00:00Z',
      '-024-01-01T00:00:00Z',
      '2024-01-01T0a:00:00Z',
      '2024-05-14T00:00:00\u005a',
    ].map((eventTime) => ({ eventTime, eventName: 'Time' })),
    // An object of indexed fields that is not one: every column beneath it is irregular (read
    // from the text, without JSON.parse), an attribution input beneath it absent.
    { eventTime: '2024-05-14T00:00:22Z', eventName: 'ListBuckets', requestParameters: null },
    { eventTime: '2024-05-14T00:00:23Z', requestParameters: ['a', { bucketName: 'b' }] },
    { eventTime: '2024-05-14T00:00:24Z', requestParameters: 'bucketName' },
    { eventTime: '2024-05-14T00:00:25Z', requestParameters: 0, userIdentity: false },
    {
      eventTime: '2024-05-14T00:00:26Z',
      userIdentity: { type: 'AssumedRole', sessionContext: null, identityProvider: 'idp' },
    },
    {
      eventTime: '2024-05-14T00:00:27Z',
      userIdentity: {
        sessionContext: { sessionIssuer: 7, attributes: [], sourceIdentity: 'src' },
        onBehalfOf: 'someone',
      },
    },
    {
      eventTime: '2024-05-14T00:00:20Z',
      eventName: 'AssumeRole',
      responseElements: [{ credentials: { accessKeyId: 'ASIAARR' } }],
    },
    {
      eventTime: '2024-05-14T00:00:21Z',
      eventName: 'AssumeRole',
      responseElements: { credentials: null, federatedUser: 'x' },
    },
    {
      eventTime: '2024-05-14T00:00:22Z',
      eventName: 'GetFederationToken',
      responseElements: { credentials: { accessKeyId: { nested: 1 } }, federatedUser: { arn: 7 } },
    },
    // Issuing calls as a planted record may write them: failed, with the key in another case or
    // padded, a number, through an array, and the credentials given twice (the last one counts).
    {
      eventTime: '2024-05-14T00:00:24Z',
      eventName: 'AssumeRole',
      errorCode: 'AccessDenied',
      responseElements: { credentials: { accessKeyId: 'ASIAFAILED' } },
    },
    {
      eventTime: '2024-05-14T00:00:25Z',
      eventName: 'GetSessionToken',
      responseElements: {
        credentials: { accessKeyId: ' asiapadded ' },
        assumedRoleUser: { arn: ['arn:a'] },
        federatedUser: { arn: null },
      },
    },
    {
      eventTime: '2024-05-14T00:00:26Z',
      eventName: 'AssumeRoleWithWebIdentity',
      responseElements: { credentials: { accessKeyId: 12345 }, subject: 7, issuer: true },
    },
    {
      eventTime: '2024-05-14T00:00:27Z',
      eventName: 'AssumeRole',
      responseElements: { credentials: [{ accessKeyId: 'ASIAINARRAY' }] },
    },
    {
      eventTime: '2024-05-14T00:00:28Z',
      eventName: 'assumerole',
      responseElements: { credentials: { accessKeyId: 'ASIALOWERNAME' } },
    },
    {
      eventTime: '2024-05-14T00:00:29Z',
      eventName: 'AssumeRole',
      responseElements: 'credentials',
    },
    {
      eventTime: '2024-05-14T00:00:23Z',
      eventName: 'AssumeRoot',
      userIdentity: {
        type: 'Root',
        identityProvider: 'p',
        sessionContext: { sourceIdentity: 'bob', assumedRoot: 'true' },
        onBehalfOf: { identityStoreArn: 'arn:store' },
      },
    },
  ] as Record<string, unknown>[]
).map((r) => ({ eventVersion: '1.08', ...r }));

for (const mode of WALKS)
  describe(`the fast scanner (${mode.name} walk)`, function () {
    this.timeout(60_000);
    useWalk(mode);
    it('indexes generated log files exactly like the general path', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ctl-scan-'));
      try {
        const tally = await generateBucket({ events: 3000, out: dir, seed: 5 });
        for (const key of Object.keys(tally.fileEvents).slice(0, 25)) {
          const text = gunzipSync(readFileSync(join(dir, ...key.split('/')))).toString();
          const { scanned, general } = both(text);
          assert.ok(scanned && plainlyCloudTrail(scanned), `${key} takes the fast path`);
          assert.deepEqual(batchView(scanned), batchView(general), key);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('indexes hostile records exactly like the general path', () => {
      const compact = JSON.stringify({ Records: HOSTILE });
      const { scanned, general } = both(compact);
      assert.ok(scanned);
      assert.deepEqual(batchView(scanned), batchView(general));
      const pretty = JSON.stringify({ Records: HOSTILE }, null, 2);
      const p = both(pretty);
      assert.ok(p.scanned);
      assert.deepEqual(batchView(p.scanned), batchView(p.general));
    });

    it('never indexes what the general path refuses or reads differently: such files take the general path', () => {
      const index = (records: unknown[]) => {
        const bytes = new TextEncoder().encode(walkMode.text(JSON.stringify({ Records: records })));
        const { result } = runJob({ kind: 'index', bytes, maxUncompressedBytes: 1e9 });
        assert.ok(result.ok);
        return result.batch;
      };
      const plain = {
        eventVersion: '1.08',
        eventTime: '2024-05-14T00:00:00Z',
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
      };
      // Not records: an empty object, an object with only eventName, an S3 event notification.
      const mixed = [
        plain,
        {},
        { eventName: 'x' },
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: '2024-05-14T00:00:00.000Z',
        },
      ];
      assert.deepEqual(
        batchView(index(mixed)),
        batchView(both(JSON.stringify({ Records: mixed })).general),
      );
      assert.equal(index(mixed).count, 1);
      // Read under another name: an Insights event (eventName from insightDetails), @timestamp.
      const insight = {
        eventVersion: '1.07',
        eventTime: '2024-05-14T00:00:00Z',
        eventType: 'AwsCloudTrailInsight',
        insightDetails: {
          state: 'Start',
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateUser',
          insightType: 'ApiCallRateInsight',
        },
      };
      const stamped = {
        eventVersion: '1.08',
        '@timestamp': '2024-05-14T00:00:01.000Z',
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
      };
      const read = batchView(index([insight, stamped])) as {
        times: unknown[];
        scalars: unknown[][];
      };
      assert.deepEqual(read.scalars[0], ['CreateUser', 'GetObject']);
      assert.deepEqual(read.times, [Date.UTC(2024, 4, 14), Date.UTC(2024, 4, 14, 0, 0, 1)]);
    });

    it('handles duplicated keys like JSON.parse (the last one wins)', () => {
      for (const text of [
        '{"Records":[{"eventName":"first","eventName":"second","userIdentity":{"userName":"a"},"userIdentity":{"type":"Root"},"eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"n","requestParameters":null,"requestParameters":{"bucketName":"b"},"eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"n","requestParameters":{"bucketName":"b"},"requestParameters":null,"eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"n","userIdentity":{"sessionContext":null,"sessionContext":{"sessionIssuer":{"arn":"x"}}},"eventTime":"2024-05-14T00:00:00Z"}]}',
        // Attribution inputs: the issued key given twice, and the eventName that decides whether
        // the response is read given twice, before and after it.
        '{"Records":[{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":"ASIAFIRST"},"credentials":{"accessKeyId":"ASIALAST"}},"eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":"ASIAFIRST","accessKeyId":"ASIALAST"}},"eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":"ASIAONE"}},"eventName":"ListUsers","eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"ListUsers","responseElements":{"credentials":{"accessKeyId":"ASIATWO"}},"eventName":"AssumeRole","eventTime":"2024-05-14T00:00:00Z"}]}',
        '{"Records":[{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":"ASIA3"}},"responseElements":null,"eventTime":"2024-05-14T00:00:00Z"}]}',
      ]) {
        const { scanned, general } = both(text);
        assert.ok(scanned, text);
        assert.deepEqual(batchView(scanned), batchView(general), text);
      }
    });

    it('names each record that gives an indexed field, its eventTime or a resource key twice, read as JSON.parse reads it', () => {
      const rec = (body: string) =>
        `{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventID":"11111111-1111-4111-8111-111111111111",${body}}`;
      const text = `{"Records":[${[
        rec('"eventName":"GetObject","eventTime":"2024-05-14T00:00:00Z"'),
        rec(
          '"eventName":"GetObject","userIdentity":{"arn":"arn:aws:iam::1:user/alice","arn":"arn:aws:iam::1:user/ceo"},"eventTime":"2024-05-14T00:00:00Z"',
        ),
        rec(
          '"eventName":"GetObject","eventTime":"2024-05-14T00:00:00Z","eventTime":"2024-05-15T00:00:00Z"',
        ),
        rec(
          '"eventName":"GetObject","resources":[{"ARN":"arn:aws:s3:::a","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}],"eventTime":"2024-05-14T00:00:00Z"',
        ),
        rec(
          '"eventName":"GetObject","sourceIPAddress":"1.2.3.4","eventTime":"2024-05-14T00:00:00Z","sourceIPAddress":"5.6.7.8"',
        ),
        // not indexed: not looked at by the walks (the detail pane names it)
        rec(
          '"eventName":"GetObject","additionalEventData":{"x":1,"x":2},"eventTime":"2024-05-14T00:00:00Z"',
        ),
        rec('"eventName":"GetObject","eventTime":"2024-05-14T00:00:00Z"'),
      ].join(',')}]}`;
      const builder = new BatchBuilder();
      const options: ScanOptions = { repeatedKeys: [] };
      assert.ok(scan(walkMode.text(text), builder, options));
      assert.deepEqual(options.repeatedKeys, [
        { element: 1, paths: ['userIdentity.arn'] },
        { element: 2, paths: ['eventTime'] },
        { element: 3, paths: ['resources[0].ARN'] },
        { element: 4, paths: ['sourceIPAddress'] },
      ]);
      // …and read as the general path reads them: the last of each. The general path names the
      // same records with the same paths, and a record that names any other key twice too.
      assert.deepEqual(
        batchView(builder.finish('records')),
        batchView(generalBatch(walkMode.text(text))),
      );
      assert.deepEqual(
        parseEventFile(walkMode.text(text)).repeatedKeys.map(({ element, paths }) => ({
          element,
          paths,
        })),
        [...options.repeatedKeys!, { element: 5, paths: ['additionalEventData.x'] }],
      );
    });

    it('packs an eventID written with escapes as JSON.parse reads it (a UUID once decoded)', () => {
      const text =
        '{"Records":[{"eventName":"n","eventTime":"2024-05-14T00:00:00Z","eventID":"0123abcd-ef01-4234-9567-89abcdef012\\u0033"},{"eventName":"n","eventTime":"2024-05-14T00:00:01Z","eventID":"0123abcd-ef01-4234-9567-89abcdef0124"},{"eventName":"n","eventTime":"2024-05-14T00:00:02Z","eventID":"not-\\u0061-uuid"}]}';
      const { scanned, general } = both(text);
      assert.ok(scanned);
      assert.deepEqual(batchView(scanned), batchView(general));
      assert.deepEqual(Array.from(scanned.scalars[EVENT_ID_COLUMN].slice(0, 2)), [
        PACKED_UUID,
        PACKED_UUID,
      ]);
    });

    it('reads an escaped eventTime as JSON.parse does (\\u005a is Z)', () => {
      const text =
        '{"Records":[{"eventName":"n","eventTime":"2024-05-14T00:00:00\\u005a"},{"eventName":"n","eventTime":"2024-05-14T00:00:01Z"}]}';
      const { scanned, general } = both(text);
      assert.ok(scanned);
      assert.deepEqual(batchView(scanned), batchView(general));
      assert.deepEqual(Array.from(scanned.times), [
        Date.UTC(2024, 4, 14),
        Date.UTC(2024, 4, 14, 0, 0, 1),
      ]);
      assert.equal(scanned.timeIrregular.length, 0, 'both canonical');
    });

    it('reads an escaped key as JSON.parse does (\\u0065ventName is eventName)', () => {
      // Hiding an event's name behind an escape must not hide it from eventName:DeleteTrail.
      const text =
        '{"Records":[{"eventTime":"2024-05-14T00:00:00Z","\\u0065ventName":"DeleteTrail"},{"eventTime":"2024-05-14T00:00:01Z","eventName":"Get","event\\u004eame":"StopLogging"}]}';
      const { scanned, general } = both(text);
      assert.ok(scanned);
      assert.deepEqual(batchView(scanned), batchView(general));
      assert.deepEqual((batchView(scanned) as { scalars: unknown[][] }).scalars[0], [
        'DeleteTrail',
        'StopLogging',
      ]);
    });

    it('keeps a number as written where a double would not print it back, as the general path does (a record JSON.parse reads too)', () => {
      // Forged: CloudTrail writes these fields as strings. 12345678901234567890 is
      // 12345678901234567000 as a double, 1E2 is 100, -0 is 0, 3600.0 is 3600, 1e400 Infinity.
      const record = (i: number, fields: string) =>
        `{"eventVersion":"1.08","eventName":"n","eventTime":"2024-05-14T00:00:0${i}Z",${fields}}`;
      const text = `{"Records":[${[
        record(
          0,
          '"recipientAccountId":12345678901234567890,"errorCode":1E2,"userAgent":-0,"userIdentity":{"type":"IAMUser","accountId":3600.0},"requestParameters":{"bucketName":1e400},"resources":[{"accountId":1.50,"ARN":"a"}]',
        ),
        // Plain numbers stay numbers: no text is kept for them.
        record(1, '"recipientAccountId":443,"errorCode":100,"userAgent":0,"sourceIPAddress":1.08'),
        // An indexed key named twice: this record is read by JSON.parse on the fast path too.
        record(2, '"errorCode":"x","errorCode":1E2,"recipientAccountId":100'),
      ].join(',')}]}`;
      const { scanned, general } = both(text);
      assert.ok(scanned);
      assert.deepEqual(batchView(scanned), batchView(general));
      const column = (field: string) =>
        (batchView(scanned) as { scalars: unknown[][] }).scalars[
          STORED_FIELDS.indexOf(field as StoredField)
        ];
      const written = (text: string) => ({ written: text });
      assert.deepEqual(column('recipientAccountId'), [written('12345678901234567890'), 443, 100]);
      assert.deepEqual(column('errorCode'), [written('1E2'), 100, written('1E2')]);
      assert.deepEqual(column('userAgent'), [written('-0'), 0, '<absent>']);
      assert.deepEqual(column('userIdentity.accountId'), [
        written('3600.0'),
        '<absent>',
        '<absent>',
      ]);
      assert.deepEqual(column('requestParameters.bucketName'), [
        written('1e400'),
        '<absent>',
        '<absent>',
      ]);
      assert.deepEqual(column('sourceIPAddress'), ['<absent>', 1.08, '<absent>']);
      assert.deepEqual(
        (batchView(scanned) as { resources: unknown[][] }).resources[
          RESOURCE_FIELDS.indexOf('resources.accountId')
        ],
        [written('1.50')],
      );
      // One dictionary entry per text: 1E2 twice is one value, 100 another.
      assert.equal(
        scanned.values.filter((v) => JSON.stringify(v) === '{"written":"1E2"}').length,
        1,
      );
    });

    it('declines every invalid-JSON fixture, which the general path then reports with its position', () => {
      const files = readdirSync(INVALID_DIR);
      assert.ok(files.length >= 20);
      for (const f of files) {
        const text = walkMode.text(readFileSync(join(INVALID_DIR, f), 'utf8'));
        assert.equal(scan(text, new BatchBuilder()), false, `${f} is not indexed by the fast path`);
        const { result } = runJob({
          kind: 'index',
          bytes: Buffer.from(text),
          maxUncompressedBytes: 1 << 20,
        });
        assert.equal(result.ok, false, f);
        if (!result.ok && 'code' in result) {
          assert.equal(result.code, 'bad-json', f);
          assert.match(result.message, /^invalid JSON/, f);
        }
      }
    });

    it('leaves out records nested too deep on either path, naming each, and indexes the rest', () => {
      const ok = (i: number) =>
        JSON.stringify({
          eventTime: `2024-05-14T00:00:0${i}Z`,
          eventSource: 's3.amazonaws.com',
          eventName: `Ok${i}`,
        });
      const deep = (field: string, open: string, close: string, d: number) =>
        `{"eventTime":"2024-05-14T00:00:09Z","eventSource":"s3.amazonaws.com","eventName":"Deep","${field}":${open.repeat(d)}1${close.repeat(d)}}`;
      const records = [
        ok(0),
        deep('userIdentity', '[', ']', 16_000),
        ok(1),
        deep('userIdentity', '{"type":', '}', 16_000),
        deep('requestParameters', '{"a":', '}', 511),
        deep('resources', '[', ']', 600),
        ok(2),
      ];
      const forms = [
        // The delivered form: the fast path.
        {
          text: `{"Records":[${records.join(',')}]}`,
          named:
            /record 1 \(line 1\) is nested more than 512 levels deep; skipped \| record 3\b.* \| record 5\b/,
        },
        // JSON lines: the general path.
        {
          text: records.join('\n'),
          named: /line 2 is nested more than 512 levels deep; skipped \| line 4\b.* \| line 6\b/,
        },
      ];
      for (const { text, named } of forms) {
        const { result } = runJob({
          kind: 'index',
          bytes: Buffer.from(text),
          maxUncompressedBytes: 1 << 24,
        });
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(
          Array.from(result.batch.elements),
          [0, 2, 4, 6],
          'a record 512 levels deep is fine',
        );
        assert.equal(result.skipped, 3);
        assert.match(result.warnings.join(' | '), named);
      }
    });

    it('agrees with JSON.parse on 3,000 one-character mutations of a delivered file', () => {
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const text = JSON.stringify({ Records: HOSTILE.slice(0, 8) });
      let invalid = 0;
      for (let n = 0; n < 3000; n++) {
        const at = Math.floor(next() * text.length);
        const ch = ALPHABET[Math.floor(next() * ALPHABET.length)];
        const mutated = walkMode.text(
          next() < 0.5
            ? text.slice(0, at) + ch + text.slice(at + 1)
            : text.slice(0, at) + ch + text.slice(at),
        );
        let parsed = true;
        try {
          JSON.parse(mutated);
        } catch {
          parsed = false;
        }
        const builder = new BatchBuilder();
        const scanned = scan(mutated, builder);
        if (!parsed) {
          invalid++;
          assert.equal(
            scanned,
            false,
            `mutation ${n} is invalid JSON but was indexed: ${JSON.stringify(mutated)}`,
          );
        } else if (scanned) {
          // The scanner's rows are used only when every one is plainly a record (jobs.ts).
          const batch = builder.finish('records');
          if (!plainlyCloudTrail(batch)) continue;
          assert.deepEqual(
            batchView(batch),
            batchView(generalBatch(mutated)),
            `mutation ${n}: ${mutated}`,
          );
        }
      }
      assert.ok(invalid > 1000, `${invalid} invalid mutations`);
    });

    it('accepts exactly what JSON.parse accepts in values it skips or reads (3,000 mutated JSON texts)', () => {
      let invalid = 0;
      for (const m of mutations(3000, 21)) {
        // Skipped whole (an unknown key), read as a column (userAgent), and as an object of columns.
        const text = walkMode.text(
          `{"Records":[{"eventName":"x","eventSource":"s","eventTime":"2024-05-14T00:00:00Z","additionalEventData":${m},"userAgent":${m},"requestParameters":${m}}]}`,
        );
        const want = parseAccepts(text);
        if (!want) invalid++;
        const builder = new BatchBuilder();
        const scanned = scan(text, builder);
        if (!want) assert.equal(scanned, false, `invalid JSON indexed: ${text}`);
        else if (scanned)
          assert.deepEqual(
            batchView(builder.finish('records')),
            batchView(generalBatch(text)),
            text,
          );
      }
      assert.ok(invalid > 1000, `${invalid} invalid`);
    });

    it('declines what is not plainly {"Records":[…]}', () => {
      for (const text of [
        '[{"eventName":"x"}]',
        '{"Other":1,"Records":[]}',
        '{"Records":[1]}',
        '{"Records":[{"eventName":"x"}] , "more": 1}',
        '{"Records":[{"eventName":"x"}',
        '{"Records":[{"eventName":"x" "b":1}]}',
      ]) {
        assert.equal(scan(text, new BatchBuilder()), false, text);
      }
      const b = new BatchBuilder();
      assert.equal(scan('{"Records":[]}', b), true);
      assert.equal(b.count, 0);
    });
  });

describe('the two walks of the fast scanner', function () {
  this.timeout(120_000);
  after(() => (recordWalkSettings.webAssembly = true));
  it('the WebAssembly walk reads an ASCII file from its bytes, decoding its text only for a record JSON.parse must read', () => {
    const plain = `{"Records":[${Array.from(
      { length: 50 },
      (_, i) =>
        `{"eventTime":"2024-05-14T00:00:${String(i).padStart(2, '0')}Z","eventName":"E${i % 7}","eventSource":"s3.amazonaws.com","sourceIPAddress":"10.0.0.${i}"}`,
    ).join(',')}]}`;
    // A key in another case: that record goes to JSON.parse, which needs the text.
    const oneOdd = plain.replace('"eventName":"E3"', '"EventName":"E3"');
    for (const [text, decodes] of [
      [plain, false],
      [oneOdd, true],
    ] as const) {
      const batches = [true, false].map((webAssembly) => {
        recordWalkSettings.webAssembly = webAssembly;
        const file = FileText.decode(Buffer.from(text));
        const b = new BatchBuilder();
        assert.ok(scanRecordsFile(file, b, {}));
        if (webAssembly) assert.equal(file.decodedWhole, decodes, text.slice(0, 60));
        return batchView(b.finish('records'));
      });
      assert.deepEqual(batches[0], batches[1]);
    }
    // A file that is not ASCII is decoded at once (its offsets are not its bytes').
    assert.equal(FileText.decode(Buffer.from('{"Records":[{"a":"é"}]}')).decodedWhole, true);
  });

  it('read the response of an eventName written with escapes only when it decodes to an issuing call', () => {
    // Both walks then give the same values ids: the response of a call that issues nothing is
    // not read (bench/fuzzWalks.ts, seed 31, found the WebAssembly walk reading every escaped one).
    const response = '"responseElements":{"credentials":{"accessKeyId":"ASIA1"},"subject":"s"}';
    for (const name of ['Assume\\"Role', 'Assume\\u0052ole', 'AssumeRole\\u0000', 'Get\\u00e9']) {
      const text = `{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-14T00:00:00Z","eventName":"${name}",${response}}]}`;
      assert.notEqual(assertWalksAgree(text), 'declined', text);
      const b = new BatchBuilder();
      assert.ok(scanRecordsFile(FileText.decode(Buffer.from(text)), b, {}));
      assert.equal(b.finish('records').values.includes('ASIA1'), name === 'Assume\\u0052ole', text);
    }
  });

  it('build the same batch as each other, and index what the general path indexes, on 3,000 mutated generated records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctl-walks-'));
    try {
      const tally = await generateBucket({ events: 600, out: dir, seed: 11 });
      const texts: string[] = [];
      for (const key of Object.keys(tally.fileEvents).slice(0, 12)) {
        const records = JSON.parse(
          gunzipSync(readFileSync(join(dir, ...key.split('/')))).toString(),
        ).Records as unknown[];
        for (let k = 0; k < records.length; k += 5)
          texts.push(JSON.stringify({ Records: records.slice(k, k + 3) }));
      }
      let agreed = 0;
      for (const original of recordMutations(texts, 3000, 3))
        if (assertWalksAgree(asciiJson(original)) === 'general') agreed++;
      assert.ok(agreed > 1000, `${agreed} indexed by the fast path`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const mode of WALKS)
  describeWithDatasets(`the fast scanner on real delivered files (${mode.name} walk)`, () => {
    useWalk(mode);
    it('agrees with the general path on every delivered-name file in ../shared/datasets', () => {
      const files = deliveredNamesUnder(DATASETS_DIR);
      assert.ok(files.length >= 10);
      for (const f of files) {
        const raw = readFileSync(f);
        const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString();
        const { scanned, general } = both(text);
        assert.ok(scanned && plainlyCloudTrail(scanned), f);
        assert.deepEqual(batchView(scanned), batchView(general), f);
      }
    });
  });
