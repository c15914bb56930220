// A/B of bench/indexOnce.ts: main's sources against this branch's, alternating, on one bucket.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { generateBucket } from '../src/core/synthetic/generator';
const events = Number(process.argv[2] ?? 200000);
const runs = Number(process.argv[3] ?? 5);
const dir = `/tmp/ctl-ab/bucket-${events}`;
(async () => {
  if (!existsSync(dir)) await generateBucket({ events, out: dir, seed: 1 });
  const build = (root: string, out: string) => {
    for (const [entry, name] of [
      [path.join(root, 'bench/indexOnce.ts'), 'indexOnce.js'],
      [path.join(root, 'src/core/ingest/ingestWorker.ts'), 'ingestWorker.js'],
    ]) {
      esbuild.buildSync({
        entryPoints: [entry],
        outfile: path.join(out, name),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'warning',
        nodePaths: ['/work/wt-shapes/node_modules'],
        mainFields: ['module', 'main'],
      });
    }
  };
  build(process.env.A ?? '/tmp/ctl-ab/main', '/tmp/ctl-ab/out-main');
  build('/work/wt-shapes', '/tmp/ctl-ab/out-branch');
  const res: Record<string, { ms: number[]; cpu: number[]; rss: number[] }> = {
    main: { ms: [], cpu: [], rss: [] },
    branch: { ms: [], cpu: [], rss: [] },
  };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? ['branch', 'main'] : ['main', 'branch']) {
      const c = spawnSync(process.execPath, [`/tmp/ctl-ab/out-${side}/indexOnce.js`, dir], {
        encoding: 'utf8',
      });
      if (c.status !== 0) throw new Error(c.stderr);
      const r = JSON.parse(c.stdout.trim().split('\n').pop()!);
      res[side].ms.push(r.indexMs);
      res[side].cpu.push(r.indexCpuMs);
      (res[side] as any).main = [...((res[side] as any).main ?? []), r.mainCpuMs];
      res[side].rss.push(r.maxRssMB);
      console.log(
        side,
        r.events,
        Math.round(r.indexMs),
        'ms',
        Math.round(r.indexCpuMs),
        'ms CPU',
        Math.round(r.mainCpuMs),
        'main',
        Math.round(r.maxRssMB),
        'MB',
        r.filters.map((f: { medianMs: number }) => f.medianMs.toFixed(1)).join(' '),
      );
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  for (const side of ['main', 'branch'])
    console.log(
      side,
      'median',
      Math.round(med(res[side].ms)),
      'ms wall',
      Math.round(med(res[side].cpu)),
      'ms CPU',
      Math.round(med((res[side] as any).main)),
      'main CPU',
      Math.round(med(res[side].rss)),
      'MB',
    );
})();
