// Reopening a scope from the persisted index against loading it from the files, side by side:
//   npx tsx bench/reopen.bench.ts [--events 1000000] [--runs 3]
// Uses (or generates, seed 1) the bucket of bench/ingest.bench.ts. Each run, in its own
// processes, in alternating order: a load from the files without the cache (the baseline), and a
// reopening from a pack written by an earlier load. Both time what a timeline shows first
// (count, histogram, 4 facets, first 100 rows) from the start of the process's work.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateBucket } from '../src/core/synthetic/generator';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

interface Run {
  shownMs: number;
  saveMs: number;
  events: number;
  hits: number;
  misses: number;
  packMB: number;
  maxRssMB: number;
}

async function main(): Promise<void> {
  const events = Number(arg('events', '1000000'));
  const runs = Number(arg('runs', '3'));
  const dir = `/tmp/ctl-bench-${events}`;
  if (!existsSync(`${dir}.tally.json`))
    writeFileSync(
      `${dir}.tally.json`,
      JSON.stringify(await generateBucket({ events, out: dir, seed: 1 })),
    );
  const outdir = path.join(os.tmpdir(), 'ctl-bench-reopen-build');
  for (const [entry, name] of [
    ['bench/reopenOnce.ts', 'reopenOnce.js'],
    ['src/core/ingest/ingestWorker.ts', 'ingestWorker.js'],
  ]) {
    esbuild.buildSync({
      entryPoints: [path.join(__dirname, '..', entry)],
      outfile: path.join(outdir, name),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
      mainFields: ['module', 'main'],
    });
  }
  const once = (cacheDir?: string): Run => {
    const child = spawnSync(
      process.execPath,
      [path.join(outdir, 'reopenOnce.js'), dir, ...(cacheDir ? [cacheDir] : [])],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as Run;
    if (r.events !== events) throw new Error(`${r.events} events shown of ${events}`);
    return r;
  };
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ctl-bench-pack-'));
  const first = once(cacheDir); // writes the pack
  console.log(
    `${events} events; pack written by a first load: ${first.packMB.toFixed(0)} MB in ${first.saveMs.toFixed(0)} ms; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  const full: Run[] = [];
  const reopen: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const order: Array<[Run[], string | undefined]> =
      i % 2
        ? [
            [reopen, cacheDir],
            [full, undefined],
          ]
        : [
            [full, undefined],
            [reopen, cacheDir],
          ];
    for (const [list, c] of order) list.push(once(c));
    const r = reopen[reopen.length - 1];
    if (r.misses !== 0) throw new Error(`the reopening read ${r.misses} files`);
    console.log(
      `run ${i + 1}: load from files ${full[i].shownMs.toFixed(0)} ms (RSS ${full[i].maxRssMB.toFixed(0)} MB), reopen ${r.shownMs.toFixed(0)} ms (${r.hits} files from the pack, RSS ${r.maxRssMB.toFixed(0)} MB), load average ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  const f = median(full.map((r) => r.shownMs));
  const o = median(reopen.map((r) => r.shownMs));
  console.log(
    `median: load from files ${f.toFixed(0)} ms, reopen from the pack ${o.toFixed(0)} ms: ${(f / o).toFixed(1)}× faster (target ≤ 1500 ms)`,
  );
  rmSync(cacheDir, { recursive: true, force: true });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
