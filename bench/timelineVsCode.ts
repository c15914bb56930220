// Timeline benchmark in the real VS Code: VS Code 1.139 (code-server, started by `npm start`'s
// scripts/start.mjs with the freshly packaged .vsix installed) opened on the generated bucket
// (default 1,000,000 events), driven in headless Chromium through playwright-core. Unlike
// bench/timelineBrowser.ts this includes everything a user waits for: the command palette, the
// extension host, VS Code's webview iframes and its postMessage transport both ways.
//
//   npx tsx bench/timelineVsCode.ts [--events N] [--runs R] [--profile-host] [--profile-renderer]
//
// Measures, each run in a fresh browser context (a new window, so a new extension host, index
// and panel) with the index cache emptied (a first opening, not a reopening):
// 1. "Open Timeline" → first rows on screen: from the click on the palette row to the first
//    animation frame of the workbench in which the webview holds a `.row:not(.placeholder)` (a
//    requestAnimationFrame loop in the workbench page looks into the webview's frames, which
//    code-server serves from its own origin), with where that time went from the marks of VS
//    Code's webview host (pre/index.html) and of the view (src/webview/main.ts). It needs nothing
//    from the view, so it measures any build alike. Playwright's own wait is not the clock: it
//    polls up to 500 ms apart once a wait has lasted a while.
// 2. The full load (until the view says loading and busy are over).
// 3. Filter change → rows + histogram repainted: typed in the filter box, Enter, until the view's
//    data-query-id changes (its data-last-query-ms: request → frame after render, transport
//    included; data-last-render-ms: its own render), and the wall clock seen from here.
// 4. Before the timeline, two logs opened from Quick Open, one after the other: Enter → the
//    document on screen → its first resolved code lens on screen.
// Last run only: rows in the DOM while scrolling, the webview's JS heap after GC, a screenshot
// (bench/results/timeline-vscode-N.png). Every run prints the CPU seconds each process spent
// from the click to the load's end (extension host, VS Code's server, Chromium's processes);
// --profile-host adds a CPU profile of the extension host's main thread over the same span,
// --profile-renderer one of the workbench page's main thread (its webviews included). A
// same-run CPU baseline (one pass over 1M doubles in
// this process) is printed before and after, to compare runs on a shared machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { Workbench } from '../test/e2e/support/workbench';
import { benchBucket } from './timelineData';
import { dataset, domRowsWhileScrolling, FILTERS, timeFilterChanges } from './timelineView';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROOT = join(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const COMMAND = 'CloudTrail: Open Timeline';
const ROUNDS = 3; // filter rounds per run
const RESULTS = join(ROOT, 'bench', 'results'); // ignored by git

// The runners' helpers are untyped .mjs: imported by a computed path (tsc then types them as
// `any`) and given the few types used here.
interface NpmStarted {
  url: string;
  /** start.mjs's process id: code-server and its extension hosts are its descendants. */
  pid: number;
  /** Ctrl-C; a problem (something left running), if any. */
  stop(): Promise<string | undefined>;
}
interface Helpers {
  onCleanup(step: () => void): () => void;
  npmStart(runDir: string, options: { folder: string }): Promise<NpmStarted>;
  CHROMIUM_ARGS: string[];
  VIEWPORT: { width: number; height: number };
  browserEnv(home: string): Record<string, string>;
}
async function helpers(): Promise<Helpers> {
  const load = (f: string) => import(pathToFileURL(join(ROOT, 'scripts', 'vscode', f)).href);
  return {
    ...(await load('cleanup.mjs')),
    ...(await load('npmStart.mjs')),
    ...(await load('browser.mjs')),
  } as Helpers;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median time of one pass over 1M doubles: how fast this machine is right now. */
function baselineMs(): number {
  const xs = new Float64Array(1_000_000).map(() => Math.random());
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < 21; r++) {
    const t = performance.now();
    for (let i = 0; i < xs.length; i++) sink += xs[i];
    times.push(performance.now() - t);
  }
  if (sink === -1) console.log(sink); // keeps the loop from being optimized away
  return median(times);
}

/** Extension hosts among the descendants of `pid` (their process ids): a closed window's host lingers ~5 s. */
function extensionHosts(pid: number): number[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n');
  const rows = ps
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m);
  const mine = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [, p, pp] of rows)
      if (mine.has(Number(pp)) && !mine.has(Number(p))) (mine.add(Number(p)), (grew = true));
  }
  return rows
    .filter(([, p, , args]) => mine.has(Number(p)) && args.includes('extensionHost'))
    .map(([, p]) => Number(p));
}

/**
 * --profile-host: a CPU profile of the extension host's main thread from the click to the load's
 * end (bench/hostProfile.mjs, run by code-server's own Node, which has a WebSocket), written to
 * bench/results/; the busiest functions are printed. Returns what ends it.
 */
async function profileHost(serverPid: number, node: string): Promise<() => Promise<void>> {
  const [host] = extensionHosts(serverPid);
  mkdirSync(RESULTS, { recursive: true });
  const out = join(RESULTS, `extension-host-${Date.now()}.cpuprofile`);
  const child = spawn(node, [join(ROOT, 'bench', 'hostProfile.mjs'), String(host), out], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let printed = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      printed += d;
      if (printed.includes('profiling')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`hostProfile.mjs exited ${code}`)));
  });
  return async () => {
    const done = new Promise((r) => child.on('exit', r));
    child.stdin.end();
    await done;
    console.log(printed.replace('profiling\n', '').replace(/^/gm, '    '));
    console.log(`    profile: ${out}`);
  };
}

/**
 * --profile-renderer: a CPU profile of the workbench page's main thread (code-server serves the
 * webviews from the workbench's origin, so the timeline's page runs on it too) from the click to
 * the load's end, written to bench/results/; the busiest functions are printed.
 */
async function profileRenderer(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.detach();
    mkdirSync(RESULTS, { recursive: true });
    const out = join(RESULTS, `workbench-renderer-${Date.now()}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    const { busiest } = (await import(
      pathToFileURL(join(ROOT, 'bench', 'profileSummary.mjs')).href
    )) as {
      busiest: (p: unknown, top: number) => { total: number; idle: number; lines: string[] };
    };
    const { total, idle, lines } = busiest(profile, 30);
    console.log(
      `    workbench page's main thread: ${(total / 1e6).toFixed(1)} s profiled, ${((total - idle) / 1e6).toFixed(1)} s busy; busiest by self time:`,
    );
    for (const line of lines) console.log(`      ${line}`);
    console.log(`    profile: ${out}`);
  };
}

/** CPU seconds so far of the processes a load makes busy, by role: VS Code's server and its
 * extension hosts (descendants of `pid`; the host's worker threads count in it) and Chromium's
 * (every Chromium on the machine: the bench's own). From /proc, in clock ticks of 10 ms. */
function cpuByRole(pid: number): Map<string, number> {
  const procs: Array<{ pid: number; ppid: number; secs: number; args: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After "pid (comm) ": state ppid … utime (14th field) stime (15th).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.push({
        pid: Number(name),
        ppid: Number(f[1]),
        secs: (Number(f[11]) + Number(f[12])) / 100,
        args,
      });
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (mine.has(p.ppid) && !mine.has(p.pid)) (mine.add(p.pid), (grew = true));
  }
  const cpu = new Map<string, number>();
  for (const p of procs) {
    const role = mine.has(p.pid)
      ? p.args.includes('extensionHost')
        ? 'extension host'
        : 'VS Code server'
      : p.args.includes('chromium')
        ? `Chromium ${/--type=([\w-]+)/.exec(p.args)?.[1] ?? 'browser'}`
        : undefined;
    if (role) cpu.set(role, (cpu.get(role) ?? 0) + p.secs);
  }
  return cpu;
}

/** CPU seconds so far of each thread of process `pid`, by thread id (with its name). */
function threadCpu(pid: number): Map<number, { name: string; secs: number }> {
  const threads = new Map<number, { name: string; secs: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { name, secs: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      // gone meanwhile
    }
  }
  return threads;
}

/** The extension host's threads that were busy between two threadCpu readings: its main thread
 * (tid = pid), the ingest workers and the rest, in CPU seconds. */
function threadsSpent(
  pid: number,
  before: Map<number, { name: string; secs: number }>,
  after: Map<number, { name: string; secs: number }>,
): string {
  return [...after]
    .map(([tid, t]) => ({
      what: tid === pid ? 'main thread' : `${t.name} ${tid}`,
      secs: t.secs - (before.get(tid)?.secs ?? 0),
    }))
    .filter((t) => t.secs >= 0.1)
    .sort((a, b) => b.secs - a.secs)
    .map((t) => `${t.what} ${t.secs.toFixed(1)} s`)
    .join(', ');
}

/** CPU seconds each role spent between two cpuByRole readings, busiest first. */
function cpuSpent(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([role, s]) => [role, s - (before.get(role) ?? 0)] as const)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([role, s]) => `${role} ${s.toFixed(1)} s`)
    .join(', ');
}

/** Folders named `name` under `dir`. */
function findDirs(dir: string, name: string, found: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (e.name === name) found.push(p);
    else findDirs(p, name, found);
  }
  return found;
}

/** code-server's own Node (24: it has a WebSocket), installed by scripts/setup.mjs. */
function codeServerNode(): string {
  const root = join(ROOT, '.vscode-test');
  const dir = readdirSync(root).find((d) => d.startsWith('code-server-'));
  if (!dir) throw new Error(`no code-server in ${root}: run node scripts/setup.mjs`);
  return join(root, dir, 'node_modules', '.bin', 'node');
}

async function openWindow(browser: Browser, h: Helpers, url: string): Promise<Workbench> {
  const context = await browser.newContext({ viewport: h.VIEWPORT });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const wb = new Workbench(page, context, RESULTS);
  await page.goto(url);
  // As test/e2e/support/workbench.ts's openWorkbench: the workbench, then the explorer's folder row.
  await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible' });
  return wb;
}

/** The timeline's document and the webview host frame around it. */
async function webviewFrames(page: Page): Promise<{ outer: Frame; inner: Frame }> {
  const outer = (await (await page
    .locator('iframe.webview.ready')
    .last()
    .elementHandle())!.contentFrame())!;
  const inner = (await (await outer.waitForSelector('iframe#active-frame'))!.contentFrame())!;
  return { outer, inner };
}

/** Epoch-ms marks of a frame's document, and when it started (string scripts: tsx's helpers do not exist there). */
async function frameTimings(f: Frame): Promise<Record<string, number>> {
  return f.evaluate(`(() => {
    const o = performance.timeOrigin;
    // The view's own marks (src/webview/main.ts) and VS Code's in its webview host (pre/index.html).
    const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('timeline:') || e.name.startsWith('webview/index.html/')).map((e) => [e.name.replace('timeline:', '').replace('webview/index.html/', ''), o + e.startTime]));
    return { start: o, ...marks };
  })()`);
}

async function heapAfterGc(page: Page, f?: Frame): Promise<number> {
  const cdp = await page.context().newCDPSession(f ?? page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/** The first `n` delivered log files of the bucket (name order), as Quick Open finds them. */
function logFiles(dir: string, n: number, found: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (found.length >= n) break;
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'CloudTrail-Digest') logFiles(p, n, found);
    else if (e.isFile() && /_CloudTrail_.*\.json\.gz$/.test(e.name)) found.push(p);
  }
  return found;
}

/**
 * A log opened as a person does (Quick Open, Enter on a .json.gz: the extension's custom editor
 * hands over to the decompressed text document): when the document is on screen and when its
 * first resolved lens is, seen by a requestAnimationFrame loop in the workbench page.
 */
async function lensLatency(
  wb: Workbench,
  file: string,
  out: { shown: number[]; lens: number[] },
  which: string,
): Promise<void> {
  const page = wb.page;
  const name = basename(file);
  await page.evaluate(`(() => {
    window.__docShownAt = 0; window.__lensAt = 0; window.__webviewAt = 0;
    const now = () => performance.timeOrigin + performance.now();
    const look = () => {
      const group = document.querySelector('.editor-group-container.active');
      if (group) {
        if (!window.__webviewAt && document.querySelector('iframe.webview.ready')) window.__webviewAt = now();
        const line = group.querySelector('.monaco-editor .view-lines');
        if (!window.__docShownAt && line && line.textContent.includes('"Records"')) window.__docShownAt = now();
        // Resolved: a lens with words (an unresolved one holds a placeholder character).
        const lens = [...group.querySelectorAll('.contentWidgets .codelens-decoration')].some((l) => /[A-Za-z]{2}/.test(l.textContent));
        if (window.__docShownAt && lens) return void (window.__lensAt = now());
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  })()`);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ state: 'visible' });
  const t0 = Date.now();
  await input.press('Enter');
  await page.waitForFunction('window.__lensAt > 0', undefined, { timeout: 60_000, polling: 100 });
  const [shownAt, lensAt] = (await page.evaluate(
    '[window.__docShownAt, window.__lensAt]',
  )) as number[];
  out.shown.push(Math.round(shownAt - t0));
  out.lens.push(Math.round(lensAt - shownAt));
  console.log(
    `  ${which} log ${name}: document on screen ${Math.round(shownAt - t0)} ms after Enter, first lens ${Math.round(lensAt - shownAt)} ms after that`,
  );
  await wb.runCommand('View: Close All Editors');
}

async function run(
  wb: Workbench,
  events: number,
  last: boolean,
  serverPid: number,
  /** --profile-host: the Node that runs bench/hostProfile.mjs. */
  profile: string | undefined,
  /** --profile-renderer */
  profileWorkbench: boolean,
  out: {
    first: number[];
    seen: number[];
    load: number[];
    view: number[];
    wall: number[];
    render: number[];
  },
): Promise<void> {
  const page = wb.page;
  const heapBefore = last ? await heapAfterGc(page) : 0;
  await page.evaluate(`(() => {
    window.__firstRowsAt = 0;
    const look = () => {
      for (const f of document.querySelectorAll('iframe.webview')) {
        const inner = f.contentDocument && f.contentDocument.querySelector('iframe#active-frame');
        const doc = inner && inner.contentDocument;
        if (doc && doc.querySelector('.row:not(.placeholder)')) return void (window.__firstRowsAt = performance.timeOrigin + performance.now());
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  })()`);
  const stopProfile = profile ? await profileHost(serverPid, profile) : undefined;
  const stopRendererProfile = profileWorkbench ? await profileRenderer(page) : undefined;
  const cpu0 = cpuByRole(serverPid);
  const [host] = extensionHosts(serverPid);
  const threads0 = threadCpu(host);
  const t0 = await wb.runCommand(COMMAND);
  await wb
    .webview()
    .locator('.row:not(.placeholder)')
    .first()
    .waitFor({ state: 'visible', timeout: 180_000 });
  const seen = Date.now() - t0;
  const onScreen = Math.round((await page.evaluate('window.__firstRowsAt')) as number) - t0;
  if (onScreen < 0)
    throw new Error(
      "the workbench page could not look into the webview's frames (not same-origin?)",
    );
  const { outer, inner } = await webviewFrames(page);
  const [o, i] = [await frameTimings(outer), await frameTimings(inner)];
  const at = (t: number) => (Number.isFinite(t) ? `${Math.round(t - t0)}` : '?');
  out.first.push(onScreen);
  out.seen.push(seen);
  console.log(
    `  first rows on screen ${onScreen} ms after the click (playwright's wait ended at ${seen} ms)`,
  );
  console.log(
    `    VS Code: webview host frame ${at(o.start)}, its script ${at(o.scriptStart)}, got the page ${at(o['content/started'])}, service worker ready ${at(o['content/workerReady'])}, wrote the page ${at(o['content/wroteInnerContent'])} ms`,
  );
  console.log(
    `    view: script ran ${at(i.script)}, ready sent ${at(i['ready-sent'])}, greeted ${at(i.hello)}, heard of the first events ${at(i['first-events'])}, first rows painted ${at(i['first-rows-painted'])} ms`,
  );

  // Until the last progress (loading false) has been rendered; total 0 is the hello before loading.
  await inner.waitForFunction(
    () =>
      document.body.dataset.loading === 'false' &&
      document.body.dataset.busy === 'false' &&
      Number(document.body.dataset.total) > 0,
    undefined,
    { timeout: 600_000, polling: 200 },
  );
  out.load.push(Date.now() - t0);
  console.log(`  CPU from the click to the load's end: ${cpuSpent(cpu0, cpuByRole(serverPid))}`);
  console.log(`    extension host's threads: ${threadsSpent(host, threads0, threadCpu(host))}`);
  await stopProfile?.();
  await stopRendererProfile?.();
  await page.waitForTimeout(2000); // the view's last reload after loading ended
  const total = Number((await dataset(inner)).total);
  console.log(
    `  loaded ${total.toLocaleString('en-US')} events ${((Date.now() - 2000 - t0) / 1000).toFixed(1)} s after the click`,
  );
  if (total !== events)
    console.log(`  (note: ${events.toLocaleString('en-US')} events were generated)`);

  await timeFilterChanges(inner, ROUNDS, out);
  if (!last) return;

  const domRows = await domRowsWhileScrolling(inner, [0, 0.25, 0.5, 0.75, 1]);
  await inner.locator('.table-viewport').evaluate((el) => (el.scrollTop = 0));
  console.log(
    `rows in the DOM while scrolling to 0/25/50/75/100% of ${total.toLocaleString('en-US')} rows: ${domRows.join(', ')}`,
  );

  // A webview is an out-of-process frame only when Chromium isolates its origin; otherwise it
  // shares the workbench's heap, and its share is the growth since before the command.
  const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
  let own: number | undefined;
  let why = '';
  for (const f of [inner, outer]) {
    own = await heapAfterGc(page, f).catch((e: Error) => void (why ||= e.message.split('\n')[0]));
    if (own !== undefined) {
      console.log(
        `webview JS heap after GC (its own process, CDP session on the ${f === inner ? 'timeline' : 'webview host'} frame): ${mb(own)}`,
      );
      break;
    }
  }
  if (own === undefined) {
    const after = await heapAfterGc(page);
    console.log(
      `webview JS heap after GC: no CDP session of its own ("${why}": a same-origin iframe in the workbench's process); the workbench renderer's heap grew ${mb(after - heapBefore)} (${mb(heapBefore)} → ${mb(after)}) with the loaded timeline open`,
    );
  }

  mkdirSync(RESULTS, { recursive: true });
  const shot = join(RESULTS, `timeline-vscode-${events}.png`);
  await page.mouse.move(1390, 890); // no hover over a row
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
}

async function main(): Promise<void> {
  const events = arg('events', 1_000_000);
  const runs = arg('runs', 3);
  const profiler = process.argv.includes('--profile-host') ? codeServerNode() : undefined;
  const h = await helpers();
  const dir = await benchBucket(events);
  const runDir = mkdtempSync(join(tmpdir(), 'ctl-bench-vscode-'));
  const removeRunDir = h.onCleanup(() => rmSync(runDir, { recursive: true, force: true }));
  const base0 = baselineMs();
  console.log(
    `baseline: one pass over 1M doubles ${base0.toFixed(2)} ms (median of 21, this process)`,
  );

  let server: NpmStarted | undefined;
  let browser: Browser | undefined;
  try {
    const started = Date.now();
    server = await h.npmStart(runDir, { folder: dir });
    console.log(
      `VS Code (code-server) built, packaged and serving in ${((Date.now() - started) / 1000).toFixed(1)} s on ${new URL(server.url).origin}, folder ${dir}`,
    );
    // playwright kills the browser it launched when this process exits (handleSIGINT & co).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: h.CHROMIUM_ARGS,
      timeout: 60_000,
      env: h.browserEnv(join(runDir, 'browser-home')),
    });

    const logs = logFiles(dir, 2);
    const lenses = {
      first: { shown: [] as number[], lens: [] as number[] },
      second: { shown: [] as number[], lens: [] as number[] },
    };
    const out = {
      first: [] as number[],
      seen: [] as number[],
      load: [] as number[],
      view: [] as number[],
      wall: [] as number[],
      render: [] as number[],
    };
    for (let r = 0; r < runs; r++) {
      // The previous window's extension host (and its index) must be gone, not competing.
      for (let i = 0; i < 100 && extensionHosts(server.pid).length > 0; i++)
        await new Promise((res) => setTimeout(res, 200));
      // Each run is a first opening: the index cache the last run saved is removed.
      for (const dir of findDirs(runDir, 'index-cache'))
        rmSync(dir, { recursive: true, force: true });
      const w0 = Date.now();
      const wb = await openWindow(browser, h, server.url);
      // Let the extension activate (onStartupFinished) and its explorer scan the folder: the
      // measure is the timeline, not activation.
      await wb.page.waitForTimeout(3000);
      console.log(
        `run ${r + 1}/${runs}: fresh window ready in ${((Date.now() - w0) / 1000 - 3).toFixed(1)} s (+3 s settle)`,
      );
      try {
        // The logs first: "Open Timeline" would be scoped to an open log's file. The first log
        // of a window, then another one.
        await lensLatency(wb, logs[0], lenses.first, 'first');
        await lensLatency(wb, logs[1], lenses.second, 'second');
        await run(
          wb,
          events,
          r === runs - 1,
          server.pid,
          profiler,
          process.argv.includes('--profile-renderer'),
          out,
        );
      } finally {
        await wb.close();
      }
    }
    const ms = (xs: number[]) => `${Math.round(median(xs))} ms`;
    console.log(
      `\n${events.toLocaleString('en-US')} events, ${runs} runs, real VS Code 1.139 (code-server) in headless Chromium 1400x900:`,
    );
    console.log(
      `"Open Timeline" click → first rows on screen: median ${ms(out.first)} (${out.first.join(', ')} ms); playwright's wait ended at median ${ms(out.seen)} (${out.seen.join(', ')} ms)`,
    );
    console.log(
      `click → load finished: median ${(median(out.load) / 1000).toFixed(1)} s (${out.load.map((t) => (t / 1000).toFixed(1)).join(', ')} s)`,
    );
    console.log(
      `filter change → rows + histogram repainted: median ${ms(out.view)}, max ${Math.max(...out.view)} ms (view: request → frame after render, VS Code's postMessage both ways); wall clock from playwright median ${ms(out.wall)}, max ${Math.max(...out.wall)} ms; the view's own render median ${median(out.render).toFixed(1)} ms; ${out.view.length} changes`,
    );
    for (const [which, l] of Object.entries(lenses)) {
      console.log(
        `${which} log of a window (.json.gz) opened from Quick Open → document on screen: median ${ms(l.shown)} (${l.shown.join(', ')} ms); → first lens on screen after that: median ${ms(l.lens)} (${l.lens.join(', ')} ms)`,
      );
    }
    const perFilter = FILTERS.map(
      (f, k) =>
        `${f || "''"} ${Math.round(median(out.view.filter((_, j) => j % FILTERS.length === k)))}`,
    );
    console.log(`  per filter (median view ms): ${perFilter.join(' · ')}`);
  } finally {
    await browser?.close().catch(() => {});
    const problem = await server?.stop();
    if (problem) console.error(`warning: ${problem}`);
    removeRunDir();
  }
  console.log(
    `baseline after: one pass over 1M doubles ${baselineMs().toFixed(2)} ms (before: ${base0.toFixed(2)} ms)`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
