// Issue 15 §1 asks for WebAssembly "only if it measures faster". This measures the part of indexing
// that WebAssembly could take first: the strict JSON walk over a file, in JavaScript over the
// decoded text (JsonCursor.skipValue, what the fast path does for every value it skips) and in
// WebAssembly with SIMD over the bytes (bench/wasm/strictWalk.ts, AssemblyScript), next to the
// whole fast-path index scan (scanRecordsFile) for scale. Single thread, files already gunzipped.
//
//   node scripts/build.mjs && node bench/runBundled.mjs bench/wasmWalk.bench.ts [--dir /tmp/ctl-bench-1000000] [--files 600] [--runs 9]
//
// Bundled, as the engine ships: under tsx, every use of a binding imported from another module
// goes through a getter, which slows the scan (not the walk) by a third and more.
// The WebAssembly module is compiled first with AssemblyScript fetched by npx (not a dependency of
// the project). Before timing, the WebAssembly walk must accept exactly what JSON.parse accepts:
// the invalid-JSON fixtures, seeded one-character mutations of valid texts, and every measured
// file; the bench fails otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BatchBuilder } from '../src/core/ingest/batch';
import { JsonCursor, skipSpace } from '../src/core/ingest/jsonScan';
import { scanRecordsFile } from '../src/core/ingest/scanRecords';
import { mutations, parseAccepts, SAMPLES } from '../test/unit/ingest/jsonMutations';
import { logFilesUnder } from '../test/unit/ingest/logFiles';

const argText = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const ROOT = process.env.CTL_BENCH_ROOT ?? join(__dirname, '..');
const dir = argText('dir', '/tmp/ctl-bench-1000000');
const fileCount = Number(argText('files', '600'));
const runs = Number(argText('runs', '9'));

// --- the module ---------------------------------------------------------------------------
const out = join(mkdtempSync(join(tmpdir(), 'ctl-wasm-')), 'strictWalk.wasm');
execFileSync(
  'npx',
  [
    '-y',
    '-p',
    'assemblyscript@0.28.20',
    'asc',
    join(ROOT, 'bench/wasm/strictWalk.ts'),
    '-O3',
    '--enable',
    'simd',
    '--runtime',
    'stub',
    '--noAssert',
    '-o',
    out,
  ],
  { stdio: 'inherit' },
);
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), {
  env: {
    abort() {
      throw new Error('abort in the WebAssembly module');
    },
  },
});
const memory = instance.exports.memory as WebAssembly.Memory;
const skipValue = instance.exports.skipValue as (p: number, len: number, stack: number) => number;
const INPUT = 65536; // below it: the nesting stack
const PAD = 32; // zero bytes after the input (literals are read 4 bytes at a time)

/** Whether the bytes are one JSON value (and whitespace), walked in WebAssembly. */
function wasmAccepts(bytes: Uint8Array): boolean {
  let mem = new Uint8Array(memory.buffer);
  const need = INPUT + bytes.length + PAD;
  if (need > mem.length) {
    memory.grow(Math.ceil((need - mem.length) / 65536));
    mem = new Uint8Array(memory.buffer);
  }
  mem.set(bytes, INPUT);
  mem.fill(0, INPUT + bytes.length, need);
  const end = skipValue(INPUT, bytes.length, 0);
  if (end < 0) return false;
  for (let i = end; i < bytes.length; i++) {
    const c = mem[INPUT + i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

// --- agreement with JSON.parse --------------------------------------------------------------
const invalidDir = join(ROOT, 'test/fixtures/hostile-input/invalid-json');
const cases: string[] = readdirSync(invalidDir).map((f) =>
  readFileSync(join(invalidDir, f), 'utf8'),
);
cases.push(...SAMPLES, ...mutations(9000, 15));
const files = logFilesUnder(dir)
  .slice(0, fileCount)
  .map((f) => gunzipSync(readFileSync(f)));
const decoder = new TextDecoder();
const texts = files.map((b) => decoder.decode(b));
let disagreements = 0;
let rejected = 0;
const check = (bytes: Uint8Array, text: string) => {
  const want = parseAccepts(text);
  if (!want) rejected++;
  if (wasmAccepts(bytes) !== want) {
    disagreements++;
    if (disagreements <= 5)
      console.error(`disagrees with JSON.parse (${want}): ${JSON.stringify(text.slice(0, 200))}`);
  }
};
for (const c of cases) check(Buffer.from(c, 'utf8'), c);
files.forEach((b, i) => check(b, texts[i]));
console.log(
  `agreement with JSON.parse: ${cases.length + files.length - disagreements} of ${cases.length + files.length} texts (${rejected} of them invalid JSON)`,
);
if (disagreements > 0) process.exit(1);

// --- timings --------------------------------------------------------------------------------
const total = files.reduce((s, b) => s + b.length, 0);
console.log(
  `${files.length} files of ${dir}, ${(total / 1e6).toFixed(1)} MB of JSON; median of ${runs} passes, one thread`,
);
function time(name: string, pass: () => number): number {
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    if (pass() !== files.length) throw new Error(`${name}: not every file accepted`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[ms.length >> 1];
  console.log(
    `${name.padEnd(52)} ${median.toFixed(1).padStart(7)} ms  ${(total / 1e6 / (median / 1000)).toFixed(0).padStart(5)} MB/s`,
  );
  return median;
}
// The whole scan first, before the walk alone has run in this process.
const jsScan = time(
  "JavaScript: the fast path's whole scan (scanRecordsFile)",
  () => texts.filter((t) => scanRecordsFile(t, new BatchBuilder())).length,
);
time(
  'JavaScript: UTF-8 decoding alone',
  () => files.filter((b) => decoder.decode(b).length > 0).length,
);
const jsWalk = time(
  'JavaScript: strict walk of the text (skipValue)',
  () => texts.filter((t) => new JsonCursor(t).skipValue(skipSpace(t, 0)) > 0).length,
);
const wasmWalk = time(
  'WebAssembly: copy in + strict walk of the bytes',
  () => files.filter(wasmAccepts).length,
);
console.log(
  `the strict walk: WebAssembly ${(jsWalk / wasmWalk).toFixed(1)}× faster than JavaScript; in JavaScript it is ${((100 * jsWalk) / jsScan).toFixed(0)}% of the whole scan`,
);
