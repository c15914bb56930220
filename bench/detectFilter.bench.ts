// `detection:` and `level:` filters on the index at 1M events, against indexed filters on record
// fields in the same run (the ≤ 30 ms goal of issue 17):
//   npx tsx bench/detectFilter.bench.ts [--events 1000000] [--dir /tmp/ctl-bench-1000000] [--runs 9]
// Loads the generated bucket (bench/bucket.ts makes it when DIR does not hold one), runs the
// built-in pack once (IndexDetections), then times index.query (the mask, the rows in time
// order) for each filter; medians of RUNS.
import { builtinRules } from '../src/core/detect/builtinPack';
import { IndexDetections } from '../src/core/detect/indexDetections';
import { EventIndex } from '../src/core/index/eventIndex';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { parseQuery } from '../src/core/query/parse';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';
import { arg, generatedBucket, median } from './bucket';

const FILTERS = [
  ['baseline: event:ConsoleLogin', 'event:ConsoleLogin'],
  ['baseline: NOT readonly:true AND region:us-east-1', 'NOT readonly:true AND region:us-east-1'],
  ['level:high', 'level:high'],
  ['level:medium OR level:high', 'level:medium OR level:high'],
  ['detection:*', 'detection:*'],
  ['detection:"*console*"', 'detection:"*console*"'],
  ['NOT detection:* AND region:us-east-1', 'NOT detection:* AND region:us-east-1'],
] as const;

async function main(): Promise<void> {
  const events = Number(arg('events', '1000000'));
  const dir = arg('dir', `/tmp/ctl-bench-${events}`);
  const runs = Number(arg('runs', '9'));
  await generatedBucket(events, dir);
  const pool = new WorkerPool();
  try {
    const index = new EventIndex({ runner: pool });
    // The rules are known before the load, as in the CLI and the timeline (LoadOptions.rules).
    const rules = builtinRules();
    await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events, { rules });
    index.order();
    index.rank();
    const detections = new IndexDetections(index, rules);
    const t = performance.now();
    await detections.update();
    console.log(
      `indexed ${index.size} events; the pack (${detections.rules.length} rules) ran in ${(performance.now() - t).toFixed(0)} ms`,
    );
    console.log(
      `\n| filter (${index.size.toLocaleString('en-US')} events, median of ${runs}) | matches | time |\n|---|---|---|`,
    );
    for (const [label, filter] of FILTERS) {
      const node = parseQuery(filter);
      const times: number[] = [];
      let matches = 0;
      await index.query(node); // warm: the compiled loop for the query's shape
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        matches = (await index.query(node)).rows.length;
        times.push(performance.now() - s);
      }
      console.log(
        `| ${label} | ${matches.toLocaleString('en-US')} | ${median(times).toFixed(1)} ms |`,
      );
    }
  } finally {
    await pool.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
