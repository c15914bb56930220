// The index cache's save in steps (IndexCache.saving), as the timeline runs it once a load is on
// screen: how long the save takes, in how many steps, and how long the longest step holds the
// thread (the view's messages wait for it). Loads DIR with a fresh cache in a temporary folder,
// takes the index's state once (the timeline has its time order and origins before it saves),
// then times every step of the pack's entries and header and of the snapshot.
//
//   node scripts/build.mjs && node bench/runBundled.mjs bench/cacheSave.bench.ts DIR [--runs N]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventIndex } from '../src/core/index/eventIndex';
import { IndexCache } from '../src/core/ingest/indexCache';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';

async function once(dir: string): Promise<string> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ctl-cache-save-'));
  try {
    const pool = new WorkerPool();
    const index = new EventIndex({ runner: pool });
    const cache = IndexCache.open(cacheDir, 'bench');
    await loadEventFiles(index, pool, (await discover(new FolderSource(dir))).events, { cache });
    await pool.close();
    index.state();
    const steps = cache.saving();
    const times: number[] = [];
    let packSteps = 0;
    for (;;) {
      const t = performance.now();
      const r = steps.next();
      times.push(performance.now() - t);
      if (packSteps === 0 && existsSync(cache.path)) packSteps = times.length;
      if (r.done) break;
    }
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    const longest = [...times].sort((a, b) => b - a);
    return (
      `${index.eventCount.toLocaleString('en-US')} events: the pack's entries and header ` +
      `${sum(times.slice(0, packSteps)).toFixed(0)} ms in ${packSteps} steps, the snapshot ` +
      `${sum(times.slice(packSteps)).toFixed(0)} ms in ${times.length - packSteps} steps; ` +
      `longest steps ${longest
        .slice(0, 3)
        .map((x) => x.toFixed(1))
        .join(', ')} ms`
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 3;
  if (!dir) throw new Error('usage: bench/cacheSave.bench.ts DIR [--runs N]');
  for (let r = 1; r <= runs; r++) console.log(`run ${r}: ${await once(dir)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
