// CloudTrail-Insight folders: a load (query, the timeline) reads every file in them as events, but
// AWS documents no digest coverage of Insights files. So validate names the Insights files of its
// window and regions (insights-unvouched: said, not failed; --strict fails, as for logs with no
// digests), and fails on what CloudTrail would not write there (foreign-file), by the same rule as
// in CloudTrail/ folders.
import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { inventorySource, loadPublicKeyFiles, validateInventory } from '../../../src/core/digest';
import type { ValidationReport } from '../../../src/core/digest/types';
import { renderReport, suspiciousLogKeys } from '../../../src/extension/digest/reportModel';
import { classifyObject } from '../../../src/core/sources/discover';
import { FolderSource } from '../../../src/core/sources/folder';
import { notDeliveredThere, trailFolderOf } from '../../../src/core/sources/layout';
import { ARN, Workspace } from './helpers';

const WINDOW = ['--start-time', '2024-05-14T09:00:00Z', '--end-time', '2024-05-15T00:00:00Z'];
const REGION = 'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/';
const DAY = `${REGION}2024/05/14/`;
const insight = (region: string, time: string, id: string) =>
  `AWSLogs/111122223333/CloudTrail-Insight/${region}/${time.slice(0, 4)}/${time.slice(4, 6)}/${time.slice(6, 8)}/111122223333_CloudTrail-Insight_${region}_${time}_${id}.json.gz`;
const RECORDS = (name: string) =>
  gzipSync(
    JSON.stringify({
      Records: [
        {
          eventVersion: '1.08',
          eventTime: '2024-05-14T10:39:00Z',
          eventType: 'AwsCloudTrailInsight',
          eventSource: 'iam.amazonaws.com',
          eventName: name,
          awsRegion: 'us-east-1',
          recipientAccountId: '111122223333',
          eventID: `insight-${name}`,
          insightDetails: { state: 'Start', insightType: 'ApiCallRateInsight' },
        },
      ],
    }),
  );

/** Insights files as CloudTrail delivers them, in the window: us-east-1 (a chain's region) and eu-west-1 (none). */
const DELIVERED = [
  insight('us-east-1', '20240514T1040Z', 'AAAAAAAAAAAAAAAA'),
  insight('us-east-1', '20240514T1150Z', 'BBBBBBBBBBBBBBBB'),
  insight('eu-west-1', '20240514T1200Z', 'CCCCCCCCCCCCCCCC'),
];

/** Files CloudTrail never writes where they lie in a CloudTrail-Insight folder, each read by a load. */
const PLANTED: Array<[string, string]> = [
  [
    `${DAY}111122223333_CloudTrail-Insight_us-east-1_20240514T1040Z_DDDDDDDDDDDDDDDD.json`,
    'it is not gzip-compressed (.json, not .json.gz)',
  ],
  [`${DAY}evil.json.gz`, 'its name is not that of a CloudTrail Insights file'],
  [
    `${DAY}111122223333_CloudTrail_us-east-1_20240514T1040Z_EEEEEEEEEEEEEEEE.json.gz`,
    'its name is not that of a CloudTrail Insights file',
  ],
  [
    `${DAY}444455556666_CloudTrail-Insight_us-east-1_20240514T1040Z_FFFFFFFFFFFFFFFF.json.gz`,
    'its name is for account 444455556666',
  ],
  [
    `${DAY}111122223333_CloudTrail-Insight_eu-west-1_20240514T1040Z_GGGGGGGGGGGGGGGG.json.gz`,
    'its name is for region eu-west-1',
  ],
  [
    `${DAY}sub/111122223333_CloudTrail-Insight_us-east-1_20240514T1040Z_HHHHHHHHHHHHHHHH.json.gz`,
    'it is in a sub-folder of the day folder',
  ],
  [
    `${DAY}111122223333_CloudTrail-Insight_us-east-1_20200101T1040Z_JJJJJJJJJJJJJJJJ.json.gz`,
    'its name says it was delivered on 2020-01-01',
  ],
  [
    `${REGION}evil.json.gz`,
    'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
  ],
  [
    `${REGION}2023/111122223333_CloudTrail-Insight_us-east-1_20240514T1040Z_KKKKKKKKKKKKKKKK.json.gz`,
    'it is not in a day folder (CloudTrail writes files only in us-east-1/YYYY/MM/DD/)',
  ],
  [
    `${REGION}2024/05/99/evil.json.gz`,
    'it is in a folder CloudTrail does not make (us-east-1/2024/05/99/; it makes only us-east-1/YYYY/MM/DD/)',
  ],
  [
    'AWSLogs/111122223333/CloudTrail-Insight/evil.json.gz',
    'CloudTrail writes no file directly in CloudTrail-Insight/',
  ],
];

interface JsonFinding {
  kind: string;
  key?: string;
  keys?: string[];
  from?: string;
  to?: string;
  message: string;
}
interface JsonReport {
  exitCode: number;
  findings: JsonFinding[];
  chains: Array<{ counts: Record<string, number>; findings: JsonFinding[] }>;
}

const all = (r: JsonReport | ValidationReport): JsonFinding[] => [
  ...r.chains.flatMap((c) => c.findings),
  ...r.findings,
];
const foreignKeys = (r: JsonReport | ValidationReport) =>
  all(r)
    .filter((f) => f.kind === 'foreign-file')
    .map((f) => f.key)
    .sort();
const insightKeys = (r: JsonReport | ValidationReport) =>
  all(r)
    .filter((f) => f.kind === 'insights-unvouched')
    .flatMap((f) => f.keys ?? [])
    .sort();

describe('digest validation: CloudTrail-Insight folders', function () {
  this.timeout(60_000);
  let ws: Workspace;
  beforeEach(() => (ws = new Workspace()));
  afterEach(() => ws.dispose());

  async function fullListing(): Promise<ValidationReport> {
    const source = new FolderSource(ws.root);
    return validateInventory(source, await inventorySource(source), {
      publicKeys: await loadPublicKeyFiles([ws.keys()]),
      startTime: Date.parse('2024-05-14T09:00:00Z'),
      endTime: Date.parse('2024-05-15T00:00:00Z'),
    });
  }

  it('delivered Insights files are read by a load and named (count, span, the files), the AWS CLI lines unchanged; exit 0, --strict 1', async () => {
    ws.bucket.chain().hours(3);
    for (const key of DELIVERED) ws.bucket.write(key, RECORDS('CreateUser'));
    const source = new FolderSource(ws.root);
    for (const key of DELIVERED)
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: 1 }).kind,
        'event',
        `query reads ${key}`,
      );
    const r = await ws.validate(WINDOW);
    // What the AWS CLI prints for this data, then our findings.
    const cli =
      `Validating log files for trail ${ARN} between 2024-05-14T09:00:00Z and 2024-05-15T00:00:00Z\n\n` +
      'Results requested for 2024-05-14T09:00:00Z to 2024-05-15T00:00:00Z\nResults found for 2024-05-14T09:17:42Z to 2024-05-14T12:17:42Z:\n\n3/3 digest files valid\n6/6 log files valid\nFINDING\t';
    assert.ok(r.out.startsWith(cli), r.out);
    for (const key of DELIVERED)
      assert.ok(
        r.out.includes(`FINDING\tinsights-unvouched\tno digest vouches for ${key}\n`),
        r.out,
      );
    assert.match(
      r.out,
      /FINDING\tinsights-unvouched\t2 CloudTrail Insights file\(s\) under AWSLogs\/111122223333\/CloudTrail-Insight\/us-east-1\/ /,
    );
    assert.equal(r.code, 0, 'named, not failed');
    assert.equal((await ws.validate([...WINDOW, '--strict'])).code, 1);

    const json = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    assert.deepEqual(insightKeys(json), [...DELIVERED].sort());
    const east = json.findings.find(
      (f) => f.kind === 'insights-unvouched' && f.message.includes('/us-east-1/'),
    )!;
    assert.equal(east.from, '2024-05-14T10:40:00Z');
    assert.equal(east.to, '2024-05-14T11:50:00Z');
    assert.deepEqual(foreignKeys(json), []);
    assert.equal(json.exitCode, 0);
    // The whole-bucket listing finds the same.
    assert.deepEqual(insightKeys(await fullListing()), [...DELIVERED].sort());
  });

  it('only the window and the regions asked for', async () => {
    ws.bucket.chain().hours(3);
    for (const key of DELIVERED) ws.bucket.write(key, RECORDS('CreateUser'));
    const before = insight('us-east-1', '20240512T1040Z', 'LLLLLLLLLLLLLLLL');
    ws.bucket.write(before, RECORDS('Before'));
    const east = JSON.parse(
      (await ws.validate([...WINDOW, '--region', 'us-east-1', '--format', 'json'])).out,
    ) as JsonReport;
    assert.deepEqual(insightKeys(east), DELIVERED.slice(0, 2).sort());
    // Without --start-time the window reaches back to the oldest Insights file of a chain's region.
    const open = JSON.parse(
      (await ws.validate(['--end-time', '2024-05-15T00:00:00Z', '--format', 'json'])).out,
    ) as JsonReport;
    assert.deepEqual(insightKeys(open), [...DELIVERED, before].sort());
  });

  it('files CloudTrail never writes where they lie in CloudTrail-Insight/ are foreign-file, the same rule as in CloudTrail/: named, exit 1, whichever way the folders are listed', async () => {
    ws.bucket.chain().hours(3);
    ws.bucket.write(DELIVERED[0], RECORDS('CreateUser'));
    for (const [key] of PLANTED) ws.bucket.write(key, RECORDS('Planted'));
    const source = new FolderSource(ws.root);
    for (const [key] of PLANTED)
      assert.equal(
        classifyObject(source, { kind: 'object', key, size: 1 }).kind,
        'event',
        `query reads ${key}`,
      );
    assert.deepEqual(
      PLANTED.map(([k]) => {
        const f = trailFolderOf(k);
        return f && notDeliveredThere(f);
      }),
      PLANTED.map(([, why]) => why),
    );
    assert.equal(notDeliveredThere(trailFolderOf(DELIVERED[0])!), undefined);
    const planted = PLANTED.map(([k]) => k).sort();
    for (const window of [WINDOW, ['--end-time', '2024-05-15T00:00:00Z']]) {
      const text = await ws.validate(window);
      assert.equal(text.code, 1, text.out);
      for (const key of planted)
        assert.ok(
          text.out.includes(`FINDING\tforeign-file\t${key} is not an Insights file`) ||
            text.out.includes(`FINDING\tforeign-file\t${key} is not a file`),
          key,
        );
      const json = JSON.parse(
        (await ws.validate([...window, '--format', 'json'])).out,
      ) as JsonReport;
      assert.deepEqual(foreignKeys(json), planted, window.join(' '));
      assert.deepEqual(insightKeys(json), [DELIVERED[0]]);
      assert.equal(json.chains[0].counts.validLogs, 6, 'the AWS CLI count is unchanged');
      assert.equal(json.exitCode, 1);
    }
    assert.deepEqual(foreignKeys(await fullListing()), planted);
  });

  it('a region with Insights but no digest chain: a planted file there fails too', async () => {
    ws.bucket.chain().hours(2);
    const key = 'AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2024/05/14/evil.json.gz';
    ws.bucket.write(key, RECORDS('Evil'));
    const r = JSON.parse((await ws.validate([...WINDOW, '--format', 'json'])).out) as JsonReport;
    assert.deepEqual(foreignKeys(r), [key]);
    assert.equal(r.exitCode, 1);
    assert.equal((await ws.validate([...WINDOW, '--region', 'us-east-1'])).code, 0);
  });

  it('the VS Code report says how many Insights files no digest vouches for and names them; they are not suspicious logs', async () => {
    ws.bucket.chain().hours(2);
    for (const key of DELIVERED) ws.bucket.write(key, RECORDS('CreateUser'));
    const report = await fullListing();
    const source = new FolderSource(ws.root);
    const { text, links } = renderReport(report, {
      when: 'now',
      keyFiles: [],
      signaturesFile: 's.json',
      localPathOf: (key) => source.localPath(key),
    });
    assert.match(
      text,
      /\n3 CloudTrail Insights file\(s\) in the window are vouched for by no digest \(see Other findings\)\n/,
    );
    assert.match(text, /\n {3}FINDING insights-unvouched: 2 CloudTrail Insights file\(s\) under /);
    const lines = text.split('\n');
    for (const key of DELIVERED) {
      const path = ws.bucket.file(key);
      const link = links.find((l) => l.path === path);
      assert.ok(link, `a link to ${path}`);
      assert.equal(lines[link.line].slice(link.start, link.end), path);
    }
    assert.deepEqual(suspiciousLogKeys(report), []);
  });
});
