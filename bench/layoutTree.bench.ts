// Explorer listing on a day folder with 100,000 log files: how long expanding the day takes
// (CloudTrailCatalog.children → FolderSource.listLevel, one stat per file), against a bare
// fs.readdir of the same folder measured in the same run, plus the background count scan.
// Usage: npx tsx bench/layoutTree.bench.ts [files=100000] [runs=3]
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogNode, CloudTrailCatalog } from '../src/core/sources/layoutTree';
import { SummaryCache } from '../src/core/sources/layoutSummary';
import { FolderSource } from '../src/core/sources/folder';

const files = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const account = '111111111111';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-bench-catalog-'));
  try {
    const day = join(dir, 'AWSLogs', account, 'CloudTrail', 'us-east-1', '2024', '05', '14');
    mkdirSync(day, { recursive: true });
    const body = Buffer.alloc(512);
    for (let i = 0; i < files; i++) {
      const hhmm =
        String(Math.floor(((i / files) * 1440) / 60)).padStart(2, '0') +
        String(Math.floor((i / files) * 1440) % 60).padStart(2, '0');
      writeFileSync(
        join(
          day,
          `${account}_CloudTrail_us-east-1_20240514T${hhmm}Z_${i.toString(36).padStart(8, '0')}.json.gz`,
        ),
        body,
      );
    }
    const catalog = new CloudTrailCatalog(new FolderSource(dir));
    const [location] = await catalog.roots();
    const [acct] = await catalog.children(location);
    const [region] = await catalog.children(acct);
    const [dayNode] = await catalog.children(region);

    // Whether the window would freeze: the longest the event loop waits while a day is expanded.
    let lag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      lag = Math.max(lag, now - last - 5);
      last = now;
    }, 5);
    await catalog.children(dayNode);
    clearInterval(ticker);

    const readdir: number[] = [];
    const expand: number[] = [];
    const scan: number[] = [];
    let listed: CatalogNode[] = [];
    for (let r = 0; r < runs; r++) {
      readdir.push(await time(() => readdirSync(day, { withFileTypes: true })));
      expand.push(await time(async () => (listed = await catalog.children(dayNode))));
      scan.push(await time(() => new SummaryCache().scan(catalog.source, location)));
    }
    if (listed.length !== files)
      throw new Error(`listed ${listed.length} files, expected ${files}`);
    const rootsTime = median(await Promise.all([0, 1, 2].map(() => time(() => catalog.roots()))));
    console.log(`day folder with ${files.toLocaleString('en-US')} files, ${runs} runs, medians:`);
    console.log(`  fs.readdir (baseline)            ${median(readdir).toFixed(1)} ms`);
    console.log(
      `  expand the day (list + stat)     ${median(expand).toFixed(1)} ms  (${(median(expand) / median(readdir)).toFixed(1)}× readdir)`,
    );
    console.log(`  longest event-loop stall while expanding ${lag.toFixed(1)} ms`);
    console.log(`  count scan of the whole location ${median(scan).toFixed(1)} ms`);
    console.log(`  source top level (trails)        ${rootsTime.toFixed(1)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
