// One measured opening of a scope, in its own process: discover + load every event file under
// DIR (from the index cache in CACHE_DIR when given: its snapshot when there is one, else its
// pack), then what a timeline shows first: the count, the histogram, four facets and the first
// 100 rows. Then the cache is saved (timed apart). Prints one JSON line. Used by
// bench/reopen.bench.ts.
import { EventIndex } from '../src/core/index/eventIndex';
import { parseQuery } from '../src/core/query/parse';
import { IndexCache } from '../src/core/ingest/indexCache';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { discover } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';

async function main(): Promise<void> {
  const [dir, cacheDir] = process.argv.slice(2);
  const started = performance.now();
  const pool = new WorkerPool();
  const index = new EventIndex({ runner: pool });
  const cache = cacheDir ? IndexCache.open(cacheDir, dir) : undefined;
  const found = await discover(new FolderSource(dir));
  await loadEventFiles(index, pool, found.events, { cache });
  const all = await index.query(parseQuery(''));
  const bounds = index.timeBounds()!;
  const histogram = index.histogram(all, bounds.from, bounds.to + 1, 200);
  const facets = ['eventName', 'eventSource', 'awsRegion', 'sourceIPAddress'].map((f) =>
    index.facet(all, f, 10),
  );
  const rows = index.summaries(all, 0, 100);
  const shownMs = performance.now() - started;
  const cpu = process.cpuUsage(); // all threads of the process, to the timeline shown
  const t = performance.now();
  cache?.save();
  const saveMs = performance.now() - t;
  console.log(
    JSON.stringify({
      shownMs,
      saveMs,
      events: all.rows.length,
      bins: histogram.counts.length,
      facets: facets.length,
      rows: rows.length,
      hits: cache?.stats.hits ?? 0,
      misses: cache?.stats.misses ?? 0,
      packMB: (cache?.stats.bytes ?? 0) / 1e6,
      snapshot: cache?.stats.snapshot ?? false,
      snapshotMB: (cache?.stats.snapshotBytes ?? 0) / 1e6,
      snapshotWriteMs: cache?.stats.snapshotWriteMs ?? 0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  await pool.close();
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
