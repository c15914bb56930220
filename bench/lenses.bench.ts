// Code lenses on a big CloudTrail document: how long the structural index takes on a ~50 MB
// pretty-printed log (what provideCodeLenses pays once per document version), against
// JSON.parse and jsonc-parser's parseTree of the same text measured in the same run, and what
// resolving the lenses of one screen costs (what resolveCodeLens pays while scrolling).
// Usage: npx tsx bench/lenses.bench.ts [targetMB=50] [runs=5]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTree } from 'jsonc-parser';
import { describeIdentity } from '../src/core/records/identity';
import { locateField } from '../src/core/records/fieldLocation';
import {
  indexRecords,
  parseRecord,
  recordsBetween,
  recordText,
} from '../src/core/records/recordIndex';
import { describeRequest } from '../src/core/records/request';
import type { CloudTrailRecord } from '../src/core/records/types';

const targetMB = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 5);
const datasets = resolve(__dirname, '..', '..', 'shared', 'datasets');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Real records from the stratus-red-team detonations when present, else a hand-made mix. */
function seedRecords(): CloudTrailRecord[] {
  const dir = join(datasets, 'stratus-red-team', 'docs', 'detonation-logs');
  if (existsSync(dir))
    return readdirSync(dir).flatMap(
      (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CloudTrailRecord[],
    );
  console.log('(../shared/datasets absent: using hand-made records)');
  return [
    {
      eventVersion: '1.08',
      eventTime: '2024-05-14T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      userIdentity: { type: 'IAMUser', userName: 'bob', accessKeyId: 'AKIAEXAMPLEEXAMPLE12' },
      requestParameters: { userName: 'bob' },
    },
    {
      eventVersion: '1.08',
      eventTime: '2024-05-14T10:00:01Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'AuthorizeSecurityGroupIngress',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::1:assumed-role/Admin/alice',
        sessionContext: {
          sessionIssuer: { userName: 'Admin' },
          attributes: { mfaAuthenticated: 'false' },
        },
      },
      requestParameters: {
        groupId: 'sg-1',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIp: '0.0.0.0/0',
      },
    },
  ];
}

function buildDocument(): { text: string; records: number } {
  const seeds = seedRecords();
  const records: CloudTrailRecord[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetMB * 1024 * 1024; i++) {
    const r = { ...seeds[i % seeds.length], eventID: `bench-${i}` };
    records.push(r);
    bytes += JSON.stringify(r, null, 2).length + 8;
  }
  // Pretty-printed like the readable .json.gz documents the extension shows.
  return { text: JSON.stringify({ Records: records }, null, 2), records: records.length };
}

function main(): void {
  const { text, records } = buildDocument();
  console.log(
    `document: ${(text.length / 1024 / 1024).toFixed(1)} MB, ${records} records, ${text.split('\n').length} lines`,
  );

  const indexMs: number[] = [];
  const parseMs: number[] = [];
  const treeMs: number[] = [];
  let index = indexRecords(text);
  for (let i = 0; i < runs; i++) {
    indexMs.push(time(() => (index = indexRecords(text))));
    parseMs.push(time(() => JSON.parse(text)));
    treeMs.push(time(() => parseTree(text)));
  }
  if (index.records.length !== records)
    throw new Error(`index found ${index.records.length} records, expected ${records}`);

  // One screen: ~60 lines of a pretty-printed log hold 1–2 records; take a generous 20-record
  // window in the middle of the document, as resolveCodeLens would after a jump there.
  const mid = index.records[Math.floor(index.records.length / 2)];
  const window = recordsBetween(index, mid.start, mid.start + 1).concat(
    index.records.slice(index.records.indexOf(mid) + 1, index.records.indexOf(mid) + 20),
  );
  const screenMs: number[] = [];
  for (let i = 0; i < runs * 20; i++) {
    screenMs.push(
      time(() => {
        for (const r of window) {
          const rec = parseRecord(recordText(text, r), r);
          if (!rec) throw new Error('unparseable record');
          describeIdentity(rec.userIdentity, rec);
          describeRequest(rec);
        }
      }),
    );
  }
  const allMs = time(() => {
    for (const r of index.records) {
      const rec = parseRecord(recordText(text, r), r)!;
      describeIdentity(rec.userIdentity, rec);
      describeRequest(rec);
    }
  });
  const last = index.records[index.records.length - 1];
  const hoverAt = last.start + recordText(text, last).indexOf('"eventTime"') + 2;
  const hoverMs = median(
    Array.from({ length: runs * 20 }, () =>
      time(() => locateField(recordText(text, last), last, hoverAt)),
    ),
  );

  const m = median(indexMs);
  console.log(
    `structural index (provideCodeLenses, once per version): median ${m.toFixed(0)} ms over ${runs} runs`,
  );
  console.log(
    `  baseline JSON.parse of the same text:        median ${median(parseMs).toFixed(0)} ms  (index/JSON.parse = ${(m / median(parseMs)).toFixed(2)}×)`,
  );
  console.log(
    `  baseline jsonc-parser parseTree:             median ${median(treeMs).toFixed(0)} ms  (index/parseTree = ${(m / median(treeMs)).toFixed(2)}×)`,
  );
  console.log(
    `resolve one screen (20 records: parse + identity + request): median ${median(screenMs).toFixed(2)} ms`,
  );
  console.log(
    `resolve every lens of the document (not done by the extension): ${allMs.toFixed(0)} ms (${((allMs / records) * 1000).toFixed(1)} µs per record)`,
  );
  console.log(`hover lookup on the last record: median ${hoverMs.toFixed(3)} ms`);
}

main();
