// What the general path (files that are not `{"Records":[…]}`: JSON lines, arrays, lookup-events
// output) pays for measuring a text before JSON.parse (jsonScan.ts measureJson: validity, depth,
// element count, so that the budget holds before any value is built), against the parse itself:
//   npx tsx bench/generalPath.bench.ts [DIR] [files] [rounds]
// DIR is a bucket made by bench/generate.ts (default /tmp/ctl-bench-1000000); its delivered files
// are turned into JSON lines and into arrays in memory.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseEventFile } from '../src/core/ingest/eventFile';
import { deeperThan, measureJson } from '../src/core/ingest/jsonScan';

const dir = process.argv[2] ?? '/tmp/ctl-bench-1000000';
const count = Number(process.argv[3] ?? 300);
const rounds = Number(process.argv[4] ?? 9);
const files: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (files.length >= count) return;
    if (e.isDirectory()) walk(join(d, e.name));
    else if (e.name.endsWith('.json.gz') && e.name.includes('_CloudTrail_'))
      files.push(join(d, e.name));
  }
};
walk(dir);
const records = files.map(
  (f) => (JSON.parse(gunzipSync(readFileSync(f)).toString()) as { Records: unknown[] }).Records,
);
const shapes = {
  lines: records.map((r) => r.map((x) => JSON.stringify(x)).join('\n')),
  array: records.map((r) => JSON.stringify(r, null, 2)),
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
/** CPU time of this (single) thread for `f`, in ms: steadier than wall time on a busy machine. */
const cpu = (f: () => void): number => {
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
};
for (const [shape, texts] of Object.entries(shapes)) {
  const mb = texts.reduce((s, t) => s + t.length, 0) / 1e6;
  const parse: number[] = [];
  const measure: number[] = [];
  const walk: number[] = [];
  // The parse alone: the depth walk (which parseEventFile does unless told the text was measured) is timed on its own.
  const parsed = texts.map((t) => parseEventFile(t, { checkDepth: false }).records);
  for (let i = 0; i < rounds; i++) {
    walk.push(
      cpu(() => {
        for (const recs of parsed) for (const r of recs) if (deeperThan(r)) throw new Error('deep');
      }),
    );
    parse.push(cpu(() => texts.forEach((text) => parseEventFile(text, { checkDepth: false }))));
    measure.push(
      cpu(() =>
        texts.forEach((text) => {
          if (!measureJson(text)) throw new Error('not valid');
        }),
      ),
    );
  }
  console.log(
    `${shape}: ${texts.length} files, ${mb.toFixed(1)} MB; parseEventFile ${median(parse).toFixed(0)} ms, measureJson ${median(measure).toFixed(0)} ms (+${((median(measure) / median(parse)) * 100).toFixed(0)}% of the parse), depth walk over the parsed records ${median(walk).toFixed(0)} ms (+${((median(walk) / median(parse)) * 100).toFixed(0)}%), CPU, median of ${rounds}`,
  );
}
