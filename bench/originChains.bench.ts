// Attribution on hostile credential chains, this tree (B) against an earlier commit (A):
//   npx tsx bench/originChains.bench.ts --ab main [--rows 20000] [--runs 5]
// Each run is one process per engine (bench/originOnce.ts, bundled; A from `git archive`),
// alternating A and B. Each shape of test/unit/origin/chainGraphs.ts (a long chain, a long loop,
// many events each with their own caller over a 60-session chain, a 60-session loop, a
// 100-session chain; many sessions using one key claimed 64 times) is indexed and every event's
// origin resolved, timed. Prints per shape the
// medians of wall and CPU time, the same-run ratios B/A of the CPU time (the machine may be shared),
// and checks that both engines gave every row the same origin.
import { execFileSync, spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg, median } from './bucket';

interface Shape {
  shape: string;
  ms: number;
  cpuMs: number;
  origins: number;
  digest: string;
}

const root = path.join(__dirname, '..');

function bundle(tree: string, outfile: string): string {
  esbuild.buildSync({
    entryPoints: [path.join(tree, 'bench', 'originOnce.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    nodePaths: [path.join(root, 'node_modules')],
    mainFields: ['module', 'main'],
  });
  return outfile;
}

function run(script: string, rows: number): Shape[] {
  const child = spawnSync(process.execPath, [script, String(rows)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Shape[];
}

function main(): void {
  const ref = arg('ab', 'main');
  const rows = Number(arg('rows', '20000'));
  const runs = Number(arg('runs', '5'));
  const tree = mkdtempSync(path.join(os.tmpdir(), 'ctl-bench-origin-'));
  try {
    // A: the engine of `ref` with this tree's harness and shapes (which `ref` may not have).
    execFileSync('bash', [
      '-c',
      `git -C ${JSON.stringify(root)} archive ${ref} src | tar -x -C ${JSON.stringify(tree)}`,
    ]);
    for (const f of ['bench/originOnce.ts', 'test/unit/origin/chainGraphs.ts'])
      cpSync(path.join(root, f), path.join(tree, f));
    const a = bundle(tree, path.join(tree, 'out', 'a.js'));
    const b = bundle(root, path.join(tree, 'out', 'b.js'));
    const results: Record<'A' | 'B', Shape[][]> = { A: [], B: [] };
    console.log(
      `${rows} rows a shape; ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    for (let i = 0; i < runs; i++) {
      const order: ['A' | 'B', string][] =
        i % 2
          ? [
              ['B', b],
              ['A', a],
            ]
          : [
              ['A', a],
              ['B', b],
            ];
      for (const [side, script] of order) {
        const r = run(script, rows);
        results[side].push(r);
        console.log(
          `run ${i + 1} ${side}: ${r.map((s) => `${s.ms.toFixed(0)} ms (CPU ${s.cpuMs.toFixed(0)})`).join(' · ')}; load average ${os.loadavg()[0].toFixed(1)}`,
        );
      }
    }
    const shapes = results.A[0].map((s) => s.shape);
    console.log('');
    console.log(
      `| shape (${rows.toLocaleString('en-US')} rows) | A: ${ref}, wall · CPU (medians of ${runs}) | B: this tree | CPU B/A (median of the same-run ratios) | origins |`,
    );
    console.log('|---|---|---|---|---|');
    shapes.forEach((shape, k) => {
      const m = (side: 'A' | 'B', f: 'ms' | 'cpuMs') => median(results[side].map((r) => r[k][f]));
      const ratios = results.A.map((r, i) => results.B[i][k].cpuMs / r[k].cpuMs);
      const digests = new Set([...results.A, ...results.B].map((r) => r[k].digest));
      if (digests.size !== 1) throw new Error(`${shape}: A and B gave different origins`);
      console.log(
        `| ${shape} | ${m('A', 'ms').toFixed(0)} · ${m('A', 'cpuMs').toFixed(0)} ms | ${m('B', 'ms').toFixed(0)} · ${m('B', 'cpuMs').toFixed(0)} ms | ${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(3)).join(', ')}) | ${results.B[0][k].origins} |`,
      );
    });
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

main();
