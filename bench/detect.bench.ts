// The built-in rule pack over an indexed generated bucket (benign background activity):
//   npx tsx bench/detect.bench.ts [--events 1000000] [--dir /tmp/ctl-bench-1000000] [--runs 7]
//     [--loads 3] [--fallback-runs 1] [--snapshot-runs 3]
// Generates the bucket first when DIR does not hold one (seed 1, as bench/ingest.bench.ts).
// Prints, medians: the load's wall and CPU time (the process: main thread and workers) without
// and with the rules given to the load (LoadOptions.rules: undecided rows decided at ingest),
// LOADS of each alternating, so the two see the same machine; then, on the index loaded with
// the rules, one scan of the eventName column against a dictionary table (the same-run
// baseline: the cheapest possible pass over the rows) and runRules with every rule of the pack
// (RUNS); runRules on the index loaded without the rules (every undecided row read again from
// its file, FALLBACK-RUNS); runRules on an index reopened from the whole-index snapshot of a
// load with the rules (another EventIndex, the pack parsed again: new rule objects, found by
// fingerprint; SNAPSHOT-RUNS, 0 to skip); and the hits per rule and per level, as a rate per 1M
// events (the pack's noise on benign activity).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRules, BUILTIN_PACK_YAML } from '../src/core/detect/builtinPack';
import { LEVELS, parseSigmaRules, SigmaRule } from '../src/core/detect/rule';
import { DetectionRun, runRules } from '../src/core/detect/run';
import { EventIndex } from '../src/core/index/eventIndex';
import { IndexCache } from '../src/core/ingest/indexCache';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';
import { arg, generatedBucket, median } from './bucket';

/** One load of the bucket: wall and process CPU time (ms). */
async function load(
  dir: string,
  pool: WorkerPool,
  rules?: readonly SigmaRule[],
  cache?: IndexCache,
): Promise<{ index: EventIndex; wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const index = new EventIndex({ runner: pool });
  await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events, {
    rules,
    cache,
  });
  index.order();
  const cpu = process.cpuUsage(cpu0);
  return { index, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load1 = () => loadavg()[0].toFixed(1);

async function main(): Promise<void> {
  const events = Number(arg('events', '1000000'));
  const dir = arg('dir', `/tmp/ctl-bench-${events}`);
  const runs = Number(arg('runs', '7'));
  const loads = Number(arg('loads', '3'));
  const fallbackRuns = Number(arg('fallback-runs', '1'));
  const snapshotRuns = Number(arg('snapshot-runs', '3'));
  const tally = await generatedBucket(events, dir);
  const pool = new WorkerPool();
  const rules = builtinRules();
  const averages: string[] = [load1()];
  try {
    const plain = { wall: [] as number[], cpu: [] as number[] };
    const decided = { wall: [] as number[], cpu: [] as number[] };
    let index: EventIndex | undefined;
    let plainIndex: EventIndex | undefined;
    for (let i = 0; i < loads; i++) {
      // Alternating, the first of each pair switching, so neither always goes first.
      for (const withRules of i % 2 === 0 ? [false, true] : [true, false]) {
        if (withRules) index = undefined;
        else plainIndex = undefined;
        const l = await load(dir, pool, withRules ? rules : undefined);
        const m = withRules ? decided : plain;
        m.wall.push(l.wallMs);
        m.cpu.push(l.cpuMs);
        if (withRules) index = l.index;
        else plainIndex = l.index;
        console.log(
          `load ${withRules ? 'with   ' : 'without'} the rules: ${secs(l.wallMs)} wall, ${secs(l.cpuMs)} CPU (load average ${load1()})`,
        );
      }
    }
    averages.push(load1());
    if (!index || !plainIndex) throw new Error('--loads must be at least 1');
    console.log(
      `indexed ${index.size} events (${tally.files} files) with ${pool.threads} workers on ${cpus().length} cores`,
    );
    const col = index.store.scalarByField.get('eventName')!;
    const scan: number[] = [];
    const detect: number[] = [];
    const columns: number[] = [];
    const answers: number[] = [];
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
      answers.push(run.timings.answersMs);
      raw.push(run.timings.rawMs);
    }
    const fallback: number[] = [];
    let fallbackRun: DetectionRun | undefined;
    for (let i = 0; i < fallbackRuns; i++) {
      const t = performance.now();
      fallbackRun = await runRules(plainIndex, rules);
      fallback.push(performance.now() - t);
    }
    const reopened =
      snapshotRuns > 0 ? await afterReopening(dir, pool, rules, snapshotRuns) : undefined;
    averages.push(load1());
    if (fallbackRun) assertSameHits(index, run, plainIndex, fallbackRun);
    if (reopened) assertSameHits(index, run, reopened.index, reopened.run);
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    console.log(
      `\n| the load (${index.size.toLocaleString('en-US')} events, median of ${loads} each, alternating) | wall | CPU (process) |\n|---|---|---|`,
    );
    console.log(`| without the rules | ${secs(median(plain.wall))} | ${secs(median(plain.cpu))} |`);
    console.log(
      `| with the rules (undecided rows decided at ingest) | ${secs(median(decided.wall))} | ${secs(median(decided.cpu))} |`,
    );
    console.log(
      `| ratio | ${ratio(decided.wall, plain.wall)}× | ${ratio(decided.cpu, plain.cpu)}× |`,
    );
    console.log(
      `\n| measure (${index.size.toLocaleString('en-US')} events, median of ${runs}) | time | vs. baseline |\n|---|---|---|`,
    );
    const row = (what: string, ms: number) =>
      console.log(
        `| ${what} | ${ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms | ${(ms / median(scan)).toFixed(0)}× |`,
      );
    row('baseline: one scan of the eventName column', median(scan));
    row(
      `runRules: the built-in pack (${rules.length} rules), loaded with the rules`,
      median(detect),
    );
    row('… of which the column phase (dictionary tables, eventName buckets)', median(columns));
    row('… of which looking up the answers decided at ingest', median(answers));
    row('… of which reading rows again and evaluating them', median(raw));
    if (fallback.length)
      row(
        `runRules on the index loaded without the rules (every undecided row read again; ${fallback.length === 1 ? 'one run' : `median of ${fallback.length}`})`,
        median(fallback),
      );
    if (reopened)
      row(
        `runRules after a reopening from the snapshot (the pack parsed again; median of ${snapshotRuns}; the reopening took ${secs(reopened.reopenMs)})`,
        median(reopened.ms),
      );
    console.log(
      `\nrows decided at ingest: ${run.answeredRows}; rows read again from their files: ${run.rawRows}` +
        (fallbackRun ? ` (without the rules at load: ${fallbackRun.rawRows})` : '') +
        (reopened ? ` (after the reopening: ${reopened.run.rawRows})` : ''),
    );
    console.log(
      `load average (1 min) at the start, after the loads, at the end: ${averages.join(', ')}`,
    );
    const perM = (k: number) => ((k / index.size) * 1e6).toFixed(0);
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

/**
 * A load with the rules into a fresh cache (saved: its snapshot written), then another index
 * reopened from it and runRules with the pack parsed again, RUNS times.
 */
async function afterReopening(
  dir: string,
  pool: WorkerPool,
  rules: readonly SigmaRule[],
  runs: number,
): Promise<{ index: EventIndex; run: DetectionRun; ms: number[]; reopenMs: number }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ctl-bench-detect-cache-'));
  try {
    const first = IndexCache.open(cacheDir, dir);
    await load(dir, pool, rules, first);
    first.save();
    const second = IndexCache.open(cacheDir, dir);
    const { index, wallMs } = await load(dir, pool, undefined, second);
    if (!second.stats.snapshot) throw new Error('the index was not reopened from its snapshot');
    const again = parseSigmaRules(BUILTIN_PACK_YAML, 'built-in').rules;
    const ms: number[] = [];
    let run: DetectionRun | undefined;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      run = await runRules(index, again);
      ms.push(performance.now() - t);
    }
    return { index, run: run!, ms, reopenMs: wallMs };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** The two paths must find the same events (by file and position: rows are numbered as files finish). */
function assertSameHits(
  a: EventIndex,
  runA: DetectionRun,
  b: EventIndex,
  runB: DetectionRun,
): void {
  const where = (index: EventIndex, rows: Uint32Array) =>
    [...rows]
      .map(
        (r) =>
          `${index.store.fileOf[r] >= 0 ? index.files[index.store.fileOf[r]].key : ''}#${index.store.elementOf[r]}`,
      )
      .sort()
      .join(',');
  runA.hits.forEach((h, k) => {
    if (where(a, h.rows) !== where(b, runB.hits[k].rows))
      throw new Error(`${h.rule.title}: the two paths disagree`);
  });
  console.log('the hits of both paths are the same events');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
