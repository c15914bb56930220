// Timeline benchmark, host side: what the extension does between a user's action and the reply
// the webview paints from, on a generated bucket (default 1,000,000 events).
//
//   npx tsx bench/timeline.ts [--events N] [--runs R] [--dir DIR]
//
// --dir: an already generated bucket instead of bench/data/ (e.g. bench/ingest.bench.ts's
// /tmp/ctl-bench-10000000, whose tally file DIR.tally.json gives the event count: issue 15 §3).
//
// 1. "Open Timeline" → first page: a fresh index and worker pool, the load started exactly as
//    the panel starts it, and the view's first requests (ready, then query with the first page
//    and the histogram) answered as soon as the first events are in. Time to that reply.
// 2. Filter change → page + histogram: after the full load, each filter runs through the
//    session as the view sends it (one `query` message answering count, histogram and the first
//    200 rows); then the facets request the view sends right after. Medians over R runs.
// 3. Reply sizes: what crosses to the webview per query (the view never holds all events).
// End-to-end paint times in a real browser: bench/timelineBrowser.ts.
import { QUIET_HOST } from '../test/support/timelineAsk';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { EventIndex } from '../src/core/index/eventIndex';
import { WorkerPool } from '../src/core/ingest/pool';
import { FolderSource } from '../src/core/sources/folder';
import { IndexTimelineData } from '../src/extension/timeline/indexAdapter';
import { loadScope } from '../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../src/extension/timeline/timelineSession';
import { Envelope, ToWebview } from '../src/protocol';
import { benchBucket } from './timelineData';

const argText = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string, dflt: number): number => Number(argText(name) ?? dflt);

const FILTERS = [
  '',
  'event:ConsoleLogin',
  'error:*',
  'service:s3 -readonly:true',
  'user:alice',
  'ip:198.51.100.*',
  'eventName:Get* region:us-east-1',
  '(event:AssumeRole OR event:GetSessionToken) -type:AWSService',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function client(session: TimelineSession, posted: Envelope[]) {
  let id = 1;
  return async (body: object): Promise<{ reply: ToWebview; bytes: number }> => {
    const my = id++;
    await session.receive({ id: my, body });
    const i = posted.findIndex((e) => e.replyTo === my);
    const [env] = posted.splice(i, 1);
    return { reply: env.body as ToWebview, bytes: JSON.stringify(env).length };
  };
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const given = argText('dir');
  const dir = given ?? (await benchBucket(arg('events', 1_000_000)));
  const threads = Math.max(1, Math.min(4, require('node:os').availableParallelism() - 0));
  const started = performance.now();
  const pool = new WorkerPool(threads);
  const index = new EventIndex({ runner: pool });
  const data = new IndexTimelineData(index);
  const posted: Envelope[] = [];
  const session = new TimelineSession(data, (e) => posted.push(e), QUIET_HOST, 'bench', null);
  const ask = client(session, posted);
  let firstEvents: () => void;
  const haveEvents = new Promise<void>((r) => (firstEvents = r));
  const loading = loadScope(
    index,
    pool,
    [{ source: new FolderSource(dir) }],
    new AbortController().signal,
    (p) => {
      if (p.events > 0) firstEvents();
    },
  );
  await haveEvents;
  // As the view does: its first query comes with the ready and is answered in the hello.
  const hello = await ask({
    type: 'ready',
    query: { filter: '', range: null, sort: 'asc', bins: 300, pageStart: 0, pageCount: 200 },
  });
  const firstMs = performance.now() - started;
  const first = hello.reply.type === 'hello' ? hello.reply.first : null;
  const firstRows = first?.rows.length ?? 0;
  const firstMatches = first?.matches ?? 0;
  const outcome = await loading;
  const loadMs = performance.now() - started;
  const loadCpu = process.cpuUsage();
  const loadRss = process.resourceUsage().maxRSS * 1024;
  if (given) {
    const tally = JSON.parse(readFileSync(`${given}.tally.json`, 'utf8')) as { events: number };
    if (index.size !== tally.events)
      throw new Error(`loaded ${index.size} events, the generator wrote ${tally.events}`);
  }
  console.log(
    `events: ${index.size.toLocaleString('en-US')} in ${outcome.progress.filesTotal} files, ${threads} worker thread(s)`,
  );
  console.log(
    `command → first page answered (host): ${firstMs.toFixed(0)} ms (${firstRows} rows of the ${firstMatches.toLocaleString('en-US')} events loaded by then; full load ${(loadMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `full load: ${(loadMs / 1000).toFixed(1)} s wall, ${((loadCpu.user + loadCpu.system) / 1e6).toFixed(1)} s CPU (all threads), peak RSS ${(loadRss / 1048576).toFixed(0)} MB (${(loadRss / index.size).toFixed(0)} bytes per event), load average ${loadavg()[0].toFixed(1)}`,
  );

  // The first query after the load sorts the index once; the view pays that once per load.
  const warm = performance.now();
  await ask({
    type: 'query',
    filter: '',
    range: null,
    sort: 'asc',
    bins: 300,
    pageStart: 0,
    pageCount: 200,
  });
  console.log(
    `first query after the full load (sorts once): ${(performance.now() - warm).toFixed(0)} ms`,
  );

  // Same-run baseline: the machine is shared, so figures are quoted against a fixed workload.
  const base: number[] = [];
  const probe = new Float64Array(index.size).map((_, i) => i);
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    let sum = 0;
    for (let i = 0; i < probe.length; i++) sum += probe[i] % 7;
    base.push(performance.now() - t);
    if (sum < 0) console.log(sum);
  }
  const baseline = median(base);
  console.log(
    `baseline (one pass over ${index.size.toLocaleString('en-US')} doubles): ${baseline.toFixed(1)} ms`,
  );

  const queryTimes: number[] = [];
  const facetTimes: number[] = [];
  console.log(
    '\nfilter                                          matches   query+page+histogram  facets   reply bytes',
  );
  for (const filter of FILTERS) {
    const q: number[] = [];
    const f: number[] = [];
    let matches = 0;
    let bytes = 0;
    for (let r = 0; r < runs; r++) {
      // A fresh adapter each run: its recent-results cache must not answer (measured below).
      const fresh = new TimelineSession(
        new IndexTimelineData(index),
        (e) => posted.push(e),
        QUIET_HOST,
        'bench',
        null,
      );
      const ask = client(fresh, posted);
      const t0 = performance.now();
      const res = await ask({
        type: 'query',
        filter,
        range: null,
        sort: r % 2 ? 'desc' : 'asc',
        bins: 300,
        pageStart: 0,
        pageCount: 200,
      });
      const t1 = performance.now();
      if (res.reply.type !== 'queryResult' || res.reply.error)
        throw new Error(`${filter}: ${JSON.stringify(res.reply).slice(0, 200)}`);
      await ask({ type: 'facets', queryId: res.reply.queryId, limit: 10 });
      const t2 = performance.now();
      q.push(t1 - t0);
      f.push(t2 - t1);
      matches = res.reply.matches;
      bytes = res.bytes;
    }
    queryTimes.push(...q);
    facetTimes.push(...f);
    console.log(
      `${JSON.stringify(filter).padEnd(46)} ${matches.toLocaleString('en-US').padStart(9)}   ${median(q).toFixed(1).padStart(8)} ms          ${median(f).toFixed(1).padStart(6)} ms  ${bytes.toLocaleString('en-US').padStart(8)}`,
    );
  }
  console.log(
    `\nmedian over all filters and runs: query (count + histogram + first 200 rows) ${median(queryTimes).toFixed(1)} ms (${(median(queryTimes) / baseline).toFixed(1)}× baseline); facets ${median(facetTimes).toFixed(1)} ms (${(median(facetTimes) / baseline).toFixed(1)}× baseline)`,
  );

  // Back to a recent filter (a facet click undone): answered from the adapter's recent results.
  const back: number[] = [];
  await ask({
    type: 'query',
    filter: 'user:alice',
    range: null,
    sort: 'asc',
    bins: 300,
    pageStart: 0,
    pageCount: 200,
  });
  for (let r = 0; r < runs; r++) {
    await ask({
      type: 'query',
      filter: 'user:alice eventSource:s3.amazonaws.com',
      range: null,
      sort: 'asc',
      bins: 300,
      pageStart: 0,
      pageCount: 200,
    });
    const t0 = performance.now();
    await ask({
      type: 'query',
      filter: 'user:alice',
      range: null,
      sort: 'asc',
      bins: 300,
      pageStart: 0,
      pageCount: 200,
    });
    back.push(performance.now() - t0);
  }
  console.log(
    `back to a recent filter (cached result; histogram and page recomputed): median ${median(back).toFixed(1)} ms`,
  );

  // A time range change (preset "last day of data") and a page request deep in the result.
  const b = data.bounds()!;
  const rq: number[] = [];
  const pg: number[] = [];
  for (let r = 0; r < runs; r++) {
    const fresh = new TimelineSession(
      new IndexTimelineData(index),
      (e) => posted.push(e),
      QUIET_HOST,
      'bench',
      null,
    );
    const ask = client(fresh, posted);
    const t0 = performance.now();
    const res = await ask({
      type: 'query',
      filter: 'error:*',
      range: { from: b.to - 86_400_000, to: b.to },
      sort: 'asc',
      bins: 300,
      pageStart: 0,
      pageCount: 200,
    });
    rq.push(performance.now() - t0);
    const qid = res.reply.type === 'queryResult' ? res.reply.queryId : 0;
    const t1 = performance.now();
    await ask({ type: 'page', queryId: qid, start: 0, count: 100 });
    pg.push(performance.now() - t1);
  }
  console.log(
    `range change (last day of data, error:*): median ${median(rq).toFixed(1)} ms; page of 100 rows: median ${median(pg).toFixed(2)} ms`,
  );
  console.log(
    `peak RSS of the whole run: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, load average ${loadavg()[0].toFixed(1)}`,
  );
  await pool.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
