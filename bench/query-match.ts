// matchesRecord throughput: what the index pays per record on its raw-evaluation path (free
// text, fields it does not keep as columns, irregular rows). Records: the real Panther
// CloudTrail test events from ../shared/datasets, repeated to ~50 MB of JSON, parsed once up
// front (the worker parses each record anyway; parsing is measured by the ingest benchmark).
// Baselines measured in the same run: a case-sensitive String.includes over the raw text (the
// floor of any substring search) and toLowerCase().includes (the naive case-insensitive search).
// Usage: npx tsx bench/query-match.ts [megabytes=50] [runs=7]
import { readFileSync } from 'node:fs';
import { matchesRecord } from '../src/core/query/match';
import { parseQuery } from '../src/core/query/parse';
import { dataset, datasetsAvailable } from '../test/support/datasets';

const megabytes = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 7);

if (!datasetsAvailable()) {
  console.error(
    'bench/query-match.ts needs ../shared/datasets (panther-analysis/cloudtrail-test-events.jsonl)',
  );
  process.exit(2);
}
const lines = readFileSync(dataset('panther-analysis', 'cloudtrail-test-events.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const raws: string[] = [];
let bytes = 0;
while (bytes < megabytes * 1e6) {
  for (const l of lines) {
    raws.push(l);
    bytes += l.length;
  }
}
const records = raws.map((r) => JSON.parse(r));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label: string, test: (i: number) => boolean): void {
  const times: number[] = [];
  let hits = 0;
  for (let k = 0; k < runs; k++) {
    const t = process.hrtime.bigint();
    hits = 0;
    for (let i = 0; i < raws.length; i++) if (test(i)) hits++;
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const ms = median(times);
  const mbps = bytes / 1e6 / (ms / 1000);
  const rps = raws.length / (ms / 1000);
  console.log(
    `${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${mbps.toFixed(0).padStart(5)} MB/s  ${(rps / 1e6).toFixed(2).padStart(5)} M records/s  (${hits} hits)`,
  );
}

console.log(
  `${raws.length.toLocaleString('en-US')} records, ${(bytes / 1e6).toFixed(1)} MB of JSON, median of ${runs} runs`,
);
measure('baseline: raw.includes("AccessDenied")', (i) => raws[i].includes('AccessDenied'));
measure('baseline: raw.toLowerCase().includes("accessdenied")', (i) =>
  raws[i].toLowerCase().includes('accessdenied'),
);
for (const q of [
  'accessdenied',
  '"access denied"',
  'eventName:ConsoleLogin',
  'eventName:*Policy*',
  'user:bob.ross',
  'eventTime>=2024-01-01 eventTime<2025',
  'requestParameters.bucketName:* -readOnly:true',
  '(eventName:Create* OR error:*) NOT type:AssumedRole',
]) {
  const ast = parseQuery(q);
  measure(`matchesRecord: ${q}`, (i) => matchesRecord(ast, records[i], raws[i]));
}
