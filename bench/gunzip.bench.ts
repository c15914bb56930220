// node:zlib against fflate on the generated bucket's files (why gzip.ts uses zlib on Node):
//   npx tsx bench/gunzip.bench.ts [DIR] [rounds]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipCapped } from '../src/core/ingest/gzip';

const dir = process.argv[2] ?? '/tmp/ctl-bench-1000000';
const rounds = Number(process.argv[3] ?? 7);
const files: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name));
    else if (e.name.endsWith('.json.gz') && files.length < 400) files.push(join(d, e.name));
  }
};
walk(dir);
const data = files.map((f) => readFileSync(f));
const out = data.reduce((s, b) => s + gunzipCapped(b).data.length, 0);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const results: Record<string, number[]> = { zlib: [], fflate: [] };
for (let i = 0; i < rounds; i++) {
  for (const engine of ['zlib', 'fflate'] as const) {
    const t = performance.now();
    for (const b of data) gunzipCapped(b, 1 << 30, engine);
    results[engine].push(performance.now() - t);
  }
}
console.log(
  `${files.length} files, ${(out / 1e6).toFixed(1)} MB uncompressed, median of ${rounds}`,
);
for (const [engine, t] of Object.entries(results))
  console.log(
    `${engine}: ${median(t).toFixed(0)} ms, ${(out / 1e6 / (median(t) / 1000)).toFixed(0)} MB/s`,
  );
console.log(`zlib/fflate speed: ${(median(results.fflate) / median(results.zlib)).toFixed(2)}×`);
