// The built-in rule pack over an indexed generated bucket (benign background activity):
//   npx tsx bench/detect.bench.ts [--events 1000000] [--dir /tmp/ctl-bench-1000000] [--runs 7]
// Generates the bucket first when DIR does not hold one (seed 1, as bench/ingest.bench.ts).
// Prints, medians of RUNS: one scan of the eventName column against a dictionary table (the
// same-run baseline: the cheapest possible pass over the rows), and runRules with every rule of
// the pack; how many rows had to be read again from their files; and the hits per rule and per
// level, as a rate per 1M events (the pack's noise on benign activity).
import { builtinRules } from '../src/core/detect/builtinPack';
import { LEVELS } from '../src/core/detect/rule';
import { runRules } from '../src/core/detect/run';
import { EventIndex } from '../src/core/index/eventIndex';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';
import { arg, generatedBucket, median } from './bucket';

async function main(): Promise<void> {
  const events = Number(arg('events', '1000000'));
  const dir = arg('dir', `/tmp/ctl-bench-${events}`);
  const runs = Number(arg('runs', '7'));
  const tally = await generatedBucket(events, dir);
  const pool = new WorkerPool();
  try {
    const index = new EventIndex({ runner: pool });
    const t0 = performance.now();
    await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events);
    index.order();
    console.log(
      `indexed ${index.size} events (${tally.files} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s with ${pool.threads} workers`,
    );
    const rules = builtinRules();
    const col = index.store.scalarByField.get('eventName')!;
    const scan: number[] = [];
    const detect: number[] = [];
    const columns: number[] = [];
    const raw: number[] = [];
    let run = await runRules(index, rules);
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      // Baseline: one pass over one column, a dictionary table looked up per row.
      const table = new Uint8Array(col.dict.size);
      table[col.dict.find('DeleteTrail')] = 1;
      let n = 0;
      const ids = col.ids;
      for (let r = 0; r < index.size; r++) n += table[ids[r]] ?? 0;
      scan.push(performance.now() - t);
      if (n < 0) console.log(n);
      t = performance.now();
      run = await runRules(index, rules);
      detect.push(performance.now() - t);
      columns.push(run.timings.columnsMs);
      raw.push(run.timings.rawMs);
    }
    const perM = (k: number) => ((k / index.size) * 1e6).toFixed(0);
    console.log(
      `\n| measure (${index.size.toLocaleString('en-US')} events, median of ${runs}) | time | vs. baseline |\n|---|---|---|`,
    );
    console.log(
      `| baseline: one scan of the eventName column | ${median(scan).toFixed(1)} ms | 1× |`,
    );
    console.log(
      `| runRules: the built-in pack (${rules.length} rules) | ${median(detect).toFixed(0)} ms | ${(median(detect) / median(scan)).toFixed(0)}× |`,
    );
    console.log(
      `| … of which the column phase (dictionary tables, eventName buckets) | ${median(columns).toFixed(0)} ms | ${(median(columns) / median(scan)).toFixed(0)}× |`,
    );
    console.log(
      `| … of which reading undecided rows again and evaluating them | ${median(raw).toFixed(0)} ms | ${(median(raw) / median(scan)).toFixed(0)}× |`,
    );
    console.log(`\nrows read again from their files: ${run.rawRows} (${perM(run.rawRows)} per 1M)`);
    const byLevel = new Map<string, Set<number>>();
    for (const h of run.hits) {
      const s = byLevel.get(h.rule.level) ?? new Set<number>();
      for (const r of h.rows) s.add(r);
      byLevel.set(h.rule.level, s);
    }
    console.log(`\n| level | events with a hit | per 1M events |\n|---|---|---|`);
    for (const l of [...LEVELS].reverse())
      console.log(`| ${l} | ${byLevel.get(l)?.size ?? 0} | ${perM(byLevel.get(l)?.size ?? 0)} |`);
    console.log(`\n| rule | level | hits | per 1M events |\n|---|---|---|---|`);
    for (const h of [...run.hits].sort((a, b) => b.rows.length - a.rows.length))
      if (h.rows.length)
        console.log(
          `| ${h.rule.title} | ${h.rule.level} | ${h.rows.length} | ${perM(h.rows.length)} |`,
        );
  } finally {
    await pool.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
