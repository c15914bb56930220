// Issue 15 §1: the fast path's two record walks over the same files, one thread, files already
// gunzipped and decoded (CPU time of the process per pass): scanRecordsFile walking each record in JavaScript over the text, and in
// WebAssembly over the bytes (src/core/ingest/assembly/recordScan.ts). Before timing, both must
// index every file into the same batch (values, ids, times, resources, packed eventIDs); the
// bench fails otherwise. Passes alternate between the walks, so that the machine's noise falls
// on both alike.
//
//   node scripts/build.mjs && node bench/runBundled.mjs bench/recordWalk.bench.ts [--dir /tmp/ctl-bench-1000000] [--files 600] [--runs 9]
//
// Bundled, as the engine ships (under tsx every imported binding is a getter, which slows the
// JavaScript walk by a third).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BatchBuilder, ColumnBatch, batchArrays } from '../src/core/ingest/batch';
import { recordWalkSettings, scanRecordsFile } from '../src/core/ingest/scanRecords';
import { FileText } from '../src/core/ingest/textEncoding';
import { logFilesUnder } from '../test/unit/ingest/logFiles';

const argText = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const dir = argText('dir', '/tmp/ctl-bench-1000000');
const fileCount = Number(argText('files', '600'));
const runs = Number(argText('runs', '9'));
/** `--only js` or `--only wasm`: time one walk only (to profile it). */
const only = argText('only', '');

const files = logFilesUnder(dir)
  .slice(0, fileCount)
  .map((f) => gunzipSync(readFileSync(f)));
const decoder = new TextDecoder();
const texts = files.map((b) => decoder.decode(b));
const total = files.reduce((s, b) => s + b.length, 0);

function scanAll(webAssembly: boolean): ColumnBatch[] {
  recordWalkSettings.webAssembly = webAssembly;
  return texts.map((text, k) => {
    const b = new BatchBuilder(Math.max(16, text.length >> 10));
    const options: { webAssembly?: boolean } = {};
    // The text decoded already (outside the timing, as before), so that only the walks differ.
    if (!scanRecordsFile(FileText.of(text, files[k]), b, options))
      throw new Error(`file ${k} was declined`);
    if (options.webAssembly !== webAssembly) throw new Error(`file ${k}: not the walk asked for`);
    return b.finish('records');
  });
}

// --- agreement ------------------------------------------------------------------------------
const js = scanAll(false);
const wasm = scanAll(true);
let events = 0;
js.forEach((a, k) => {
  const b = wasm[k];
  assert.deepEqual(b.values, a.values, `file ${k}: dictionary`);
  assert.deepEqual(batchArrays(b), batchArrays(a), `file ${k}: columns`);
  events += a.count;
});
console.log(
  `${files.length} files of ${dir}: ${events} events, ${(total / 1e6).toFixed(1)} MB of JSON; both walks index every file into the same batch`,
);

// --- timings --------------------------------------------------------------------------------
const ms: Record<'js' | 'wasm', number[]> = { js: [], wasm: [] };
for (let k = 0; k < runs; k++) {
  for (const side of k % 2 ? (['wasm', 'js'] as const) : (['js', 'wasm'] as const)) {
    if (only && side !== only) continue;
    // CPU time, not wall time: on this shared machine the wall clock also counts waiting for a core.
    const t = process.cpuUsage();
    scanAll(side === 'wasm');
    const d = process.cpuUsage(t);
    ms[side].push((d.user + d.system) / 1000);
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
if (only) process.exit(0);
for (const [side, name] of [
  ['js', 'JavaScript walk over the text'],
  ['wasm', 'WebAssembly walk over the bytes (copy in included)'],
] as const) {
  const m = median(ms[side]);
  console.log(
    `${name.padEnd(52)} ${m.toFixed(1).padStart(7)} ms  ${(total / 1e6 / (m / 1000)).toFixed(0).padStart(5)} MB/s  ${((1000 * m) / events).toFixed(2)} µs/event`,
  );
}
console.log(
  `WebAssembly: ${(median(ms.js) / median(ms.wasm)).toFixed(2)}× faster (median of ${runs} alternated passes each)`,
);
