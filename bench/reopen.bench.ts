// Reopening a scope from the persisted index against loading it from the files, side by side:
//   npx tsx bench/reopen.bench.ts [--events 1000000] [--runs 3]
// Uses (or generates, seed 1) the bucket of bench/ingest.bench.ts. A first load writes the
// scope's pack and snapshot. Then each run, each opening in its own process, in rotating order:
// a load from the files without the cache (the baseline), a reopening with nothing changed (the
// snapshot), and a reopening from the pack alone (what serves when a file changed: the same
// cache with its snapshot removed). All time what a timeline shows first (count, histogram,
// 4 facets, first 100 rows) from the start of the process's work, listing included.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
  cpuMs: number;
  saveMs: number;
  events: number;
  hits: number;
  misses: number;
  packMB: number;
  snapshot: boolean;
  snapshotMB: number;
  snapshotWriteMs: number;
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
  const packDir = path.join(cacheDir, 'pack-only');
  const first = once(cacheDir); // writes the pack and the snapshot
  mkdirSync(packDir);
  for (const name of readdirSync(cacheDir))
    if (name.endsWith('.ctlindex'))
      copyFileSync(path.join(cacheDir, name), path.join(packDir, name));
  console.log(
    `${events} events; written by a first load: pack ${first.packMB.toFixed(0)} MB and snapshot ${first.snapshotMB.toFixed(0)} MB in ${first.saveMs.toFixed(0)} ms (the snapshot ${first.snapshotWriteMs.toFixed(0)} ms; peak RSS ${first.maxRssMB.toFixed(0)} MB); ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  const full: Run[] = [];
  const snapshot: Run[] = [];
  const pack: Run[] = [];
  const sides: Array<[Run[], () => Run]> = [
    [full, () => once()],
    [snapshot, () => once(cacheDir)],
    [
      pack,
      () => {
        for (const name of readdirSync(packDir))
          if (name.endsWith('.ctlsnap')) rmSync(path.join(packDir, name));
        return once(packDir);
      },
    ],
  ];
  const line = (what: string, r: Run) =>
    `${what} ${r.shownMs.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms, RSS ${r.maxRssMB.toFixed(0)} MB)`;
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < sides.length; k++) {
      const [list, run] = sides[(i + k) % sides.length];
      list.push(run());
    }
    const s = snapshot[i];
    if (!s.snapshot || s.misses !== 0) throw new Error(`the reopening read ${s.misses} files`);
    const p = pack[i];
    if (p.snapshot || p.misses !== 0) throw new Error(`the pack reopening read ${p.misses} files`);
    console.log(
      `run ${i + 1}: ${line('load from files', full[i])}, ${line('snapshot', s)}, ${line('pack', p)}, load average ${os.loadavg()[0].toFixed(1)}`,
    );
  }
  const f = median(full.map((r) => r.shownMs));
  const o = median(snapshot.map((r) => r.shownMs));
  const p = median(pack.map((r) => r.shownMs));
  console.log(
    `median: load from files ${f.toFixed(0)} ms, reopen from the snapshot ${o.toFixed(0)} ms (${(f / o).toFixed(1)}× faster; target ≤ 1500 ms), from the pack ${p.toFixed(0)} ms (${(f / p).toFixed(1)}×)`,
  );
  rmSync(cacheDir, { recursive: true, force: true });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
