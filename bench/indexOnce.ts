// One measured run of the engine, in its own process so that peak RSS is this run's alone:
// list + index every event file under DIR with the worker pool (loading as the listing finds
// files, as the CLI and the timeline do), sort by time, then time a
// few filters. Prints one JSON line. Used by bench/ingest.bench.ts. With --index-only it stops
// after the load (for a profile of the load alone).
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { EventIndex } from '../src/core/index/eventIndex';
import { parseQuery } from '../src/core/query/parse';
import { loadEventFiles } from '../src/core/ingest/load';
import { WorkerPool } from '../src/core/ingest/pool';
import { eventFilesUnder } from '../src/core/sources/discover';
import { FolderSource } from '../src/core/sources/folder';

export const FILTERS = [
  'eventName:GetObject AND errorCode:AccessDenied AND awsRegion:us-east-1',
  'type:AssumedRole AND readOnly:false AND eventSource:ec2.amazonaws.com',
  'user:alice AND NOT readOnly:true AND time>=2024-05-14T12:00:00Z',
  'origin:alice',
  // Matches 33,240 events of the 1M bucket (the chain-* users exist only with --chains).
  'origin:*:user/* AND readOnly:false',
];

function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const mainCpuStart = mainThreadCpuMs();
  const pool = new WorkerPool();
  const index = new EventIndex({ runner: pool });
  const summary = await loadEventFiles(index, pool, eventFilesUnder(new FolderSource(dir), ''));
  index.order();
  // Attribution is part of indexing: every event's origin, resolved once the files are in.
  const originStarted = performance.now();
  const origins = index.origins();
  const originMs = performance.now() - originStarted;
  const indexMs = performance.now() - started;
  // CPU of every thread of the process (main and workers) while indexing.
  const cpu = process.cpuUsage(cpuStart);
  const indexCpuMs = (cpu.user + cpu.system) / 1000;
  // CPU of the main thread alone (Linux: /proc), the rest being the workers, GC helpers and I/O.
  const mainCpuMs = mainThreadCpuMs() - mainCpuStart;
  // Where the memory is once loaded (main thread; the workers' heaps are in RSS only).
  const mem = process.memoryUsage();
  const heap = getHeapStatistics();
  const memoryMB = {
    rss: mem.rss / 1048576,
    heapUsed: mem.heapUsed / 1048576,
    heapTotal: mem.heapTotal / 1048576,
    external: mem.external / 1048576,
    arrayBuffers: mem.arrayBuffers / 1048576,
    heapLimit: heap.heap_size_limit / 1048576,
  };
  if (process.argv.includes('--index-only')) {
    // For profiles of the load alone (perf over the whole process): no filters after it.
    console.log(JSON.stringify({ events: index.size, indexMs, indexCpuMs, mainCpuMs }));
    await pool.close();
    return;
  }
  const filters = FILTERS.map((text) => {
    const node = parseQuery(text);
    return { text, node, times: [] as number[], matches: 0 };
  });
  for (let i = 0; i < 21; i++) {
    for (const f of filters) {
      const t = performance.now();
      f.matches = (await index.query(f.node)).rows.length;
      f.times.push(performance.now() - t);
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const runJq = await index.query(parseQuery('eventName:RunInstances'));
  console.log(
    JSON.stringify({
      threads: pool.threads,
      files: summary.filesTotal,
      failed: summary.filesFailed,
      events: index.size,
      indexMs,
      originMs,
      originsDistinct: origins.origins.length,
      indexCpuMs,
      mainCpuMs,
      runInstances: runJq.rows.length,
      filters: filters.map((f) => ({
        text: f.text,
        medianMs: median(f.times),
        matches: f.matches,
      })),
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      columnMB: index.columnBytes / 1024 / 1024,
      memoryMB,
    }),
  );
  await pool.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
