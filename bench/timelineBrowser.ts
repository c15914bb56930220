// Timeline benchmark, end to end in a real browser: the webview bundle (media/timeline.js and
// timeline.css, as built) in headless Chromium, talking to the real host session over a real
// index through the same envelopes VS Code carries (here via playwright instead of VS Code's
// postMessage bridge, so VS Code's own webview overhead is not included).
//
//   node scripts/build.mjs && npx tsx bench/timelineBrowser.ts [--events N] [--small N] [--runs R]
//
// Measures: "open" → first rows painted (page load and index load start together); filter
// change → rows and histogram repainted (typed in the filter box, Enter, until the frame after
// the render: the view's own data-last-query-ms, and the wall clock seen from here); rows in the
// DOM while scrolling; the page's JS heap after GC with N events vs `--small` events.
import { QUIET_HOST } from '../test/support/timelineAsk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { EventIndex } from '../src/core/index/eventIndex';
import { WorkerPool } from '../src/core/ingest/pool';
import { FolderSource } from '../src/core/sources/folder';
import { IndexTimelineData } from '../src/extension/timeline/indexAdapter';
import { loadScope } from '../src/extension/timeline/timelineLoader';
import { TimelineSession } from '../src/extension/timeline/timelineSession';
import { Envelope, LoadProgress } from '../src/protocol';
import { benchBucket } from './timelineData';
import { domRowsWhileScrolling, FilterTimes, timeFilterChanges } from './timelineView';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROOT = process.env.CTL_BENCH_ROOT ?? join(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
}

async function run(
  events: number,
  runs: number,
  browser: import('playwright-core').Browser,
  pool: WorkerPool,
): Promise<{ heap: number }> {
  const dir = await benchBucket(events);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const index = new EventIndex({ runner: pool });
  const started = Date.now();
  // eslint-disable-next-line prefer-const -- the closures above read it before it is assigned below
  let session!: TimelineSession;
  // The view's messages to the host, and the host's replies delivered as window messages.
  let readyAt = 0;
  await page.exposeFunction('__toHost', (env: { body?: { type?: string } }) => {
    if (!readyAt && env?.body?.type === 'ready') readyAt = Date.now() - started;
    void session.receive(env);
  });
  // As VS Code does, messages posted before the page's script runs are held and handed over after.
  const deliver = (e: Envelope) =>
    void page
      .evaluate((env) => window.dispatchEvent(new MessageEvent('message', { data: env })), e)
      .catch(() => {});
  let held: Envelope[] | undefined = [];
  session = new TimelineSession(
    new IndexTimelineData(index),
    (e) => (held ? held.push(e) : deliver(e)),
    QUIET_HOST,
    'bench',
    null,
  );
  let lastProgress = 0;
  const loading = loadScope(
    index,
    pool,
    [{ source: new FolderSource(dir) }],
    new AbortController().signal,
    (p: LoadProgress) => {
      // As the panel does: progress to the view at most every 150 ms.
      if (Date.now() - lastProgress > 150) {
        lastProgress = Date.now();
        session.setProgress(p);
      }
    },
  );
  const css = readFileSync(join(ROOT, 'media', 'timeline.css'), 'utf8');
  const js = readFileSync(join(ROOT, 'media', 'timeline.js'), 'utf8');
  await page.setContent(
    `<!DOCTYPE html><html><head><style>${css}</style></head><body></body></html>`,
  );
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  // A string, not a function: tsx would wrap a function's inner names in helpers the page lacks.
  await page.evaluate(`(() => {
    let state;
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => state, setState: (s) => (state = s) });
  })()`);
  await page.addScriptTag({ content: js });
  for (const e of held.splice(0)) deliver(e);
  held = undefined;
  await page.waitForSelector('.row:not(.placeholder)', { timeout: 120_000 });
  const firstPaint = Date.now() - started;
  const outcome = await loading;
  session.setProgress(outcome.progress);
  await page.waitForFunction(
    () => document.body.dataset.loading === 'false' && document.body.dataset.busy === 'false',
    undefined,
    { timeout: 120_000 },
  );
  await page.waitForTimeout(1500); // the view's last reload after loading ended
  console.log(
    `\n${index.size.toLocaleString('en-US')} events: first rows painted ${firstPaint} ms after open; the page's script was running (sent "ready") at ${readyAt} ms (load finished after ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );

  const times: FilterTimes = { view: [], wall: [], render: [] };
  await timeFilterChanges(page.mainFrame(), runs, times);
  console.log(
    `filter change → rows + histogram repainted: median ${median(times.view)} ms (view: request → frame after render), ${median(times.wall)} ms wall clock incl. typing Enter; ${times.view.length} changes, max ${Math.max(...times.view)} ms; of which the view's render: median ${median(times.render).toFixed(1)} ms`,
  );

  const domRows = await domRowsWhileScrolling(page.mainFrame(), [0, 0.25, 0.5, 0.75, 0.999]);
  console.log(
    `rows in the DOM while scrolling through ${index.size.toLocaleString('en-US')} rows: ${domRows.join(', ')}`,
  );
  const heap = await heapAfterGc(page);
  console.log(`page JS heap after GC: ${(heap / 1024 / 1024).toFixed(1)} MB`);
  await page.close();
  return { heap };
}

async function main(): Promise<void> {
  const events = arg('events', 1_000_000);
  const small = arg('small', 10_000);
  const runs = arg('runs', 3);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const pool = new WorkerPool(Math.max(1, Math.min(4, require('node:os').availableParallelism())));
  try {
    const a = await run(small, runs, browser, pool);
    const b = await run(events, runs, browser, pool);
    console.log(
      `\nwebview heap: ${(a.heap / 1048576).toFixed(1)} MB at ${small.toLocaleString('en-US')} events, ${(b.heap / 1048576).toFixed(1)} MB at ${events.toLocaleString('en-US')} (×${(b.heap / a.heap).toFixed(2)} for ×${events / small} events)`,
    );
  } finally {
    await browser.close();
    await pool.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
